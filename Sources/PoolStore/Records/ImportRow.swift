import PoolDomain

/// One customer of a bulk import, checked by the application layer: its draft (validated), and
/// where it goes: to `owner`, into `pool`, or (neither) to the pool its industry and region route to.
public struct ImportRow: Sendable {
    public let draft: CustomerDraft
    public let owner: UserID?
    public let pool: PoolID?

    public init(draft: CustomerDraft, owner: UserID? = nil, pool: PoolID? = nil) {
        self.draft = draft
        self.owner = owner
        self.pool = pool
    }
}

/// What became of one import row.
public enum ImportOutcome: Sendable {
    /// Created (in a dry run: would be), placed as the customer says, routed as `routedBy` says.
    case created(Customer, routedBy: RoutingReason?)
    case refused(PoolError)
}

/// Thrown inside a dry run's transaction to roll it back once its outcomes are known.
public struct DryRunRollback: Error {
    public init() {}
}
