import Foundation

/// Brings a PostgreSQL database to this version's schema, one migration per transaction.
///
/// Several instances may start at once against one database, and an operator may run
/// `gonghai migrate` meanwhile: the migrator holds a session advisory lock while it reads and
/// applies versions, so two migrations never run at once. One that cannot take the lock within
/// `wait` is refused rather than left waiting behind a long upgrade.
public enum PostgresMigrator {
    /// The advisory lock's key: "gonghai" in ASCII, so other applications' keys do not collide.
    static let lockKey: Int64 = 0x67_6F_6E_67_68_61_69

    public struct Refusal: Error, CustomStringConvertible {
        public let description: String
    }

    /// Applies the pending migrations; returns the versions applied (empty when up to date).
    @discardableResult
    public static func migrate(_ connection: PostgresConnection, wait: Duration = .seconds(30)) throws -> [Int] {
        try migrate(connection, wait: wait, migrations: PostgresSchema.migrations)
    }

    static func migrate(_ connection: PostgresConnection, wait: Duration, migrations: [PostgresMigration]) throws -> [Int] {
        try lock(connection, wait: wait)
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [.int(lockKey)]) }
        try connection.run(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version INTEGER PRIMARY KEY,
                name TEXT NOT NULL,
                applied_at TIMESTAMPTZ NOT NULL DEFAULT now())
            """)
        let current = try connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations")[0].int(0)
        let latest = migrations.map(\.version).max() ?? 0
        guard current <= latest else {
            throw Refusal(description: "the database's schema is version \(current), newer than this gonghai's \(latest): upgrade gonghai")
        }
        var applied: [Int] = []
        for migration in migrations.sorted(by: { $0.version < $1.version }) where migration.version > current {
            try connection.transaction {
                try connection.run(migration.sql)
                try connection.query(
                    "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                    [PostgresValue(migration.version), .text(migration.name)])
            }
            applied.append(migration.version)
        }
        return applied
    }

    /// The versions applied so far, oldest first.
    public static func appliedVersions(_ connection: PostgresConnection) throws -> [Int] {
        let exists = try connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL")[0].bool(0)
        guard exists else { return [] }
        return try connection.query("SELECT version FROM schema_migrations ORDER BY version").rows.map { $0.int(0) }
    }

    private static func lock(_ connection: PostgresConnection, wait: Duration) throws {
        let deadline = ContinuousClock.now + wait
        while true {
            if try connection.query("SELECT pg_try_advisory_lock($1)", [.int(lockKey)])[0].bool(0) { return }
            guard ContinuousClock.now < deadline else {
                throw Refusal(description: "another gonghai is migrating this database; try again when it has finished")
            }
            Thread.sleep(forTimeInterval: 0.1)
        }
    }
}
