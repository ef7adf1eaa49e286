import Foundation
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The daily facts kept as things happen equal a count from scratch, and the reports read from
/// them equal a count over the raw history, after random claims, releases, assignments,
/// backdated follow-ups, sweeps and clock moves, in a time zone with a daylight-saving change
/// inside the period, on both backends.
@Suite struct DailyFactsPropertyTests {
    @Test(arguments: StoreBackend.allCases)
    func keptFactsEqualARecountAndReportsEqualTheRawHistory(_ backend: StoreBackend) throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)  // the seed is in every message: it replays a failure
        let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_793_000_000))  // 2026-10-27, before New York's clock change
        let zone = TimeZone(identifier: "America/New_York")!
        let database = try backend.store(clock: clock, timeZone: zone)
        let services = PoolServices(store: database, clock: clock)
        let admin = Actor(try database.createUser(name: "admin", role: .admin, departmentID: nil))
        let reps = try (0..<4).map { Actor(try database.createUser(name: "rep\($0)", role: .rep, departmentID: nil)) }
        let rules = PoolRules(reclaim: ReclaimRules(days: ReclaimDays(noFollowUpDays: 2, claimedNoFollowUpDays: 1)))
        let general = try database.createPool(PoolDraft(name: "General", isDefault: true, rules: rules))
        let retail = try database.createPool(PoolDraft(name: "Retail", industries: ["retail"], priority: 5, rules: rules))
        let actors = Dictionary(uniqueKeysWithValues: reps.map { ($0.userID, $0) })
        var customers: [CustomerID] = []
        for index in 0..<24 {
            let draft = CustomerDraft(name: "Customer \(index)", industry: index.isMultiple(of: 3) ? "retail" : "energy")
            customers.append(try services.operations.create(draft, intoPool: index.isMultiple(of: 3) ? retail.id : general.id, by: admin).id)
        }
        var done: [String: Int] = [:]
        for _ in 0..<400 {
            let customer = customers[random.below(customers.count)]
            let rep = reps[random.below(reps.count)]
            let owner = try database.customers(ids: [customer])[customer]?.ownerID
            do {
                switch random.below(10) {
                case 0, 1, 2:
                    _ = try services.operations.claim(customer, by: rep)
                    done["claim", default: 0] += 1
                case 3:
                    guard let owner else { continue }
                    _ = try services.operations.release(customer, reason: "not now", into: nil, by: actors[owner]!)
                    done["release", default: 0] += 1
                case 4:
                    _ = try services.operations.assign(customer, to: rep.userID, reason: nil, by: admin)
                    done["assign", default: 0] += 1
                case 5, 6:
                    guard let owner else { continue }
                    // Backdated by up to three days: it may answer a claim earlier than one counted.
                    let at = clock.now().addingTimeInterval(-Double(random.below(3 * 86_400)))
                    _ = try services.operations.addFollowUp(to: customer, kind: .call, text: "called", at: at, by: actors[owner]!)
                    done["followUp", default: 0] += 1
                case 7:
                    let reports = try services.sweeps.run(dryRun: false, trigger: .api, by: admin)
                    done["reclaimed", default: 0] += reports.map(\.reclaimed).reduce(0, +)
                default:
                    clock.advance(seconds: Double(random.below(20 * 3_600)))
                }
            } catch is PoolError {
                done["refused", default: 0] += 1
            }
        }
        #expect(done["claim", default: 0] > 2 && done["followUp", default: 0] > 2 && done["reclaimed", default: 0] > 0,
                "the walk exercised claims, follow-ups and reclaims (seed \(seed)): \(done)")

        let facts = try database.factsComparison()
        #expect(facts.kept == facts.counted, "daily facts (seed \(seed))")
        #expect(facts.keptClaims == facts.countedClaims, "first follow-ups of claims (seed \(seed))")

        let history = try RawHistory(database)
        let start = Date(timeIntervalSince1970: 1_793_000_000)
        for _ in 0..<6 {
            let from = start.addingTimeInterval(Double(random.below(10 * 86_400)) - 86_400)
            let to = from.addingTimeInterval(Double(random.below(20 * 86_400)))
            let users = reps.map(\.userID)
            let reported = try database.repMetrics(users: users, from: from, to: to)
            #expect(reported.map(\.claimed) == users.map { history.count("claim", to: $0, from, to) }, "claims (seed \(seed))")
            #expect(reported.map(\.assigned) == users.map { history.count("assign", to: $0, from, to) }, "assignments (seed \(seed))")
            #expect(reported.map(\.released) == users.map { history.count("release", from: $0, from, to) }, "releases (seed \(seed))")
            #expect(reported.map(\.reclaimed) == users.map { history.count("reclaim", from: $0, from, to) }, "reclaims (seed \(seed))")
            #expect(reported.map(\.followUps) == users.map { history.followUps(by: $0, from, to) }, "follow-ups (seed \(seed))")
            let pools = try database.poolMetrics(pools: [general.id, retail.id], from: from, to: to)
            for metrics in pools {
                #expect(metrics.inflow == history.events(from, to).filter { $0.toPool == metrics.poolID }.count, "inflow (seed \(seed))")
                #expect(metrics.outflow == history.events(from, to).filter { $0.fromPool == metrics.poolID && $0.toOwner != nil }.count,
                        "outflow (seed \(seed))")
            }
        }
        let calendar = LocalCalendar(timeZone: zone)
        let today = calendar.day(of: clock.now())
        let daily = try database.dailyEventCounts(days: 20, through: today)
        for offset in 0..<20 {
            let day = calendar.adding(-offset, to: today)
            let (from, to) = (calendar.start(of: day), calendar.start(of: calendar.adding(1, to: day)))
            #expect((daily[day]?["claim"] ?? 0) == history.events(from, to).filter { $0.kind == "claim" }.count, "claims on \(day) (seed \(seed))")
            #expect((daily[day]?["inflow"] ?? 0) == history.events(from, to).filter { $0.toPool != nil }.count, "inflow on \(day) (seed \(seed))")
        }
    }
}

/// What the comparison reads, on whichever backend.
struct FactsComparison {
    var kept: CountedFacts
    var counted: CountedFacts
    var keptClaims: [Int64: Int64?]
    var countedClaims: [Int64: Int64?]
}

/// The raw rows, counted the way the reports defined them before the facts existed.
struct RawHistory {
    struct Event {
        let kind: String
        let fromOwner: UserID?, toOwner: UserID?, fromPool: PoolID?, toPool: PoolID?
        let at: Date
    }

    let all: [Event]
    let followUps: [(UserID, Date)]

    init(_ store: any SQLTransactionsCheck) throws {
        (all, followUps) = try store.rawHistory()
    }

    func events(_ from: Date, _ to: Date) -> [Event] { all.filter { $0.at >= from && $0.at < to } }

    func count(_ kind: String, to user: UserID, _ from: Date, _ to: Date) -> Int {
        events(from, to).filter { $0.kind == kind && $0.toOwner == user }.count
    }

    func count(_ kind: String, from user: UserID, _ from: Date, _ to: Date) -> Int {
        events(from, to).filter { $0.kind == kind && $0.fromOwner == user }.count
    }

    func followUps(by user: UserID, _ from: Date, _ to: Date) -> Int {
        followUps.filter { $0.0 == user && $0.1 >= from && $0.1 < to }.count
    }
}

/// Both stores run the shared SQL (`SQLTransactions`); this opens it to the test whatever the
/// session type.
protocol SQLTransactionsCheck {
    func factsComparison() throws -> FactsComparison
    func rawHistory() throws -> ([RawHistory.Event], [(UserID, Date)])
}

extension SQLTransactionsCheck where Self: SQLTransactions {
    func factsComparison() throws -> FactsComparison {
        try read { session in
            let facts = DailyFacts(session, calendar: calendar)
            return FactsComparison(
                kept: try facts.stored(), counted: try facts.recount(),
                keptClaims: try facts.claimFollowUps(stored: true), countedClaims: try facts.claimFollowUps(stored: false))
        }
    }

    func rawHistory() throws -> ([RawHistory.Event], [(UserID, Date)]) {
        try read { session in
            let events = try session.fetchAll(
                "SELECT kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id, at FROM ownership_events"
            ) { row in
                RawHistory.Event(
                    kind: row.text(0), fromOwner: row.optionalInt64(1).map(UserID.init), toOwner: row.optionalInt64(2).map(UserID.init),
                    fromPool: row.optionalInt64(3).map(PoolID.init), toPool: row.optionalInt64(4).map(PoolID.init),
                    at: Timestamp.decode(row.int64(5)))
            }
            let followUps = try session.fetchAll("SELECT by_user_id, at FROM follow_ups") { row in
                (UserID(row.int64(0)), Timestamp.decode(row.int64(1)))
            }
            return (events, followUps)
        }
    }
}

extension SQLitePoolDatabase: SQLTransactionsCheck {}
extension PostgresPoolDatabase: SQLTransactionsCheck {}

extension SeededGenerator {
    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
}
