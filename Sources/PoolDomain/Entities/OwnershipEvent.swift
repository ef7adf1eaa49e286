import Foundation

/// Why a customer's placement changed. Each kind is one operation.
public enum OwnershipEventKind: String, CaseIterable, Sendable, Codable {
    case create
    case claim
    case release
    case assign
    case transfer
    case reclaim
    /// A pool customer moved to the pool its routing now picks (re-routing after a new pool).
    case move
}

/// One append-only entry in a customer's ownership history: the trail that keeps the previous
/// owner and the reason however many times the customer moves.
public struct OwnershipEvent: Sendable, Equatable, Identifiable {
    public let id: OwnershipEventID
    public var customerID: CustomerID
    public var kind: OwnershipEventKind
    public var fromOwnerID: UserID?
    public var toOwnerID: UserID?
    public var fromPoolID: PoolID?
    public var toPoolID: PoolID?
    public var actorID: UserID?
    public var reason: String?
    /// How the target pool was chosen, when the customer went into a pool.
    public var routedBy: RoutingReason?
    public var at: Date
    /// For reclaims: the rule that fired, its pool's rule version, and the sweep run.
    public var rule: ReclaimRule?
    public var ruleVersion: Int64?
    public var sweepRunID: Int64?

    public init(
        id: OwnershipEventID, customerID: CustomerID, kind: OwnershipEventKind,
        fromOwnerID: UserID?, toOwnerID: UserID?, fromPoolID: PoolID?, toPoolID: PoolID?,
        actorID: UserID?, reason: String?, routedBy: RoutingReason? = nil, at: Date,
        rule: ReclaimRule? = nil, ruleVersion: Int64? = nil, sweepRunID: Int64? = nil
    ) {
        self.rule = rule
        self.ruleVersion = ruleVersion
        self.sweepRunID = sweepRunID
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.fromOwnerID = fromOwnerID
        self.toOwnerID = toOwnerID
        self.fromPoolID = fromPoolID
        self.toPoolID = toPoolID
        self.actorID = actorID
        self.reason = reason
        self.routedBy = routedBy
        self.at = at
    }
}
