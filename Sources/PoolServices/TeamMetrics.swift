import Foundation
import PoolDomain
import PoolStore

/// Team metrics: managers see their subtree's reps and the pools they see, administrators all.
public struct TeamMetrics: Sendable {
    let store: any PoolDatabase
    let clock: any TimeSource
    let heavyWork: HeavyWork

    public func reps(from: Date, to: Date, by actor: Actor) throws -> [RepMetrics] {
        try require(.viewMetrics, by: actor)
        let users: [UserID]
        switch try store.viewer(for: actor).scope {
        case .all: users = try store.users().map(\.id)
        case .restricted(let owners, _, _): users = owners.sorted()
        }
        return try heavyWork.run { try store.repMetrics(users: users, from: from, to: to) }
    }

    public func pools(from: Date, to: Date, by actor: Actor) throws -> [PoolMetrics] {
        try require(.viewMetrics, by: actor)
        let pools = try visiblePools(by: actor).map(\.id)
        return try heavyWork.run { try store.poolMetrics(pools: pools, from: from, to: to) }
    }

    /// How many of the customers `actor` sees are past their reclaim day, and how many are
    /// due within `days` days.
    public func reclaimDueCounts(within days: Int, by actor: Actor) throws -> (overdue: Int, upcoming: Int) {
        let scope = try store.viewer(for: actor).scope
        return try store.reclaimDueCounts(scope: scope, today: today, within: days)
    }

    /// One page of either list, soonest first, each customer with its forecast.
    public func reclaimDue(
        within days: Int, overdue: Bool, offset: Int, limit: Int, by actor: Actor
    ) throws -> [(Customer, ReclaimForecaster.Forecast)] {
        let scope = try store.viewer(for: actor).scope
        let customers = try store.reclaimDue(scope: scope, today: today, within: days, overdue: overdue, offset: offset, limit: limit)
        let forecaster = ReclaimForecaster(pools: try store.pools(), calendar: store.calendar, today: today)
        return customers.compactMap { customer in forecaster.forecast(customer).map { (customer, $0) } }
    }

    private var today: Day { store.calendar.day(of: clock.now()) }

    /// Customers per pool, for charts and lists that need only the sizes.
    public func poolSizes(by actor: Actor) throws -> [(Pool, Int)] {
        let sizes = try store.poolSizes()
        return try visiblePools(by: actor).map { ($0, sizes[$0.id] ?? 0) }
    }

    /// The pools whose customers `actor` sees.
    public func visiblePools(by actor: Actor) throws -> [Pool] {
        let scope = try store.viewer(for: actor).scope
        return try store.pools().filter { scope.contains(.inPool($0.id)) }
    }
}
