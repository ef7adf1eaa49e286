import Foundation
import GRDB

/// The read transaction the current thread is answering a request from.
///
/// A query request reads the caller's scope, a page, its owners and the pools. Each separate
/// read opens and commits a transaction (taking SQLite's shared lock, an `fcntl` each time).
/// Inside `withReadSnapshot`, every read of the store on this thread runs on one connection
/// (the thread's own, see `ThreadReaders`) in one transaction instead: cheaper, and every
/// field of the response sees the same moment.
///
/// Kept per thread (not passed as a parameter) so the store's methods keep one signature for
/// both cases; the endpoint opens a snapshot only for queries, which run synchronously on the
/// thread that opened it.
enum ReadSnapshot {
    private final class Box {
        let owner: ObjectIdentifier
        let db: Database
        init(owner: ObjectIdentifier, db: Database) {
            self.owner = owner
            self.db = db
        }
    }

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// The snapshot of `owner` open on this thread, if any.
    static func current(of owner: AnyObject) -> Database? {
        guard let raw = pthread_getspecific(key) else { return nil }
        let box = Unmanaged<Box>.fromOpaque(raw).takeUnretainedValue()
        return box.owner == ObjectIdentifier(owner) ? box.db : nil
    }

    /// Whether any snapshot is open on this thread (writes must not run inside one).
    static var isOpen: Bool { pthread_getspecific(key) != nil }

    /// Runs `body` with `db` as this thread's snapshot of `owner`.
    static func with<T>(_ db: Database, of owner: AnyObject, _ body: () throws -> T) rethrows -> T {
        let box = Unmanaged.passRetained(Box(owner: ObjectIdentifier(owner), db: db))
        pthread_setspecific(key, box.toOpaque())
        defer {
            pthread_setspecific(key, nil)
            box.release()
        }
        return try body()
    }
}

extension SQLitePoolDatabase {
    public func withReadSnapshot<T>(_ body: () throws -> T) throws -> T {
        if ReadSnapshot.current(of: self) != nil { return try body() }
        return try lifetime.run {
            let snapshot = { (db: Database) in try ReadSnapshot.with(db, of: self, body) }
            if let value = try threadReaders.read(snapshot) { return value }
            return try pool.read(snapshot)
        }
    }
}
