import Foundation
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The libpq layer the PostgreSQL backend stands on: parameters and results, errors with their
/// SQLSTATE, transactions, and a pool that survives a dropped connection.
@Suite struct PostgresConnectionTests {
    let url: String

    init() throws { url = try PostgresTestCluster.shared.get().freshDatabase() }

    @Test func parametersAndResultsRoundTripExactly() throws {
        let connection = try PostgresConnection(url)
        try connection.run("CREATE TABLE t (id BIGINT PRIMARY KEY, name TEXT, note TEXT)")
        let awkward = "公海 'quoted' \"double\" \\ back; DROP TABLE t; --"
        let insert = try connection.query(
            "INSERT INTO t (id, name, note) VALUES ($1, $2, $3), ($4, $5, $6)",
            [.int(-9_007_199_254_740_993), .text(awkward), nil, .int(42), "plain", "x"])
        #expect(insert.rowsChanged == 2)
        let rows = try connection.query("SELECT id, name, note FROM t ORDER BY id").rows
        #expect(rows.map { $0.int64(0) } == [-9_007_199_254_740_993, 42])
        #expect(rows[0].string(1) == awkward)
        #expect(rows[0].optionalString(2) == nil && rows[0].isNull(2))
        #expect(rows[1].optionalString(2) == "x")
        #expect(try connection.query("SELECT count(*) FROM t")[0].int(0) == 2)
    }

    @Test func aStatementIsPreparedOnceAndReused() throws {
        let statements = StatementLog()
        let connection = try PostgresConnection(url, observer: statements.record)
        for value in 1...3 {
            #expect(try connection.query("SELECT $1::int + 1", [.int(Int64(value))])[0].int(0) == value + 1)
        }
        let prepared = try connection.query("SELECT count(*) FROM pg_prepared_statements")[0].int(0)
        #expect(prepared == 2, "one for the addition, one for the count itself")
        #expect(statements.count == 4)
    }

    @Test func errorsCarryTheirSQLStateAndConstraint() throws {
        let connection = try PostgresConnection(url)
        try connection.run("CREATE TABLE u (name TEXT CONSTRAINT u_name UNIQUE, n INT CHECK (n > 0))")
        try connection.query("INSERT INTO u VALUES ($1, 1)", ["a"])
        let unique = try #require(throws: PostgresError.self) { try connection.query("INSERT INTO u VALUES ($1, 1)", ["a"]) }
        #expect(unique.isUniqueViolation && unique.constraint == "u_name" && !unique.isConnectionFailure)
        let check = try #require(throws: PostgresError.self) { try connection.query("INSERT INTO u VALUES ($1, 0)", ["b"]) }
        #expect(check.isCheckViolation)
        let syntax = try #require(throws: PostgresError.self) { try connection.run("SELEC 1") }
        #expect(syntax.sqlState == "42601")
        // The connection is still usable after statement errors.
        #expect(try connection.query("SELECT count(*) FROM u")[0].int(0) == 1)
    }

    @Test func aTransactionCommitsOrRollsBackWhole() throws {
        struct Abort: Error {}
        let connection = try PostgresConnection(url)
        try connection.run("CREATE TABLE v (n INT)")
        try connection.transaction { _ = try connection.query("INSERT INTO v VALUES (1)") }
        #expect(throws: Abort.self) {
            try connection.transaction {
                try connection.query("INSERT INTO v VALUES (2)")
                throw Abort()
            }
        }
        #expect(try connection.query("SELECT coalesce(sum(n), 0) FROM v")[0].int(0) == 1)
    }

    /// A read snapshot sees the moment of its first statement (sent with its `BEGIN` in one
    /// round trip), ends its transaction although it does not wait for the `COMMIT`, and leaves
    /// the connection ready for anything.
    @Test func aReadSnapshotSeesItsMomentAndEndsWithoutWaiting() throws {
        let log = Locked<[String]>([])
        let connection = try PostgresConnection(url, observer: { statement in log.mutate { $0.append(statement) } })
        let other = try PostgresConnection(url)
        try connection.run("CREATE TABLE settings_version (token BIGINT, directory_token BIGINT); INSERT INTO settings_version VALUES (7, 9)")
        let (tokens, isolation) = try connection.readSnapshot {
            #expect(try connection.query("SELECT directory_token FROM settings_version WHERE token > $1", [.int(0)])[0].int(0) == 9)
            #expect(log.value.suffix(2).first?.hasPrefix("BEGIN ISOLATION LEVEL REPEATABLE READ") == true, "\(log.value)")
            try other.run("UPDATE settings_version SET token = 8")
            let row = try connection.query("SELECT token, current_setting('transaction_isolation') FROM settings_version")[0]
            #expect(row.int(0) == 7, "the snapshot does not see the other connection's commit")
            return (try connection.versionTokens(), row.string(1))
        }
        #expect(tokens == VersionTokens(settings: 7, directory: 9) && isolation == "repeatable read")
        let after = try connection.query("SELECT token, current_setting('transaction_isolation') FROM settings_version")[0]
        #expect(after.int(0) == 8 && after.string(1) == "read committed", "the snapshot's transaction ended")
        // A failing body rolls back and the connection stays usable (no transaction left open).
        struct Abort: Error {}
        #expect(throws: Abort.self) { try connection.readSnapshot { throw Abort() } }
        #expect(try connection.query("SELECT current_setting('transaction_isolation')")[0].string(0) == "read committed")
    }

    /// A connection whose server went away while its snapshot's `COMMIT` was unanswered is found
    /// broken when it is next used or checked out, never handed to a request as healthy.
    @Test func aSnapshotsUnansweredCommitOnADroppedConnectionIsFoundOut() throws {
        let pool = PostgresConnectionPool(conninfo: url, limit: 1)
        let killer = try PostgresConnection(url)
        try killer.run("CREATE TABLE settings_version (token BIGINT, directory_token BIGINT)")
        let pid = try pool.withConnection { connection in
            try connection.readSnapshot { try connection.query("SELECT pg_backend_pid()")[0].int(0) }
        }
        #expect(try killer.query("SELECT pg_terminate_backend($1::int)", [.int(Int64(pid))])[0].bool(0))
        Thread.sleep(forTimeInterval: 0.1)
        let next = try pool.withConnection { connection in try connection.readSnapshot { try connection.query("SELECT pg_backend_pid()")[0].int(0) } }
        #expect(next != pid, "the pool replaced the connection")
    }

    @Test func anUnreachableServerIsAConnectionFailure() throws {
        let error = try #require(throws: PostgresError.self) {
            _ = try PostgresConnection("postgresql://postgres@127.0.0.1:1/none?connect_timeout=2")
        }
        #expect(error.isConnectionFailure)
    }

    /// A connection the server dropped while it was idle in the pool is found out and replaced
    /// before anyone gets it; one dropped while in use fails its statement with a connection
    /// error, and the pool closes it, so the next operation gets a new one. Nothing restarts.
    @Test func thePoolReplacesADroppedConnection() throws {
        let pool = PostgresConnectionPool(conninfo: url, limit: 2)
        let killer = try PostgresConnection(url)
        let first = try pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].int(0) }
        #expect(try killer.query("SELECT pg_terminate_backend($1::int)", [.int(Int64(first))])[0].bool(0))
        Thread.sleep(forTimeInterval: 0.1)
        let second = try pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].int(0) }
        #expect(second != first, "the idle connection the server ended was replaced")

        let failure = try #require(throws: PostgresError.self) {
            try pool.withConnection { connection in
                _ = try killer.query("SELECT pg_terminate_backend($1::int)", [.int(Int64(second))])
                return try connection.query("SELECT 1")
            }
        }
        #expect(failure.isConnectionFailure)
        let third = try pool.withConnection { try $0.query("SELECT pg_backend_pid()")[0].int(0) }
        #expect(third != second)
    }

    /// Threads share the pool's connections without exceeding its limit.
    @Test func threadsShareThePoolWithinItsLimit() throws {
        let pool = PostgresConnectionPool(conninfo: url, limit: 3)
        let failures = StatementLog()
        onRealThreads(12) { index in
            do {
                for _ in 0..<20 {
                    let value = try pool.withConnection { try $0.query("SELECT $1::int", [.int(Int64(index))])[0].int(0) }
                    if value != index { failures.record("wrong value") }
                }
            } catch {
                failures.record("\(error)")
            }
        }
        #expect(failures.count == 0)
        let backends = try PostgresConnection(url).query(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend'")[0].int(0)
        #expect(backends <= 4, "three pooled connections and this one")
    }
}

final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String] = []

    var count: Int { lock.withLock { entries.count } }

    @Sendable func record(_ statement: String) { lock.withLock { entries.append(statement) } }
}
