import Foundation
import PoolDomain

/// The sweep on SQLite: the shared `SweepEngine` (through `SQLSweeping`) on this store's connections.
extension SQLitePoolDatabase: SQLSweeping {
    /// One process writes an SQLite file's sweep: a lock of this process is enough.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        guard shared.sweeping.try() else { throw SweepInProgress() }
        defer { shared.sweeping.unlock() }
        return try body()
    }
}
