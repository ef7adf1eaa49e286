import Foundation
import PoolDomain
import PoolStore

/// Team metrics: managers see their subtree's reps and the pools they see, administrators all.
public struct TeamMetrics: Sendable {
    let store: any PoolDatabase

    public func reps(from: Date, to: Date, by actor: Actor) throws -> [RepMetrics] {
        try require(.viewMetrics, by: actor)
        let users: [UserID]
        switch try store.viewer(for: actor).scope {
        case .all: users = try store.users().map(\.id)
        case .restricted(let owners, _, _): users = owners.sorted()
        }
        return try store.repMetrics(users: users, from: from, to: to)
    }

    public func pools(from: Date, to: Date, by actor: Actor) throws -> [PoolMetrics] {
        try require(.viewMetrics, by: actor)
        return try store.poolMetrics(pools: try visiblePools(by: actor).map(\.id), from: from, to: to)
    }

    /// The pools whose customers `actor` sees.
    public func visiblePools(by actor: Actor) throws -> [Pool] {
        let scope = try store.viewer(for: actor).scope
        return try store.pools().filter { scope.contains(.inPool($0.id)) }
    }
}
