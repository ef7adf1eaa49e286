/// How a customer's pool was chosen when it entered the public sea.
public enum RoutingReason: String, Sendable, Codable, CaseIterable {
    /// The caller named the pool.
    case explicit
    /// The pool's industries and regions matched the customer's.
    case matched
    /// No pool matched; the default pool took it.
    case defaultPool = "default"
}

/// Chooses the pool a customer goes to: the highest-priority pool whose industries and regions
/// both match, else the default pool.
public struct PoolRouter: Sendable {
    public let pools: [Pool]

    public init(pools: [Pool]) { self.pools = pools }

    public func route(industry: String?, region: String?) -> (PoolID, RoutingReason)? {
        let candidates = pools.filter { !$0.isDefault && !$0.archived && matches($0, industry, region) }
        let best = candidates.max { lhs, rhs in
            (lhs.priority, specificity(lhs), -lhs.id.rawValue)
                < (rhs.priority, specificity(rhs), -rhs.id.rawValue)
        }
        if let best { return (best.id, .matched) }
        return pools.first(where: { $0.isDefault && !$0.archived }).map { ($0.id, .defaultPool) }
    }

    /// The pools in the order `route` tries them: the routing pools best first, then the
    /// default pool (archived pools route nothing). What compiles routing into SQL follows it.
    public var routingOrder: [Pool] {
        let routing = pools.filter { !$0.isDefault && !$0.archived && !($0.industries.isEmpty && $0.regions.isEmpty) }
            .sorted { lhs, rhs in
                (lhs.priority, specificity(lhs), -lhs.id.rawValue) > (rhs.priority, specificity(rhs), -rhs.id.rawValue)
            }
        return routing + pools.filter { $0.isDefault && !$0.archived }.prefix(1)
    }

    private func matches(_ pool: Pool, _ industry: String?, _ region: String?) -> Bool {
        if pool.industries.isEmpty && pool.regions.isEmpty { return false }
        return accepts(pool.industries, industry) && accepts(pool.regions, region)
    }

    private func accepts(_ values: [String], _ value: String?) -> Bool {
        guard !values.isEmpty else { return true }
        guard let value else { return false }
        return values.contains { $0.caseInsensitiveCompare(value) == .orderedSame }
    }

    /// The other routing pools that can match some customer `pool` matches, at the same
    /// priority and specificity: for those customers the older pool wins, which an
    /// administrator should choose knowingly.
    public func ties(of pool: Pool) -> [Pool] {
        guard !pool.isDefault, !(pool.industries.isEmpty && pool.regions.isEmpty) else { return [] }
        func overlap(_ lhs: [String], _ rhs: [String]) -> Bool {
            lhs.isEmpty || rhs.isEmpty || lhs.contains { value in rhs.contains { $0.caseInsensitiveCompare(value) == .orderedSame } }
        }
        return pools.filter { other in
            other.id != pool.id && !other.isDefault && !other.archived && !(other.industries.isEmpty && other.regions.isEmpty)
                && other.priority == pool.priority && specificity(other) == specificity(pool)
                && overlap(other.industries, pool.industries) && overlap(other.regions, pool.regions)
        }
    }

    /// On equal priority, a pool that names both industry and region beats a broader one.
    private func specificity(_ pool: Pool) -> Int {
        (pool.industries.isEmpty ? 0 : 1) + (pool.regions.isEmpty ? 0 : 1)
    }
}
