import Foundation
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The forecast compiled into SQL names exactly the customers the Swift forecaster (the sweep's
/// evaluator behind routing) names, for random pools, rules with per-level days, and customers
/// with random clocks, on both backends.
@Suite struct ReclaimForecastSQLTests {
    @Test(arguments: StoreBackend.allCases)
    func theCompiledForecastAgreesWithTheEvaluator(_ backend: StoreBackend) throws {
        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_793_000_000))
        let zone = TimeZone(identifier: "Asia/Shanghai")!
        let database = try backend.store(clock: clock, timeZone: zone)
        let users = try (0..<3).map { try database.createUser(name: "rep\($0)", role: .rep, departmentID: nil) }
        let owners = users.map(\.id)
        let industries = ["Retail", "energy", "Finance", nil]
        let regions = ["Shanghai", "beijing", nil]
        func days() -> Int? { random.below(3) == 0 ? nil : 1 + random.below(40) }
        func rules() -> PoolRules {
            var reclaim = ReclaimRules(
                days: ReclaimDays(noFollowUpDays: days(), noProgressDays: days(), claimedNoFollowUpDays: days()),
                exemptLocked: random.below(2) == 0, exemptWon: random.below(2) == 0)
            if random.below(2) == 0 { reclaim.byLevel["A"] = ReclaimDays(noFollowUpDays: 1 + random.below(40), noProgressDays: days()) }
            return PoolRules(reclaim: reclaim)
        }
        _ = try database.createPool(PoolDraft(name: "Default", isDefault: true, rules: rules()))
        for index in 0..<4 {
            let names = [industries[random.below(3)].map { [$0.uppercased()] } ?? [], regions[random.below(2)].map { [$0] } ?? []]
            let picked = index == 3 ? [names[0], []] : names  // one pool by industry alone
            _ = try database.createPool(PoolDraft(
                name: "P\(index)", industries: picked[0], regions: picked[1].isEmpty && picked[0].isEmpty ? ["beijing"] : picked[1],
                priority: random.below(2) * 10, rules: rules()))
        }
        let now = Timestamp.encode(clock.now())
        let day: Int64 = 86_400_000
        for index in 0..<400 {
            let created = now - Int64(random.below(90)) * day - Int64(random.below(86_400_000))
            let since = random.below(4) == 0 ? nil : created + Int64(random.below(30)) * day
            let followUp = random.below(3) == 0 ? nil : created + Int64(random.below(60)) * day + Int64(random.below(86_400_000))
            let progress = random.below(2) == 0 ? nil : created + Int64(random.below(60)) * day
            try database.insertCustomer(
                index: index, owner: owners[random.below(owners.count)], industry: industries[random.below(industries.count)],
                region: regions[random.below(regions.count)], level: random.below(3) == 0 ? "A" : nil,
                status: random.below(5) == 0 ? "won" : "lead", locked: random.below(5) == 0,
                created: created, since: since.map { min($0, now) }, followUp: followUp.map { min($0, now) }, progress: progress.map { min($0, now) })
        }
        let calendar = database.calendar
        let today = calendar.day(of: clock.now())
        let customers = try database.privateCustomers(ownedBy: nil)
        let forecaster = ReclaimForecaster(pools: try database.pools(), calendar: calendar, today: today)
        // Before the forecasts are refreshed (the rows were written behind the store's back) every
        // private customer is looked at; after, only those whose kept instant is near. Both exact.
        for kept in [false, true] {
            if kept { #expect(try database.refreshForecastsIfStale()) }
            for within in [-1, 0, 3, 7, 30] {
                let expected = Set(customers.filter { customer in
                    forecaster.forecast(customer)?.daysLeft.map { $0 <= within } ?? false
                }.map(\.id))
                let compiled = ReclaimForecastSQL(pools: try database.pools(), calendar: calendar, dialect: database.dialect)
                let found = Set(try database.customerIDs(where: compiled.due(by: calendar.adding(within, to: today), kept: kept)))
                #expect(found == expected, "due within \(within) days, kept \(kept) (seed \(seed)): \(found.symmetricDifference(expected).sorted())")
            }
        }
        #expect(try database.refreshForecastsIfStale() == false, "done once for these pools")

        // Rule previews: the database's selection and the tallies' count give what evaluating
        // every governed customer in Swift gives.
        let router = PoolRouter(pools: try database.pools())
        for pool in try database.pools() {
            let proposed = rules()
            let previewed = try database.previewRules(proposed, for: pool.id, today: today)
            var expected = RulePreview()
            expected.add(
                customers.filter { router.route(industry: $0.industry, region: $0.region)?.0 == pool.id },
                rules: proposed.reclaim, today: today, calendar: calendar)
            #expect(previewed.evaluated == expected.evaluated, "preview of \(pool.name) evaluated (seed \(seed))")
            let counts: [Int] = [previewed.today, previewed.within7Days, previewed.within30Days]
            let expectedCounts: [Int] = [expected.today, expected.within7Days, expected.within30Days]
            #expect(counts == expectedCounts, "preview of \(pool.name) counts (seed \(seed))")
            #expect(previewed.perOwner == expected.perOwner, "preview of \(pool.name) per owner (seed \(seed))")
            let listed: [CustomerID] = previewed.entries.map(\.customer.id)
            let expectedListed: [CustomerID] = expected.entries.prefix(200).map(\.customer.id)
            #expect(listed == expectedListed, "preview list (seed \(seed))")
            // A short list: only the customers near the soonest are evaluated for it.
            for length in [1, 7, 30] {
                let short = try database.previewRules(proposed, for: pool.id, today: today, listed: length)
                #expect(short.entries.map(\.customer.id) == Array(expectedListed.prefix(length)), "first \(length) (seed \(seed))")
                #expect(short.entries.map(\.due) == expected.entries.prefix(length).map(\.due), "their dues (seed \(seed))")
            }
        }
        for pool in try database.pools() {
            let compiled = ReclaimForecastSQL(pools: try database.pools(), calendar: calendar, dialect: database.dialect)
            let expected = Set(customers.filter { router.route(industry: $0.industry, region: $0.region)?.0 == pool.id }.map(\.id))
            #expect(Set(try database.customerIDs(where: compiled.governed(by: pool.id))) == expected, "governed by \(pool.name) (seed \(seed))")
        }
        let counts = try database.reclaimDueCounts(scope: .all, today: today, within: 7)
        let overdue = customers.filter { (forecaster.forecast($0)?.daysLeft ?? 1) < 0 }.count
        let upcoming = customers.filter { forecaster.forecast($0)?.daysLeft.map { (0...7).contains($0) } ?? false }.count
        #expect(counts.overdue == overdue && counts.upcoming == upcoming, "counts (seed \(seed))")
        let listed = try database.reclaimDue(scope: .all, today: today, within: 7, overdue: false, offset: 0, limit: 1000)
        #expect(listed.count == upcoming)
        let instants = listed.compactMap { forecaster.forecast($0)?.assessment.due?.reclaimOn }
        #expect(instants == instants.sorted(), "soonest first (seed \(seed))")

        // Writes keep their customer's kept forecast: follow-ups, locks and status changes.
        let services = PoolServices(store: database, clock: clock)
        let actors = Dictionary(uniqueKeysWithValues: users.map { ($0.id, Actor($0)) })
        for customer in customers.shuffled(using: &random).prefix(60) {
            let owner = actors[customer.ownerID!]!
            switch random.below(3) {
            case 0: _ = try services.operations.addFollowUp(to: customer.id, kind: .call, text: "called", at: nil, by: owner)
            case 1: _ = try? services.operations.setLocked(customer.id, !customer.locked, by: owner)
            default:
                _ = try services.operations.update(customer.id, by: owner) { current in
                    var draft = CustomerDraft(current)
                    draft.status = current.status == .won ? .negotiating : .won
                    return draft
                }
            }
        }
        let after = try database.privateCustomers(ownedBy: nil)
        for within in [0, 7] {
            let expected = Set(after.filter { forecaster.forecast($0)?.daysLeft.map { $0 <= within } ?? false }.map(\.id))
            let compiled = ReclaimForecastSQL(pools: try database.pools(), calendar: calendar, dialect: database.dialect)
            let found = Set(try database.customerIDs(where: compiled.due(by: calendar.adding(within, to: today), kept: true)))
            #expect(found == expected, "kept through writes, within \(within) (seed \(seed))")
        }
    }
}

/// Test access to both stores' shared SQL.
protocol ForecastCheck {
    var dialect: SQLDialect { get }
    func insertCustomer(
        index: Int, owner: UserID, industry: String?, region: String?, level: String?, status: String, locked: Bool,
        created: Int64, since: Int64?, followUp: Int64?, progress: Int64?) throws
    func customerIDs(where condition: SQLFragment) throws -> [CustomerID]
    func timedOutWrite(slow: String) throws
    func slowRead(_ slow: String) throws
    /// A rule preview that lists only the first `listed` customers.
    func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day, listed: Int) throws -> RulePreview
}

extension ForecastCheck where Self: SQLTransactions {
    var dialect: SQLDialect { Session.dialect }

    func insertCustomer(
        index: Int, owner: UserID, industry: String?, region: String?, level: String?, status: String, locked: Bool,
        created: Int64, since: Int64?, followUp: Int64?, progress: Int64?
    ) throws {
        try writeTransaction { session in
            try session.execute(
                """
                INSERT INTO customers (name, name_key, industry, region, level, status, owner_id, locked, created_at,
                  owner_since, last_follow_up_at, last_progress_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                [.text("C\(index)"), .text("c\(index)"), SQLValue(industry), SQLValue(region), SQLValue(level), .text(status),
                 .int(owner.rawValue), SQLValue(locked), .int(created), SQLValue(since), SQLValue(followUp), SQLValue(progress), .int(created)])
        }
    }

    func customerIDs(where condition: SQLFragment) throws -> [CustomerID] {
        try read { try $0.fetchAll(SQLFragment("SELECT id FROM customers WHERE ") + condition) { CustomerID($0.int64(0)) } }
    }

    func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day, listed: Int) throws -> RulePreview {
        try SweepEngine(self, now: Date()).preview(rules, for: pool, today: today, listed: listed)
    }
}

extension SQLitePoolDatabase: ForecastCheck {}
extension PostgresPoolDatabase: ForecastCheck {}
