/// How many and which customers a pool's (proposed) rules would reclaim today, within 7 and
/// within 30 days: computed with the same evaluator as the sweep, before the rules are saved.
public struct RulePreview: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public let customer: Customer
        public let due: ReclaimDue

        public init(customer: Customer, due: ReclaimDue) {
            self.customer = customer
            self.due = due
        }
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
    /// Customers due within 30 days, soonest first (a store lists the first 200).
    public var entries: [Entry] = []

    public init() {}

    /// Adds the customers governed by the pool (already selected by routing).
    public mutating func add(_ customers: [Customer], rules: ReclaimRules, today day: Day, calendar: LocalCalendar) {
        let due = count(customers.filter { $0.ownerID != nil }.map(ReclaimFacts.init), rules: rules, today: day, calendar: calendar)
        let byID = Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0) })
        entries += due.compactMap { id, due in byID[id].map { Entry(customer: $0, due: due) } }
        entries.sort { ($0.due.reclaimOn, $0.customer.id) < ($1.due.reclaimOn, $1.customer.id) }
    }

    /// How far off a customer's reclaim is, when a store has worked it out exactly for many
    /// customers at once (`count(_:)`).
    public enum Window: Int, Sendable {
        case today = 0, within7Days, within30Days
    }

    /// Counts customers due within 30 days whose window a store has already decided, by owner.
    public mutating func count(_ windows: [(owner: UserID, window: Window)]) {
        var owners = Dictionary(uniqueKeysWithValues: perOwner.map { ($0.ownerID, $0) })
        for (owner, window) in windows {
            var counts = owners[owner] ?? OwnerCounts(ownerID: owner)
            if window == .today {
                today += 1
                counts.today += 1
            }
            if window != .within30Days {
                within7Days += 1
                counts.within7Days += 1
            }
            within30Days += 1
            counts.within30Days += 1
            owners[owner] = counts
        }
        perOwner = owners.values.sorted { ($0.within30Days, $1.ownerID) > ($1.within30Days, $0.ownerID) }
    }

    /// Counts the governed customers' facts (each one evaluated); returns those due within 30
    /// days with their due, soonest first, for the caller to list (`entries`) as far as it wants.
    public mutating func count(
        _ facts: [ReclaimFacts], rules: ReclaimRules, today day: Day, calendar: LocalCalendar
    ) -> [(CustomerID, ReclaimDue)] {
        var owners = Dictionary(uniqueKeysWithValues: perOwner.map { ($0.ownerID, $0) })
        var listed: [(CustomerID, ReclaimDue)] = []
        for fact in facts {
            evaluated += 1
            guard let due = ReclaimEvaluator.assess(fact, rules: rules, calendar: calendar).due else { continue }
            let daysAway = calendar.days(from: day, to: due.reclaimOn)
            guard daysAway <= 30 else { continue }
            var counts = owners[fact.ownerID] ?? OwnerCounts(ownerID: fact.ownerID)
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
            owners[fact.ownerID] = counts
            listed.append((fact.customerID, due))
        }
        perOwner = owners.values.sorted { ($0.within30Days, $1.ownerID) > ($1.within30Days, $0.ownerID) }
        return listed.sorted { ($0.1.reclaimOn, $0.0) < ($1.1.reclaimOn, $1.0) }
    }
}
