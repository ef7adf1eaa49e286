import Foundation
import GRDB

/// Read-only connections that stay with the threads that use them.
///
/// `DatabasePool.read` checks a reader out of GRDB's pool on every call (a barrier queue, a
/// semaphore, a dispatch group and a key-path lookup), prepares `BEGIN` and `COMMIT` from
/// their text each time and reads the schema version: together about a fifth of the CPU of a
/// short request. Request threads (libmicrohttpd's workers) live as long as the server and run
/// one request at a time, so each keeps a connection of its own here, and runs its read
/// transactions with prepared `BEGIN` and `COMMIT`. The schema version GRDB checks guards its
/// schema cache, which the store never uses: it reads columns by position.
///
/// A thread gives its connection back when it exits, for the next thread to take. Past `limit`
/// connections, reads go through the pool (`read` returns nil).
final class ThreadReaders: @unchecked Sendable {
    private static let ids = IDSource()

    /// Tells this set's connections apart from other databases' on the same thread.
    let id: UInt64
    private let limit: Int
    private let open: () throws -> DatabaseQueue
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var idle: [DatabaseQueue] = []
    /// Every connection opened, bound to a thread or idle; guarded by `lock`.
    private var opened: [DatabaseQueue] = []
    /// Guarded by `lock`.
    private var isClosed = false

    init(limit: Int, open: @escaping () throws -> DatabaseQueue) {
        id = Self.ids.next()
        self.limit = limit
        self.open = open
    }

    deinit { closeAll() }

    /// Runs `body` in a read transaction on this thread's connection, or returns nil when the
    /// thread has none and no more may be opened (or the set is closed).
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let queue = try connection() else { return nil }
        return try queue.inDatabase { db in try Self.inReadTransaction(db, body) }
    }

    /// Closes every connection; later reads return nil. Called when the database closes.
    func close() { closeAll() }

    /// A deferred transaction: its first read fixes the snapshot every later read sees.
    private static func inReadTransaction<T>(_ db: Database, _ body: (Database) throws -> T) throws -> T {
        try db.execute(cachedSQL: "BEGIN DEFERRED TRANSACTION")
        do {
            let value = try body(db)
            try db.execute(cachedSQL: "COMMIT TRANSACTION")
            return value
        } catch {
            if db.isInsideTransaction { try? db.execute(cachedSQL: "ROLLBACK TRANSACTION") }
            throw error
        }
    }

    private func connection() throws -> DatabaseQueue? {
        let binding = ThreadBinding.current
        if let queue = binding.queue(of: id) {
            return lock.withLock { isClosed } ? nil : queue
        }
        guard let queue = try checkOut() else { return nil }
        binding.bind(queue, to: self)
        return queue
    }

    private func checkOut() throws -> DatabaseQueue? {
        try lock.withLock {
            if isClosed { return nil }
            if let queue = idle.popLast() { return queue }
            guard opened.count < limit else { return nil }
            let queue = try open()
            opened.append(queue)
            return queue
        }
    }

    /// Takes back the connection of a thread that exited.
    fileprivate func checkIn(_ queue: DatabaseQueue) {
        lock.withLock {
            if !isClosed { idle.append(queue) }
        }
    }

    private func closeAll() {
        let queues: [DatabaseQueue] = lock.withLock {
            isClosed = true
            idle = []
            defer { opened = [] }
            return opened
        }
        for queue in queues { try? queue.close() }
    }
}

/// The connections bound to one thread, one per `ThreadReaders`, kept in a thread-specific
/// value whose destructor hands them back when the thread exits.
private final class ThreadBinding {
    private struct Entry {
        let id: UInt64
        weak var owner: ThreadReaders?
        let queue: DatabaseQueue
    }

    private var entries: [Entry] = []

    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { raw in
            guard let raw else { return }
            Unmanaged<ThreadBinding>.fromOpaque(raw).release()
        }
        return key
    }()

    static var current: ThreadBinding {
        if let raw = pthread_getspecific(key) {
            return Unmanaged<ThreadBinding>.fromOpaque(raw).takeUnretainedValue()
        }
        let binding = ThreadBinding()
        pthread_setspecific(key, Unmanaged.passRetained(binding).toOpaque())
        return binding
    }

    deinit {
        for entry in entries { entry.owner?.checkIn(entry.queue) }
    }

    func queue(of id: UInt64) -> DatabaseQueue? {
        for entry in entries where entry.id == id { return entry.queue }
        return nil
    }

    /// Binds `queue`, dropping the entries of sets that no longer exist (their connections
    /// were closed when they went).
    func bind(_ queue: DatabaseQueue, to owner: ThreadReaders) {
        entries.removeAll { $0.owner == nil }
        entries.append(Entry(id: owner.id, owner: owner, queue: queue))
    }
}

/// Unique ids for `ThreadReaders`: an `ObjectIdentifier` can come back for a new object once
/// the old one is freed, and a thread would then use a closed connection of another database.
private final class IDSource: @unchecked Sendable {
    private let lock = NSLock()
    private var last: UInt64 = 0

    func next() -> UInt64 {
        lock.withLock {
            last += 1
            return last
        }
    }
}
