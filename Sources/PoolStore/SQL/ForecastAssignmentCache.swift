import Foundation
import PoolDomain

/// The statement that sets one customer's `reclaim_at`, compiled once per set of pools.
///
/// Every ownership change, follow-up and edit runs it, inside the write transaction that
/// SQLite runs one at a time, and compiling it (routing and rules into SQL, lists as JSON)
/// cost more than running it: a sixth of a claim's time went there. Pools change seldom; the
/// one entry is compared with the pools as the transaction reads them, so it is never stale.
final class ForecastAssignmentCache: @unchecked Sendable {
    static let shared = ForecastAssignmentCache()

    private let lock = NSLock()
    /// Guarded by `lock`.
    private var entry: (pools: [Pool], dialect: SQLDialect, statement: SQLFragment)?

    /// `UPDATE customers SET reclaim_at = … WHERE id = ?` for these pools, the id left to bind.
    /// The instant it computes is calendar-free (clocks plus whole days in milliseconds), so the
    /// calendar, which `ReclaimForecastSQL` needs for day thresholds, is not part of the key.
    func assignment(pools: [Pool], calendar: LocalCalendar, dialect: SQLDialect) -> SQLFragment {
        if let statement = lock.withLock({ entry.flatMap { $0.pools == pools && $0.dialect == dialect ? $0.statement : nil } }) {
            return statement
        }
        let statement = ReclaimForecastSQL(pools: pools, calendar: calendar, dialect: dialect).assignment(where: "id = ?")
        lock.withLock { entry = (pools, dialect, statement) }
        return statement
    }
}
