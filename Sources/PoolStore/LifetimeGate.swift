import Foundation

/// The store was closed: the operation never reached a connection.
public struct StoreClosedError: Error, CustomStringConvertible, Sendable {
    public var description: String { "the database is closed" }
}

/// Lets operations use a set of connections until it closes, and closes it only when none is
/// in flight.
///
/// GRDB opens connections without SQLite's own mutex (each is used through its serial queue),
/// and `DatabasePool.close()` does not wait for a read that is starting on another thread: a
/// read that begins while the store closes steps a freed connection. A test server stopping
/// while its threads still read crashed inside SQLite that way. So every operation enters this
/// gate, and closing refuses new operations, waits for those in flight, and only then closes
/// the connections, on the closing thread, in one order.
final class LifetimeGate: @unchecked Sendable {
    private let condition = NSCondition()
    /// Operations in flight; guarded by `condition`.
    private var active = 0
    /// Guarded by `condition`.
    private var closed = false

    /// Runs `body` as one operation, or throws `StoreClosedError` once closing has begun.
    func run<T>(_ body: () throws -> T) throws -> T {
        try enter()
        defer { leave() }
        return try body()
    }

    /// Counts one more operation in flight, unless closing has begun.
    func enter() throws {
        let admitted = condition.withLock { () -> Bool in
            guard !closed else { return false }
            active += 1
            return true
        }
        guard admitted else { throw StoreClosedError() }
    }

    func leave() {
        condition.withLock {
            active -= 1
            if closed && active == 0 { condition.broadcast() }
        }
    }

    /// Refuses new operations, waits until none is in flight, then runs `finish` once; later
    /// calls return at once. Must not be called from inside an operation of this gate (it
    /// would wait for itself).
    func close(_ finish: () throws -> Void) rethrows {
        let first = condition.withLock { () -> Bool in
            let first = !closed
            closed = true
            while active > 0 { condition.wait() }
            return first
        }
        if first { try finish() }
    }
}
