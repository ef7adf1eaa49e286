import Dispatch
import Foundation
import GRDB
import GRDBSQLite
import PoolDomain

/// The time limit of SQLite's statements: what PostgreSQL's `statement_timeout` is there.
///
/// Every connection gets a progress handler that interrupts the running statement once the
/// deadline of the read or write transaction it serves has passed (`bounded`); SQLite then
/// fails it with `SQLITE_INTERRUPT`, the transaction rolls back whole, and the API answers
/// `QUERY_TIMEOUT` (`StoreFault.timedOut`). The limit counts from the transaction's start, so a
/// transaction of many quick statements is held to it too. The store's own maintenance when it
/// opens (counting facts, refreshing forecasts) runs without one.
final class StatementDeadlines: @unchecked Sendable {
    /// A connection's deadline in `DispatchTime` nanoseconds (0: none). Written and read only on
    /// the thread running the connection's statements.
    final class Deadline: @unchecked Sendable {
        var at: UInt64 = 0
    }

    let limit: Duration?
    private let lock = NSLock()
    private var byConnection: [OpaquePointer: Deadline] = [:]

    init(limit: Duration?) { self.limit = limit }

    private var nanoseconds: UInt64 {
        guard let limit else { return 0 }
        let (seconds, attoseconds) = limit.components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }

    /// Called for every new connection (`Configuration.prepareDatabase`).
    func install(on db: Database) {
        guard limit != nil, let connection = db.sqliteConnection else { return }
        let deadline = Deadline()
        lock.withLock { byConnection[connection] = deadline }
        // Checked every few thousand virtual-machine steps: a clock read is far cheaper than them.
        sqlite3_progress_handler(
            connection, 4_000,
            { context in
                guard let context else { return 0 }
                let deadline = Unmanaged<Deadline>.fromOpaque(context).takeUnretainedValue()
                return deadline.at != 0 && DispatchTime.now().uptimeNanoseconds > deadline.at ? 1 : 0
            },
            Unmanaged.passRetained(deadline).toOpaque())  // kept for the connection's life
    }

    /// Runs `body` with the deadline armed on `db`, unless an enclosing transaction armed it.
    func bounded<T>(_ db: Database, _ body: () throws -> T) rethrows -> T {
        guard limit != nil, let connection = db.sqliteConnection,
            let deadline = lock.withLock({ byConnection[connection] }), deadline.at == 0
        else { return try body() }
        deadline.at = DispatchTime.now().uptimeNanoseconds + nanoseconds
        defer { deadline.at = 0 }
        return try body()
    }
}

/// An interrupted statement is the statement time limit (`StatementDeadlines`); the API says so.
extension DatabaseError: StoreFaultReporting {
    public var storeFault: StoreFault? { resultCode == .SQLITE_INTERRUPT ? .timedOut : nil }
}
