import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The parts of the store both backends implement so far, for tests that hold both to the
/// same promises.
typealias SharedStore = PeopleStore & PoolSettingsStore

/// Each backend, as a test argument: two handles on one new database (two SQLite stores on one
/// file, two PostgreSQL instances on one database), so what one writes the other must honour.
enum StoreBackend: String, CaseIterable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    func pair() throws -> (any SharedStore, any SharedStore) {
        switch self {
        case .sqlite:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("shared-\(UUID().uuidString).sqlite").path
            return (try SQLitePoolDatabase(path: path, tokenCacheLifetime: .zero), try SQLitePoolDatabase(path: path, tokenCacheLifetime: .zero))
        case .postgres:
            let url = try PostgresTestCluster.shared.get().migratedDatabase()
            return (
                try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .zero),
                try PostgresPoolDatabase(url: url, connections: 2, tokenCacheLifetime: .zero)
            )
        }
    }
}
