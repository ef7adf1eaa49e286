import PoolDomain

/// Pools, their versioned rules, who may use each pool, and owner limits.
///
/// Every change is one transaction with its audit record. Saving rules appends a new version
/// and keeps the old ones (reclaim events name the version they applied). Reads of these
/// settings may come from memory kept while the data is unchanged; a change made through any
/// connection or process is seen by the next read.
public protocol PoolSettingsStore: Sendable {
    func createPool(_ draft: PoolDraft, by actor: Actor?) throws -> Pool
    func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?) throws -> Pool
    /// Saves the rules as a new version.
    func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool
    func pools() throws -> [Pool]
    func poolAccess() throws -> [PoolID: [PoolAccessEntry]]
    func ownerLimits() throws -> [LimitScope: OwnerLimit]
    /// How many pool customers elsewhere the pool's routing now picks (counted up to `limit`).
    func rerouteCount(into pool: PoolID, limit: Int) throws -> Int
    /// Moves them into the pool, each as a `move` event; returns how many moved.
    func reroute(into pool: PoolID, by actor: Actor?) throws -> Int
    /// Archives (or restores) a pool, audited; archiving moves its customers out, each to the
    /// pool its routing now picks (`move` events). Returns how many moved.
    func setPoolArchived(_ pool: PoolID, _ archived: Bool, by actor: Actor?) throws -> Int
    /// Every saved version of the pool's rules, newest first.
    func ruleVersions(of pool: PoolID) throws -> [RuleVersion]
    /// Sets (or, with nil, removes) the owner limit of a scope.
    func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?) throws
}

/// The settings and what their rules would do: the preview evaluates the sweep's rules.
public protocol PoolRuleStore: PoolSettingsStore {
    /// What `rules` would reclaim and warn in `pool` as of `today`; writes nothing.
    func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day) throws -> RulePreview
}

extension PoolSettingsStore {
    public func createPool(_ draft: PoolDraft) throws -> Pool { try createPool(draft, by: nil) }
}
