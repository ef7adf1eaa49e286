import Foundation
import GRDB

/// The read transaction a SQLite snapshot handle answers from.
///
/// A query request reads the caller's scope, a page, its owners and the pools. Each separate
/// read opens and commits a transaction (taking SQLite's shared lock, an `fcntl` each time).
/// `withReadSnapshot` runs every read of the handle it passes on one connection (the thread's
/// own, see `ThreadReaders`) in one transaction instead: cheaper, and every field of the
/// response sees the same moment.
///
/// The handle is passed explicitly, not found through per-thread state, so which reads share
/// the moment is visible in the code that makes them. GRDB's connection may only be used
/// inside the closure that lent it: once `withReadSnapshot` returns, the handle refuses.
typealias ReadSnapshot = LentConnection<Database>

extension SQLitePoolDatabase {
    public func withReadSnapshot<T>(_ body: (any PoolDatabase) throws -> T) throws -> T {
        if snapshot != nil { return try body(self) }
        return try lifetime.run {
            let run = { (db: Database) -> T in
                let snapshot = ReadSnapshot(db)
                defer { snapshot.end() }
                return try body(SQLitePoolDatabase(self.shared, snapshot: snapshot))
            }
            if let value = try threadReaders.read(run) { return value }
            return try pool.read(run)
        }
    }
}
