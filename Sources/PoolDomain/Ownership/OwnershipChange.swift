import Foundation

/// A decided move of one customer: what the store must write, and the facts it is conditional on.
///
/// The store applies it as one conditional UPDATE (`WHERE owner_id IS expected AND pool_id IS
/// expected`) plus one ownership event, in one transaction; zero rows changed means another
/// writer moved the customer first.
public struct OwnershipChange: Sendable, Equatable {
    public let customerID: CustomerID
    public let kind: OwnershipEventKind
    /// The placement the decision saw; the write only happens if it still holds.
    public let expected: Placement
    public let target: Placement
    public let actorID: UserID?
    public let reason: String?
    public let routedBy: RoutingReason?
    public let at: Date
    /// When set, the write also requires the customer's `updatedAt` to be unchanged: a rule's
    /// decision read follow-up and progress facts, and any edit since voids it.
    public var expectedUpdatedAt: Date?
    /// The rule version and sweep run behind a reclaim, recorded on its event.
    public var ruleVersion: Int64?
    public var ruleName: String?
    public var sweepRunID: Int64?

    public init(
        customerID: CustomerID, kind: OwnershipEventKind, expected: Placement, target: Placement,
        actorID: UserID?, reason: String?, routedBy: RoutingReason?, at: Date
    ) {
        self.customerID = customerID
        self.kind = kind
        self.expected = expected
        self.target = target
        self.actorID = actorID
        self.reason = reason
        self.routedBy = routedBy
        self.at = at
    }

    /// When the customer leaves an owner, that owner becomes the previous owner (前负责人).
    public var leavingOwner: UserID? {
        guard let from = expected.ownerID, target.ownerID != from else { return nil }
        return from
    }
}
