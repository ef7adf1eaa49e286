/// How many and which customers a pool's (proposed) rules would reclaim today, within 7 and
/// within 30 days: computed with the same evaluator as the sweep, before the rules are saved.
public struct RulePreview: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let customer: Customer
        public let due: ReclaimDue
    }

    public struct OwnerCounts: Sendable, Equatable {
        public let ownerID: UserID
        public var today = 0
        public var within7Days = 0
        public var within30Days = 0
    }

    public var evaluated = 0
    public var today = 0
    public var within7Days = 0
    public var within30Days = 0
    public var perOwner: [OwnerCounts] = []
    /// Customers due within 30 days, soonest first.
    public var entries: [Entry] = []

    public init() {}

    /// Adds the customers governed by the pool (already selected by routing).
    public mutating func add(_ customers: [Customer], rules: ReclaimRules, today day: Day, calendar: LocalCalendar) {
        var owners = Dictionary(uniqueKeysWithValues: perOwner.map { ($0.ownerID, $0) })
        for customer in customers {
            guard let owner = customer.ownerID else { continue }
            evaluated += 1
            guard let due = ReclaimEvaluator.assess(ReclaimFacts(customer), rules: rules, calendar: calendar).due else { continue }
            let daysAway = calendar.days(from: day, to: due.reclaimOn)
            guard daysAway <= 30 else { continue }
            var counts = owners[owner] ?? OwnerCounts(ownerID: owner)
            if daysAway <= 0 {
                today += 1
                counts.today += 1
            }
            if daysAway <= 7 {
                within7Days += 1
                counts.within7Days += 1
            }
            within30Days += 1
            counts.within30Days += 1
            owners[owner] = counts
            entries.append(Entry(customer: customer, due: due))
        }
        perOwner = owners.values.sorted { ($0.within30Days, $1.ownerID) > ($1.within30Days, $0.ownerID) }
        entries.sort { ($0.due.reclaimOn, $0.customer.id) < ($1.due.reclaimOn, $1.customer.id) }
    }
}
