import PoolDomain
import PoolStore

/// Pools, their rules and the owner limits: administrators define pools; administrators and a
/// pool's own admins change and preview its rules.
public struct PoolAdministration: Sendable {
    let store: any PoolDatabase
    let clock: any TimeSource
    var heavyWork = HeavyWork(limit: 1)

    public func create(_ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        try require(.managePools, by: actor)
        return try store.createPool(try draft.validated(), by: actor)
    }

    public func update(_ id: PoolID, _ draft: PoolDraft, by actor: Actor) throws -> Pool {
        try require(.managePools, by: actor)
        var checked = draft
        checked.rules = .standard  // an update keeps the pool's rules (see `PoolDraft.rules`)
        _ = try checked.validated()
        if draft.isDefault, try store.pools().first(where: { $0.id == id })?.archived == true {
            throw PoolError.invalidInput(field: "isDefault", message: "an archived pool cannot be the default; restore it first")
        }
        return try store.updatePool(id, draft, by: actor)
    }

    /// Saves `rules` as the pool's next version.
    public func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool {
        try requireRulesAdmin(pool, actor)
        return try store.setRules(rules, for: pool, by: actor)
    }

    /// What `rules` would reclaim and warn today, changing nothing.
    public func preview(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> RulePreview {
        try requireRulesAdmin(pool, actor)
        let today = store.calendar.day(of: clock.now())
        return try heavyWork.run { try store.previewRules(rules, for: pool, today: today) }
    }

    /// How many customers in other pools this pool's routing now picks (up to 10,000 counted):
    /// the administrators, for the pool page's offer to move them.
    public func rerouteCount(into pool: PoolID, by actor: Actor) throws -> Int {
        try require(.managePools, by: actor)
        return try store.rerouteCount(into: pool, limit: 10_000)
    }

    /// Moves into the pool the pool customers its routing now picks, except those someone put
    /// in their pool by name; each move is an ownership event (`move`). Administrators.
    public func reroute(into pool: PoolID, by actor: Actor?) throws -> Int {
        try require(.managePools, by: actor)
        guard try store.pools().contains(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
        return try store.reroute(into: pool, by: actor)
    }

    /// Archives a pool (its customers move to the pools their routing now picks; it routes and
    /// takes nothing more) or restores it. Returns how many customers moved. Administrators.
    public func setArchived(_ pool: PoolID, _ archived: Bool, by actor: Actor?) throws -> Int {
        try require(.managePools, by: actor)
        return try store.setPoolArchived(pool, archived, by: actor)
    }

    /// The pool's rule versions, newest first: the administrators and the pool's admins.
    public func ruleHistory(of pool: PoolID, by actor: Actor) throws -> [RuleVersion] {
        try requireRulesAdmin(pool, actor)
        return try store.ruleVersions(of: pool)
    }

    /// Whether `actor` may change (and preview) the rules of `pool`, for pages that offer it.
    public func mayEditRules(of pool: PoolID, by actor: Actor) throws -> Bool {
        try store.viewer(for: actor).administers(pool)
    }

    public func ownerLimits(by actor: Actor) throws -> [LimitScope: OwnerLimit] {
        try require(.manageUsers, by: actor)
        return try store.ownerLimits()
    }

    /// Sets (or, with nil, removes) the owner limit of `scope`; returns every limit after.
    public func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?) throws -> [LimitScope: OwnerLimit] {
        try require(.manageUsers, by: actor)
        try store.setOwnerLimit(limit, for: scope, by: actor)
        return try store.ownerLimits()
    }

    private func requireRulesAdmin(_ pool: PoolID, _ actor: Actor) throws {
        guard try store.pools().contains(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
        guard try mayEditRules(of: pool, by: actor) else {
            throw PoolError.forbidden("only administrators and the pool's admins may change its rules")
        }
    }
}
