import Foundation
import GRDB
import PoolDomain

/// Fills an empty database with a realistic sales organisation: departments in a tree, an admin,
/// 2 managers, 12 reps, pools by region and industry, and about 2,000 customers with follow-up
/// and ownership history spread over the last 120 days. Deterministic for a given seed.
public struct DemoSeeder {
    public struct Summary: Sendable {
        public let customers: Int
        public let users: Int
        public let pools: Int
    }

    let database: SQLitePoolDatabase
    let customerCount: Int
    let seed: UInt64

    public init(database: SQLitePoolDatabase, customerCount: Int = 2000, seed: UInt64 = 20_261_123) {
        self.database = database
        self.customerCount = customerCount
        self.seed = seed
    }

    /// True when the database has no users yet.
    public func isEmpty() throws -> Bool {
        try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0 } == 0
    }

    @discardableResult
    public func seed(now: Date) throws -> Summary {
        var random = SeededGenerator(seed: seed)
        return try database.writeTransaction { db in
            let departments = try insertDepartments(db)
            let (reps, people, userIDs) = try insertUsers(db, departments, now)
            let pools = try insertPools(db, departments: departments, users: userIDs, at: now)
            let (kind, scope) = PoolWrites<Database>.scopeKey(.everyone)
            try db.execute(
                sql: "INSERT INTO owner_limits (scope_kind, scope_id, max_private, count_won, max_locked) VALUES (?, ?, ?, ?, ?)",
                arguments: [kind, scope, DemoCatalog.ownerLimit.maxPrivate, DemoCatalog.ownerLimit.countWon, DemoCatalog.ownerLimit.maxLocked])
            let router = PoolRouter(pools: pools)
            var writer = CustomerWriter(db: db, database: database, router: router, reps: reps, now: now)
            var names = Set<String>()
            var made = 0
            while made < customerCount {
                guard let draft = makeDraft(made, &random, &names) else { continue }
                try writer.write(draft, index: made, random: &random)
                made += 1
            }
            // The demo writes its history directly, backdated; its facts are counted once at the end.
            try DailyFacts(db, calendar: database.calendar).rebuild()
            return Summary(customers: made, users: people, pools: pools.count)
        }
    }

    private func insertDepartments(_ db: Database) throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        for (name, parent) in DemoCatalog.departments {
            try db.execute(
                sql: "INSERT INTO departments (name, parent_id) VALUES (?, ?)",
                arguments: [name, parent.flatMap { ids[$0] }])
            ids[name] = db.lastInsertedRowID
        }
        return ids
    }

    private func insertUsers(_ db: Database, _ departments: [String: Int64], _ now: Date) throws -> ([UserID], Int, [String: Int64]) {
        let created = Timestamp.encode(now.addingTimeInterval(-200 * 86_400))
        var people: [(String, Role, String)] = [(DemoCatalog.admin.name, .admin, DemoCatalog.admin.department)]
        people += DemoCatalog.managers.map { ($0.name, .manager, $0.department) }
        people += DemoCatalog.reps.map { ($0.0, .rep, $0.1) }
        var reps: [UserID] = []
        var ids: [String: Int64] = [:]
        for (name, role, department) in people {
            try db.execute(
                sql: "INSERT INTO users (name, role, department_id, active, created_at) VALUES (?, ?, ?, 1, ?)",
                arguments: [name, role.rawValue, departments[department], created])
            ids[name] = db.lastInsertedRowID
            if role == .rep { reps.append(UserID(db.lastInsertedRowID)) }
        }
        return (reps, people.count, ids)
    }

    private func insertPools(_ db: Database, departments: [String: Int64], users: [String: Int64], at now: Date) throws -> [Pool] {
        var pools: [Pool] = []
        for pool in DemoCatalog.pools {
            try db.execute(
                sql: "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    pool.name, RowDecoding.encodeList(pool.industries), RowDecoding.encodeList(pool.regions),
                    pool.priority, pool.isDefault,
                ])
            let id = db.lastInsertedRowID
            let rules = DemoCatalog.rules(autoAssign: pool.autoAssign)
            try db.execute(
                sql: "INSERT INTO pool_rule_versions (pool_id, version, rules, created_at) VALUES (?, 1, ?, ?)",
                arguments: [id, RowDecoding.encodeRules(rules), Timestamp.encode(now)])
            try db.execute(sql: "UPDATE pools SET rule_version_id = ? WHERE id = ?", arguments: [db.lastInsertedRowID, id])
            let access = pool.members.map { ("department", String(departments[$0]!), "member") }
                + pool.admins.map { ("user", String(users[$0]!), "admin") }
            for (kind, value, level) in access {
                try db.execute(
                    sql: "INSERT INTO pool_access (pool_id, principal_kind, principal_value, level) VALUES (?, ?, ?, ?)",
                    arguments: [id, kind, value, level])
            }
            pools.append(
                Pool(
                    id: PoolID(id), name: pool.name, industries: pool.industries, regions: pool.regions,
                    priority: pool.priority, isDefault: pool.isDefault, rules: rules))
        }
        return pools
    }

    private func makeDraft(_ index: Int, _ random: inout SeededGenerator, _ names: inout Set<String>) -> CustomerDraft? {
        let industry = DemoCatalog.industries.randomElement(using: &random)!
        let region = DemoCatalog.regions.randomElement(using: &random)!
        let brand = (0..<2).map { _ in DemoCatalog.brandSyllables.randomElement(using: &random)! }.joined()
        let form = DemoCatalog.companyForms.randomElement(using: &random)!
        let name = "\(DemoCatalog.cities[region]!)\(brand)\(DemoCatalog.industryWords[industry]!.randomElement(using: &random)!)\(form)"
        guard names.insert(DuplicateKeys.normalizeName(name)).inserted else { return nil }
        let phone = "1\([3, 5, 7, 8, 9].randomElement(using: &random)!)\(String(format: "%09d", 100_000_000 + index * 37 % 899_999_999))"
        let slug = "contact\(index)"
        let statuses: [CustomerStatus] = [.lead, .lead, .lead, .contacted, .contacted, .negotiating, .won, .lost, .invalid]
        let status = statuses.randomElement(using: &random)!
        return CustomerDraft(
            name: name, phone: phone, email: "\(slug)@example.cn",
            industry: industry, region: region, level: DemoCatalog.levels.randomElement(using: &random)!,
            source: DemoCatalog.sources.randomElement(using: &random)!, status: status,
            dealAmountCents: status == .won ? Int64.random(in: 20_000...2_000_000, using: &random) * 100 : nil)
    }
}

/// Writes one demo customer with a plausible history: created, maybe released or reclaimed
/// once, followed up a few times. A customer its rep keeps is being worked, as in a team that
/// follows the rules: most were followed up and moved on recently, about one in ten comes due
/// within the week (the sweep warns its owner), and a few are overdue.
private struct CustomerWriter {
    let db: Database
    let database: SQLitePoolDatabase
    let router: PoolRouter
    let reps: [UserID]
    let now: Date

    /// The steady state of a private customer under the demo rules (30 days without follow-up,
    /// 90 without progress, warned 7 days ahead).
    func keepWorked(_ id: CustomerID, creator: UserID, created: Date, random: inout SeededGenerator) throws {
        let roll = Int.random(in: 0..<100, using: &random)
        let daysAgo = roll < 86 ? Double.random(in: 0.5...20, using: &random)
            : roll < 97 ? Double.random(in: 23.5...29, using: &random) : Double.random(in: 31...40, using: &random)
        // Never before the customer existed: a young customer was followed up since.
        let at = max(now.addingTimeInterval(-daysAgo * 86_400), created.addingTimeInterval(now.timeIntervalSince(created) / 2))
        try db.execute(
            sql: "INSERT INTO follow_ups (customer_id, kind, text, at, by_user_id) VALUES (?, ?, ?, ?, ?)",
            arguments: [
                id.rawValue, FollowUpKind.allCases.randomElement(using: &random)!.rawValue,
                DemoCatalog.followUpTexts.randomElement(using: &random)!, Timestamp.encode(at), creator.rawValue,
            ])
        let progress = now.addingTimeInterval(-Double.random(in: 1...75, using: &random) * 86_400)
        try db.execute(
            sql: "UPDATE customers SET last_follow_up_at = ?, last_progress_at = MAX(last_progress_at, ?) WHERE id = ?",
            arguments: [Timestamp.encode(at), Timestamp.encode(progress), id.rawValue])
    }

    mutating func write(_ draft: CustomerDraft, index: Int, random: inout SeededGenerator) throws {
        let ageDays = Double.random(in: 1...120, using: &random)
        let created = now.addingTimeInterval(-ageDays * 86_400)
        let creator = reps.randomElement(using: &random)!
        let (pool, routedBy) = router.route(industry: draft.industry, region: draft.region)!
        let inPool = Int.random(in: 0..<10, using: &random) < 4
        let id = try database.insertCustomer(db, draft, placement: .owned(by: creator), createdBy: creator, at: created)
        try database.insertEvent(
            db, customer: id, kind: .create, from: nil, to: .owned(by: creator), actor: creator,
            reason: nil, routedBy: nil, at: created)
        var lastFollowUp: Date?
        let followUps = Int.random(in: 0...5, using: &random)
        for step in 0..<followUps {
            let at = created.addingTimeInterval(Double(step + 1) / Double(followUps + 1) * ageDays * 86_400 * 0.9)
            try db.execute(
                sql: "INSERT INTO follow_ups (customer_id, kind, text, at, by_user_id) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    id.rawValue, FollowUpKind.allCases.randomElement(using: &random)!.rawValue,
                    DemoCatalog.followUpTexts.randomElement(using: &random)!, Timestamp.encode(at), creator.rawValue,
                ])
            lastFollowUp = at
        }
        if let lastFollowUp {
            try db.execute(
                sql: "UPDATE customers SET last_follow_up_at = ? WHERE id = ?",
                arguments: [Timestamp.encode(lastFollowUp), id.rawValue])
        }
        if !inPool { try keepWorked(id, creator: creator, created: created, random: &random) }
        if inPool {
            let leftAt = (lastFollowUp ?? created).addingTimeInterval(Double.random(in: 1...10, using: &random) * 86_400)
            let reason = DemoCatalog.releaseReasons.randomElement(using: &random)!
            let change = OwnershipChange(
                customerID: id, kind: .release, expected: .owned(by: creator), target: .inPool(pool),
                actorID: creator, reason: reason, routedBy: routedBy, at: min(leftAt, now))
            try database.apply(change, db)
        }
    }
}
