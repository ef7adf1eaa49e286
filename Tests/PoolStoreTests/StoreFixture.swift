import Foundation
import PoolDomain
import PoolServices
import PoolStore

/// A fresh database file per test, with a manual clock.
final class StoreFixture {
    let directory: URL
    let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_790_000_000))
    let database: SQLitePoolDatabase

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        database = try SQLitePoolDatabase(path: directory.appendingPathComponent("db.sqlite").path, clock: clock)
    }

    /// The use cases over this fixture's store and clock.
    var services: PoolServices { PoolServices(store: database, clock: clock) }

    deinit { try? FileManager.default.removeItem(at: directory) }

    func actor(_ name: String, _ role: Role = .rep) throws -> Actor {
        Actor(try database.createUser(name: name, role: role, departmentID: nil))
    }
}
