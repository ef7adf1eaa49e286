import Foundation
import GRDB
import PoolStore
import PostgresStore

/// The backend the server suites run on: SQLite unless `GONGHAI_TEST_BACKEND=postgres`
/// (`scripts/test` and `.ci/run` run the suites once on each). One parameter, not copies of
/// tests: every `TestServer` opens its database through it.
public enum TestBackend: String, Sendable {
    case sqlite, postgres

    public static let current = TestBackend(rawValue: ProcessInfo.processInfo.environment["GONGHAI_TEST_BACKEND"] ?? "") ?? .sqlite

    /// A new, empty database's address (`--database`): a file in `directory`, or a database of
    /// its own on the test cluster.
    public func newDatabase(in directory: URL) throws -> String {
        switch self {
        case .sqlite: return directory.appendingPathComponent("test.sqlite").path
        case .postgres: return try PostgresTestCluster.shared.get().freshDatabase()
        }
    }

    /// Runs `sql` (valid on both backends) on the database at `address` and returns its rows,
    /// each column as text (nil for NULL): for tests that check what was stored.
    /// Runs a statement that changes data, from outside the server (as another instance would).
    public static func execute(_ sql: String, at address: String) throws {
        switch DatabaseAddress(address) {
        case .sqlite(let path): try DatabaseQueue(path: path).write { db in try db.execute(sql: sql) }
        case .postgres(let url): _ = try PostgresConnection(url).query(sql)
        }
    }

    public static func rows(_ sql: String, at address: String) throws -> [[String?]] {
        switch DatabaseAddress(address) {
        case .sqlite(let path):
            return try DatabaseQueue(path: path).read { db in
                try Row.fetchAll(db, sql: sql).map { row in
                    row.databaseValues.map { value in value.isNull ? nil : (String.fromDatabaseValue(value) ?? Int64.fromDatabaseValue(value).map(String.init) ?? "\(value)") }
                }
            }
        case .postgres(let url):
            let result = try PostgresConnection(url).query(sql)
            return result.rows.map { row in (0..<result.columnCount).map { row.optionalString($0) } }
        }
    }
}
