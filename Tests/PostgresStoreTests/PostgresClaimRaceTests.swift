import Foundation
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// Two gonghai instances (two stores, each with its own connections) on one PostgreSQL, with
/// every rep claiming through both at once: one owner per customer, one event per change, and
/// the owner limit and the pool's daily claim limit hold across instances.
@Suite struct PostgresClaimRaceTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().migratedDatabase() }

    @Test func repsClaimingThroughTwoInstancesNeverBreakALimitOrShareACustomer() throws {
        let seed = try PostgresConnection(url)
        let reps = try (1...4).map { index in
            try #require(try seed.fetchOne(
                "INSERT INTO users (name, role, created_at) VALUES (?, 'rep', 0) RETURNING id", [.text("rep\(index)")]
            ) { UserID($0.int64(0)) })
        }
        var daily = PoolRules()
        daily.claim.maxClaimsPerDay = 1
        let limited = try makePool(seed, "limited", rules: daily, priority: 2)
        let open = try makePool(seed, "open", rules: PoolRules(), priority: 1)
        try seed.execute("INSERT INTO owner_limits (scope_kind, scope_id, max_private) VALUES ('everyone', 0, 2)", [])
        var customers: [CustomerID] = []
        for index in 0..<40 {
            let pool = index < 20 ? limited : open
            customers.append(try #require(try seed.fetchOne(
                """
                INSERT INTO customers (name, name_key, pool_id, created_at, updated_at, entered_pool_at)
                VALUES (?, ?, ?, 0, 0, 0) RETURNING id
                """, [.text("Race \(index)"), .text("race \(index)"), .int(pool.rawValue)]) { CustomerID($0.int64(0)) }))
        }

        let targets = customers
        let instances = [try PostgresPoolDatabase(url: url, connections: 8), try PostgresPoolDatabase(url: url, connections: 8)]
        let outcomes = RaceOutcomes()
        // Eight threads per rep, four through each instance, each starting at another customer:
        // one rep's claims of different customers run at the same moment, which is what a
        // limit counted without serialization lets through.
        let threadsPerRep = 8
        onRealThreads(reps.count * threadsPerRep) { index in
            let rep = reps[index % reps.count]
            let thread = index / reps.count
            let store = instances[thread % instances.count]
            let actor = Actor(userID: rep, name: "rep", role: .rep, departmentID: nil)
            let first = (thread * 5 + index % reps.count * 3) % targets.count
            for customer in targets[first...] + targets[..<first] {
                outcomes.attempt("claimed") {
                    _ = try store.changeOwner(of: customer, by: actor, CustomerOperations.claimDecision(by: actor))
                }
            }
        }
        #expect(outcomes.unexpected.count == 0, "\(outcomes.unexpected.prefix(3))")
        #expect(outcomes.count("limit") > 0 && outcomes.count("taken") > 0, "the race reached both refusals")

        let owned = try seed.fetchAll("SELECT owner_id, pool_id IS NULL FROM customers WHERE owner_id IS NOT NULL", []) {
            (UserID($0.int64(0)), $0.bool(1))
        }
        #expect(owned.count == outcomes.count("claimed"), "every acknowledged claim is in the table, and only those")
        for rep in reps {
            #expect(owned.filter { $0.0 == rep }.count <= 2, "owner limit of 2 held for \(rep)")
        }
        let claimsFromLimited = try seed.fetchAll(
            "SELECT to_owner_id, COUNT(*) FROM ownership_events WHERE kind = 'claim' AND from_pool_id = ? GROUP BY to_owner_id",
            [.int(limited.rawValue)]) { $0.int(1) }
        #expect(claimsFromLimited.allSatisfy { $0 <= 1 }, "the daily claim limit of 1 held: \(claimsFromLimited)")
        let events = try seed.fetchAll("SELECT customer_id, to_owner_id FROM ownership_events WHERE kind = 'claim'", []) {
            (CustomerID($0.int64(0)), UserID($0.int64(1)))
        }
        #expect(events.count == owned.count, "one event per claim")
        #expect(Set(events.map(\.0)).count == events.count, "no customer claimed twice")
        let current = try instances[0].customers(ids: customers)
        for (customer, owner) in events { #expect(current[customer]?.ownerID == owner) }
        instances.forEach { $0.close() }
    }

    /// A rep locking six of their customers at once through two instances, with a locked
    /// limit of two, ends with exactly two locked.
    @Test func theLockedLimitHoldsAcrossInstances() throws {
        let seed = try PostgresConnection(url)
        let rep = try #require(try seed.fetchOne("INSERT INTO users (name, role, created_at) VALUES ('rep', 'rep', 0) RETURNING id") {
            UserID($0.int64(0))
        })
        try seed.execute("INSERT INTO owner_limits (scope_kind, scope_id, max_locked) VALUES ('everyone', 0, 2)", [])
        var owned: [CustomerID] = []
        for index in 0..<6 {
            owned.append(try #require(try seed.fetchOne(
                "INSERT INTO customers (name, name_key, owner_id, created_at, updated_at) VALUES (?, ?, ?, 0, 0) RETURNING id",
                [.text("Lock \(index)"), .text("lock \(index)"), .int(rep.rawValue)]) { CustomerID($0.int64(0)) }))
        }
        let customers = owned
        let instances = [try PostgresPoolDatabase(url: url, connections: 6), try PostgresPoolDatabase(url: url, connections: 6)]
        let outcomes = RaceOutcomes()
        let actor = Actor(userID: rep, name: "rep", role: .rep, departmentID: nil)
        onRealThreads(12) { index in
            outcomes.attempt("locked") {
                _ = try instances[index % 2].setLocked(customers[index % 6], true, by: actor, check: CustomerOperations.lockCheck(true))
            }
        }
        #expect(outcomes.unexpected.count == 0, "\(outcomes.unexpected.prefix(3))")
        #expect(try seed.fetchOne("SELECT COUNT(*) FROM customers WHERE locked = 1") { $0.int(0) } == 2)
        #expect(outcomes.count("limit") >= 4)
        instances.forEach { $0.close() }
    }

    private func makePool(_ db: PostgresConnection, _ name: String, rules: PoolRules, priority: Int) throws -> PoolID {
        let pool = try #require(try db.fetchOne(
            "INSERT INTO pools (name, priority) VALUES (?, ?) RETURNING id", [.text(name), .int(Int64(priority))]) { $0.int64(0) })
        let version = try #require(try db.fetchOne(
            "INSERT INTO pool_rule_versions (pool_id, version, rules, created_at) VALUES (?, 1, ?, 0) RETURNING id",
            [.int(pool), .text(RowDecoding.encodeRules(rules))]) { $0.int64(0) })
        try db.execute("UPDATE pools SET rule_version_id = ? WHERE id = ?", [.int(version), .int(pool)])
        return PoolID(pool)
    }
}

private final class RaceOutcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var counts: [String: Int] = [:]
    private var surprises: [String] = []

    func record(_ outcome: String) {
        lock.withLock {
            if outcome.hasPrefix("unexpected") { surprises.append(outcome) } else { counts[outcome, default: 0] += 1 }
        }
    }

    /// Runs `body`, recording `success`, or the refusal it met: "taken", "limit", or unexpected.
    func attempt(_ success: String, _ body: () throws -> Void) {
        do {
            try body()
            record(success)
        } catch PoolError.alreadyOwned {
            record("taken")
        } catch PoolError.limit {
            record("limit")
        } catch {
            record("unexpected: \(error)")
        }
    }

    func count(_ outcome: String) -> Int { lock.withLock { counts[outcome] ?? 0 } }
    var unexpected: [String] { lock.withLock { surprises } }
}
