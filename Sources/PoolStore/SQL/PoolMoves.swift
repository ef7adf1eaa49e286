import Foundation
import PoolDomain

/// Re-routing: after a pool is created or its routing changed, the pool customers its routing
/// now picks move to it, each as a `move` event (one conditional write, as every ownership
/// change). A customer someone placed in its pool by name stays where they put it.
extension OwnershipWrites {
    /// Pool customers after id `after` (up to `limit` looked at) that the routing now sends to
    /// `pool` and that sit in another pool they reached by routing; and the last id looked at.
    public func rerouteCandidates(into pool: PoolID, after: Int64, limit: Int) throws -> (customers: [Customer], last: Int64?) {
        let settings = try settings()
        // The default pool takes what nothing else matches; only a routing pool draws customers.
        guard let target = settings.pool(pool), !target.isDefault, !(target.industries.isEmpty && target.regions.isEmpty)
        else { return ([], nil) }
        let router = PoolRouter(pools: settings.pools)
        // Only (industry, region) pairs that other pools hold and that now route here can move:
        // the tallies name them without reading customers, and mostly there are none.
        let pairs = try session.fetchAll(
            "SELECT DISTINCT industry, region FROM customer_tallies WHERE pool_id NOT IN (0, ?) AND customers > 0", [.int(pool.rawValue)]
        ) { (industry: $0.text(0), region: $0.text(1)) }
            .filter { router.route(industry: $0.industry.isEmpty ? nil : $0.industry, region: $0.region.isEmpty ? nil : $0.region)?.0 == pool }
        guard !pairs.isEmpty else { return ([], nil) }
        let conditions: [String] = [
            "c.owner_id IS NULL", "c.pool_id <> ?", "c.id > ?",
            "(coalesce(c.industry, ''), coalesce(c.region, '')) IN (VALUES " + pairs.map { _ in "(?, ?)" }.joined(separator: ", ") + ")",
        ]
        let arguments: [SQLValue] = [.int(pool.rawValue), .int(after)] + pairs.flatMap { [SQLValue.text($0.industry), .text($0.region)] }
        let rows = try session.fetchAll(
            """
            SELECT \(RowDecoding.customerColumns.split(separator: ",").map { "c." + $0.trimmingCharacters(in: .whitespacesAndNewlines) }.joined(separator: ", ")),
              (SELECT e.routed_by FROM ownership_events e WHERE e.customer_id = c.id AND e.to_pool_id = c.pool_id ORDER BY e.id DESC LIMIT 1)
            FROM customers c WHERE \(conditions.joined(separator: " AND ")) ORDER BY c.id LIMIT ?
            """, arguments + [.int(Int64(limit))]
        ) { row in (RowDecoding.customer(row), row.optionalText(Int32(RowDecoding.customerColumnCount))) }
        let moving = rows.filter { customer, routedBy in
            routedBy != RoutingReason.explicit.rawValue && router.route(industry: customer.industry, region: customer.region)?.0 == pool
        }.map(\.0)
        return (moving, rows.last.map { $0.0.id.rawValue })
    }

    /// The customers still in archived `pool` after id `after` (up to `limit`), each with the
    /// pool its routing now picks; and the last id looked at.
    public func evacuationCandidates(from pool: PoolID, after: Int64, limit: Int) throws -> (moves: [(Customer, Pool)], last: Int64?) {
        let settings = try settings()
        let router = PoolRouter(pools: settings.pools)
        let customers = try session.fetchAll(
            "SELECT \(RowDecoding.customerColumns) FROM customers WHERE pool_id = ? AND owner_id IS NULL AND id > ? ORDER BY id LIMIT ?",
            [.int(pool.rawValue), .int(after), .int(Int64(limit))], RowDecoding.customer)
        let moves = customers.compactMap { customer -> (Customer, Pool)? in
            guard let (target, _) = router.route(industry: customer.industry, region: customer.region), target != pool,
                let destination = settings.pool(target)
            else { return nil }
            return (customer, destination)
        }
        return (moves, customers.last?.id.rawValue)
    }

    /// Moves `customer` (still in the pool it was read in) into `pool`; false when it moved
    /// meanwhile (claimed, or moved by another instance).
    public func move(_ customer: Customer, into pool: Pool, reason: String, by actor: Actor?, at now: Date) throws -> Bool {
        guard let from = customer.poolID else { return false }
        do {
            _ = try apply(
                OwnershipChange(
                    customerID: customer.id, kind: .move, expected: .inPool(from), target: .inPool(pool.id), actorID: actor?.userID,
                    reason: reason, routedBy: .matched, at: now))
        } catch PoolError.alreadyOwned {
            return false
        }
        try autoAssign(customer.id, into: pool, at: now)
        return true
    }
}

/// The re-routing loops, once for both backends: candidates are read in batches by id, and each
/// batch of moves is a transaction of its own, so a large re-routing never holds the writer long.
public struct PoolMoves<Store: SQLTransactions> {
    let store: Store
    let clock: any TimeSource

    public init(_ store: Store, clock: any TimeSource) {
        self.store = store
        self.clock = clock
    }

    static var reroutedReason: String { "新公海池的路由匹配 / routed to a new pool" }
    static var archivedReason: String { "原公海池已归档 / its pool was archived" }

    public func count(into pool: PoolID, limit: Int) throws -> Int {
        var (count, after) = (0, Int64(0))
        while count < limit {
            let (found, last) = try store.read { try store.writes($0).rerouteCandidates(into: pool, after: after, limit: 2000) }
            count += found.count
            guard let last else { break }
            after = last
        }
        return min(count, limit)
    }

    /// Moves every customer of archived `pool` to the pool its routing now picks.
    public func evacuate(_ pool: PoolID, by actor: Actor?) throws -> Int {
        try inBatches { writes, after, now in
            let (found, last) = try writes.evacuationCandidates(from: pool, after: after, limit: 500)
            return (last, try found.filter { try writes.move($0.0, into: $0.1, reason: Self.archivedReason, by: actor, at: now) }.count)
        }
    }

    public func move(into pool: PoolID, by actor: Actor?) throws -> Int {
        try inBatches { writes, after, now in
            let (found, last) = try writes.rerouteCandidates(into: pool, after: after, limit: 500)
            guard let target = try writes.settings().pool(pool) else { throw PoolError.notFound(entity: "Pool") }
            return (last, try found.filter { try writes.move($0, into: target, reason: Self.reroutedReason, by: actor, at: now) }.count)
        }
    }

    /// Runs `batch` (given the last id looked at) in a transaction each until it looks at no
    /// more; returns the moves counted. Counted from what each transaction returns, so a
    /// transaction run again counts once.
    private func inBatches(_ batch: (OwnershipWrites<Store.Session>, Int64, Date) throws -> (last: Int64?, moved: Int)) throws -> Int {
        var (moved, after) = (0, Int64(0))
        while true {
            let now = clock.now()
            let (last, count) = try store.writeTransaction { session in try batch(store.writes(session), after, now) }
            moved += count
            guard let last else { return moved }
            after = last
        }
    }
}
