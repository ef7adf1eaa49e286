import Foundation
import GRDB

/// The read transaction a snapshot handle answers from.
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
final class ReadSnapshot: @unchecked Sendable {
    /// A write through a snapshot handle, or a read after its snapshot ended.
    struct WriteRefused: Error, CustomStringConvertible {
        var description: String { "a read snapshot only reads, and only while it is open" }
    }

    private let db: Database
    private let thread = pthread_self()
    private var open = true

    init(_ db: Database) { self.db = db }

    /// The connection, on the thread that opened the snapshot and while it is open.
    func connection() throws -> Database {
        guard open, pthread_equal(thread, pthread_self()) != 0 else { throw WriteRefused() }
        return db
    }

    func end() { open = false }
}

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
