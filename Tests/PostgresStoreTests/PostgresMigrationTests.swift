import Foundation
import PostgresStore
import TestSupport
import Testing

/// `gonghai migrate` on PostgreSQL: versions applied once, never two migrations at once, a
/// newer schema refused, and the schema's invariants held by the database itself.
@Suite struct PostgresMigrationTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().freshDatabase() }

    @Test func migrationsApplyOnceAndRecordTheirVersions() throws {
        let connection = try PostgresConnection(url)
        #expect(try PostgresMigrator.appliedVersions(connection) == [])
        let applied = try PostgresMigrator.migrate(connection)
        #expect(!applied.isEmpty)
        #expect(try PostgresMigrator.appliedVersions(connection) == applied)
        #expect(try PostgresMigrator.migrate(connection) == [])
        #expect(try connection.query("SELECT count(*) FROM settings_version")[0].int(0) == 1)
    }

    /// Instances that start together against an empty database all come up on one schema,
    /// applied once: each waits for the advisory lock instead of racing the other's DDL.
    @Test func instancesMigratingAtOnceApplyEachVersionOnce() throws {
        let outcomes = Outcomes()
        onRealThreads(4) { _ in
            do {
                let applied = try PostgresMigrator.migrate(try PostgresConnection(url))
                outcomes.add(applied)
            } catch {
                outcomes.fail(error)
            }
        }
        #expect(outcomes.failures.isEmpty, "\(outcomes.failures)")
        #expect(outcomes.applied.filter { !$0.isEmpty }.count == 1)
        let versions = try PostgresMigrator.appliedVersions(try PostgresConnection(url))
        #expect(versions == outcomes.applied.first { !$0.isEmpty })
    }

    @Test func aMigrationIsRefusedWhileAnotherHoldsTheLock() throws {
        let holder = try PostgresConnection(url)
        #expect(try holder.query("SELECT pg_try_advisory_lock($1)", [.int(0x67_6F_6E_67_68_61_69)])[0].bool(0))
        let refusal = try #require(throws: PostgresMigrator.Refusal.self) {
            try PostgresMigrator.migrate(try PostgresConnection(url), wait: .milliseconds(300))
        }
        #expect(refusal.description.contains("another gonghai is migrating"))
        #expect(try PostgresMigrator.appliedVersions(try PostgresConnection(url)) == [])
        _ = try holder.query("SELECT pg_advisory_unlock($1)", [.int(0x67_6F_6E_67_68_61_69)])
        #expect(try !PostgresMigrator.migrate(try PostgresConnection(url), wait: .milliseconds(300)).isEmpty)
    }

    @Test func aSchemaNewerThanThisBinaryIsRefused() throws {
        let connection = try PostgresConnection(url)
        try PostgresMigrator.migrate(connection)
        try connection.query("INSERT INTO schema_migrations (version, name) VALUES (9999, 'from the future')")
        let refusal = try #require(throws: PostgresMigrator.Refusal.self) { try PostgresMigrator.migrate(connection) }
        #expect(refusal.description.contains("newer than this gonghai"))
    }

    /// The invariants the store relies on hold in the database, whatever writes to it.
    @Test func theSchemaHoldsOwnershipTallyAndTokenInvariants() throws {
        let db = try PostgresConnection(url)
        try PostgresMigrator.migrate(db)
        let rep = try db.query("INSERT INTO users (name, role, created_at) VALUES ('rep', 'rep', 0) RETURNING id")[0].int64(0)
        let pool = try db.query("INSERT INTO pools (name) VALUES ('east') RETURNING id")[0].int64(0)
        let insert = """
            INSERT INTO customers (name, name_key, industry, region, owner_id, pool_id, created_at, updated_at)
            VALUES ($1, $1, 'tech', 'Zhejiang', $2, $3, 0, 0) RETURNING id
            """
        // Owned xor pooled.
        let both = try #require(throws: PostgresError.self) { try db.query(insert, ["Both", .int(rep), .int(pool)]) }
        #expect(both.isCheckViolation && both.constraint == "customers_owned_xor_pooled")
        #expect(throws: PostgresError.self) { try db.query(insert, ["Neither", nil, nil]) }
        // Normalized names are unique.
        let pooled = try db.query(insert, ["Pooled", nil, .int(pool)])[0].int64(0)
        #expect(try #require(throws: PostgresError.self) { try db.query(insert, ["Pooled", .int(rep), nil]) }.isUniqueViolation)
        // Tallies follow every move.
        let tally = "SELECT coalesce(sum(customers), 0) FROM customer_tallies WHERE pool_id = $1"
        #expect(try db.query(tally, [.int(pool)])[0].int(0) == 1)
        let token = "SELECT token, directory_token FROM settings_version"
        let before = try db.query(token)[0]
        let (settings, directory) = (before.int64(0), before.int64(1))
        #expect(try db.query("UPDATE customers SET owner_id = $1, pool_id = NULL WHERE id = $2 AND owner_id IS NULL", [.int(rep), .int(pooled)]).rowsChanged == 1)
        #expect(try db.query(tally, [.int(pool)])[0].int(0) == 0)
        // Ownership events are append-only.
        let event = try db.query(
            "INSERT INTO ownership_events (customer_id, kind, to_owner_id, from_pool_id, at) VALUES ($1, 'claim', $2, $3, 0) RETURNING id",
            [.int(pooled), .int(rep), .int(pool)])[0].int64(0)
        #expect(throws: PostgresError.self) { try db.query("UPDATE ownership_events SET reason = 'x' WHERE id = $1", [.int(event)]) }
        #expect(throws: PostgresError.self) { try db.query("DELETE FROM ownership_events WHERE id = $1", [.int(event)]) }
        // A customer's move changes neither change token; a pool and a user change each one.
        let unchanged = try db.query(token)[0]
        #expect(unchanged.int64(0) == settings && unchanged.int64(1) == directory)
        try db.query("UPDATE pools SET priority = 5 WHERE id = $1", [.int(pool)])
        #expect(try db.query(token)[0].int64(0) != settings)
        try db.query("UPDATE users SET on_leave = 1 WHERE id = $1", [.int(rep)])
        #expect(try db.query(token)[0].int64(1) != directory)
    }
}

private final class Outcomes: @unchecked Sendable {
    private let lock = NSLock()
    private var appliedLists: [[Int]] = []
    private var errors: [String] = []

    var applied: [[Int]] { lock.withLock { appliedLists } }
    var failures: [String] { lock.withLock { errors } }

    func add(_ applied: [Int]) { lock.withLock { appliedLists.append(applied) } }
    func fail(_ error: any Error) { lock.withLock { errors.append("\(error)") } }
}
