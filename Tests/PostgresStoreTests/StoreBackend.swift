import Foundation
import GRDB
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The parts of the store both backends implement so far, for tests that hold both to the
/// same promises.
typealias SharedStore = PeopleStore & PoolSettingsStore & WebhookAuditStore

/// Each backend, as a test argument: two handles on one new database (two SQLite stores on one
/// file, two PostgreSQL instances on one database), so what one writes the other must honour.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// One whole store on a new database, with this clock and time zone, open to the tests'
    /// checks of its shared SQL.
    func store(
        clock: ManualTimeSource, timeZone: TimeZone, statementTimeout: Duration = .seconds(30)
    ) throws -> any PoolDatabase & SQLTransactionsCheck & ForecastCheck {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("store-\(UUID().uuidString).sqlite").path
            return try SQLitePoolDatabase(
                path: path, clock: clock, timeZone: timeZone, tokenCacheLifetime: .zero, statementTimeout: statementTimeout)
        case .postgres:
            let url = try PostgresTestCluster.shared.get().migratedDatabase()
            return try PostgresPoolDatabase(
                url: url, clock: clock, timeZone: timeZone, connections: 4, statementTimeout: statementTimeout, tokenCacheLifetime: .zero)
        }
    }

    func pair() throws -> (any SharedStore, any SharedStore) {
        let (first, second, _) = try pairWithSQL()
        return (first, second)
    }

    /// The pair, and a way to run set-up SQL (valid on both backends) on their database.
    func pairWithSQL() throws -> (any SharedStore, any SharedStore, (String) throws -> Void) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString).sqlite").path
            let first = try SQLitePoolDatabase(path: path, tokenCacheLifetime: .zero)
            return (first, try SQLitePoolDatabase(path: path, tokenCacheLifetime: .zero), { sql in try first.writeForTests { try $0.execute(sql: sql) } })
        case .postgres:
            let url = try PostgresTestCluster.shared.get().migratedDatabase()
            let setup = try PostgresConnection(url)
            return (
                try PostgresPoolDatabase(url: url, connections: 4, tokenCacheLifetime: .zero),
                try PostgresPoolDatabase(url: url, connections: 4, tokenCacheLifetime: .zero), { sql in try setup.run(sql) }
            )
        }
    }
}
