import Foundation
import PoolDomain

/// Which private customers the sweep will take back soon, counted and listed by the database
/// from the pools' rules (`ReclaimForecastSQL`), for the dashboard and its "due" pages.
public protocol ReclaimForecastStore: Sendable {
    /// Customers in `scope` past their reclaim day (`overdue`) and due from `today` through
    /// `today + days` (`upcoming`).
    func reclaimDueCounts(scope: CustomerScope, today: Day, within days: Int) throws -> (overdue: Int, upcoming: Int)
    /// One page of either list, soonest first.
    func reclaimDue(scope: CustomerScope, today: Day, within days: Int, overdue: Bool, offset: Int, limit: Int) throws -> [Customer]
    /// Recomputes every private customer's forecast when pools, rules or the time zone changed
    /// since it was last done; whether it ran. Each write keeps its own customer's forecast, so
    /// this only follows changes of the pools themselves.
    func refreshForecastsIfStale() throws -> Bool
}
