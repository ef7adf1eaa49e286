import Foundation
import GRDB

/// Read-only connections that stay with the threads that use them.
///
/// `DatabasePool.read` checks a reader out of GRDB's pool on every call (a barrier queue, a
/// semaphore, a dispatch group and a key-path lookup), prepares `BEGIN` and `COMMIT` from
/// their text each time and reads the schema version. Request threads (libmicrohttpd's
/// workers) live as long as the server and run one request at a time, so each keeps a
/// connection of its own here, and runs its read transactions with prepared `BEGIN` and
/// `COMMIT`. The schema version GRDB checks guards its schema cache, which the store never
/// uses: it reads columns by position.
///
/// Ownership, which the connections' safety rests on (GRDB opens them without SQLite's mutex):
/// - this set alone holds the connections; a thread holds only the number of its slot, so no
///   connection is ever released, finalized or closed by a thread's exit or on another thread
///   while in use;
/// - a slot is bound to one thread at a time: a thread that exits hands the number back (in its
///   thread-specific destructor, which touches nothing but this set's lock), and the next
///   thread takes it;
/// - `close` refuses new reads, waits for those in flight, and then closes every connection on
///   the closing thread (each close finalizes that connection's cached statements first).
///
/// Past `limit` connections, reads go through the pool (`read` returns nil), and so does a read
/// that a thread starts inside another of its reads (a snapshot's caller reading the store
/// itself): a connection's queue is not reentrant.
final class ThreadReaders: @unchecked Sendable {
    private static let ids = IDSource()

    /// Tells this set's slots apart from other databases' on the same thread.
    let id: UInt64
    private let limit: Int
    private let open: () throws -> DatabaseQueue
    private let condition = NSCondition()
    /// Every connection opened, by slot number; guarded by `condition`.
    private var connections: [DatabaseQueue] = []
    /// Slots no thread holds; guarded by `condition`.
    private var idle: [Int] = []
    /// Whether each slot's connection is reading now; guarded by `condition`.
    private var busy: [Bool] = []
    /// Reads in flight; guarded by `condition`.
    private var reading = 0
    /// Guarded by `condition`.
    private var isClosed = false

    init(limit: Int, open: @escaping () throws -> DatabaseQueue) {
        id = Self.ids.next()
        self.limit = limit
        self.open = open
    }

    deinit { try? close() }

    /// Runs `body` in a read transaction on this thread's connection (or, when `transaction` is
    /// false, with each statement its own moment), or returns nil when the thread has none and
    /// no more may be opened (or the set is closed).
    func read<T>(transaction: Bool = true, _ body: (Database) throws -> T) throws -> T? {
        guard let (slot, queue) = try begin() else { return nil }
        defer { end(slot) }
        return try queue.inDatabase { db in transaction ? try Self.inReadTransaction(db, body) : try body(db) }
    }

    /// Refuses new reads, waits for those in flight, then closes every connection. Later reads
    /// return nil. Throws the first connection's failure to close (after trying them all).
    func close() throws {
        let queues = condition.withLock { () -> [DatabaseQueue] in
            isClosed = true
            while reading > 0 { condition.wait() }
            defer {
                connections = []
                idle = []
                busy = []
            }
            return connections
        }
        var failure: (any Error)?
        for queue in queues {
            do { try queue.close() } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
    }

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

    /// This thread's connection, counted as in use until `end`; binds a slot to the thread
    /// when it has none.
    private func begin() throws -> (Int, DatabaseQueue)? {
        let binding = ThreadBinding.current
        let bound = binding.slot(of: id)
        return try condition.withLock { () -> (Int, DatabaseQueue)? in
            guard !isClosed else { return nil }
            let slot: Int
            if let bound {
                guard !busy[bound] else { return nil }
                slot = bound
            } else if let free = idle.popLast() {
                slot = free
            } else if connections.count < limit {
                connections.append(try open())
                busy.append(false)
                slot = connections.count - 1
            } else {
                return nil
            }
            if bound == nil { binding.bind(slot, to: self) }
            reading += 1
            busy[slot] = true
            return (slot, connections[slot])
        }
    }

    private func end(_ slot: Int) {
        condition.withLock {
            if slot < busy.count { busy[slot] = false }
            reading -= 1
            if isClosed && reading == 0 { condition.broadcast() }
        }
    }

    /// Takes back the slot of a thread that exited.
    fileprivate func checkIn(_ slot: Int) {
        condition.withLock {
            if !isClosed { idle.append(slot) }
        }
    }
}

/// The slots bound to one thread, one per `ThreadReaders`, kept in a thread-specific value
/// whose destructor hands them back when the thread exits. It holds slot numbers, never
/// connections: a connection is released and closed by its set alone.
private final class ThreadBinding {
    private struct Entry {
        let id: UInt64
        weak var owner: ThreadReaders?
        let slot: Int
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
        for entry in entries { entry.owner?.checkIn(entry.slot) }
    }

    func slot(of id: UInt64) -> Int? {
        for entry in entries where entry.id == id { return entry.slot }
        return nil
    }

    /// Binds `slot`, dropping the entries of sets that no longer exist.
    func bind(_ slot: Int, to owner: ThreadReaders) {
        entries.removeAll { $0.owner == nil }
        entries.append(Entry(id: owner.id, owner: owner, slot: slot))
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
