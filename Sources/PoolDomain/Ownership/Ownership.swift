import Foundation

/// The ownership operations as pure decisions: given a customer's facts, the actor and the time,
/// each returns the change to apply or throws why not. No I/O; the store applies the result.
public enum Ownership {
    /// A rep takes a pool customer (领取).
    public static func claim(_ customer: Customer, by viewer: Viewer, at now: Date) throws
        -> OwnershipChange
    {
        // Ownership first: a rep who lost the race for a pool customer must hear ALREADY_OWNED,
        // even though the winner's customer is no longer visible to them.
        guard case .inPool = customer.placement else {
            throw PoolError.alreadyOwned(ownerName: nil)
        }
        try AccessPolicy.require(.claim, by: viewer, on: customer)
        return change(customer, .claim, to: .owned(by: viewer.actor.userID), viewer.actor, nil, nil, now)
    }

    /// The owner (or a manager) puts a customer back into a pool (放入公海).
    public static func release(
        _ customer: Customer, by viewer: Viewer, reason: String, into pool: PoolID,
        routedBy: RoutingReason, at now: Date
    ) throws -> OwnershipChange {
        try AccessPolicy.require(.release, by: viewer, on: customer)
        guard customer.ownerID != nil else { throw PoolError.notOwner }
        guard !customer.locked else { throw PoolError.locked }
        let reason = try requireReason(reason)
        return change(customer, .release, to: .inPool(pool), viewer.actor, reason, routedBy, now)
    }

    /// A manager gives a pool or team customer to a rep (分配).
    public static func assign(
        _ customer: Customer, to rep: User, by viewer: Viewer, reason: String?, at now: Date
    ) throws -> OwnershipChange {
        try AccessPolicy.require(.assign, by: viewer, on: customer)
        try requireActive(rep)
        if customer.ownerID == rep.id { throw PoolError.alreadyOwned(ownerName: rep.name) }
        if customer.ownerID != nil && customer.locked { throw PoolError.locked }
        return change(customer, .assign, to: .owned(by: rep.id), viewer.actor, reason, nil, now)
    }

    /// The owner or a manager hands a private customer to another rep (转移).
    public static func transfer(
        _ customer: Customer, to rep: User, by viewer: Viewer, reason: String?, at now: Date
    ) throws -> OwnershipChange {
        try AccessPolicy.require(.transfer, by: viewer, on: customer)
        guard let owner = customer.ownerID else { throw PoolError.notOwner }
        try requireActive(rep)
        guard owner != rep.id else {
            throw PoolError.invalidInput(field: "toUserId", message: "the rep already owns this customer")
        }
        guard !customer.locked else { throw PoolError.locked }
        return change(customer, .transfer, to: .owned(by: rep.id), viewer.actor, reason, nil, now)
    }

    /// Locking (锁定) exempts a private customer from moving until unlocked.
    public static func setLocked(_ customer: Customer, _ locked: Bool, by viewer: Viewer) throws {
        try AccessPolicy.require(locked ? .lock : .unlock, by: viewer, on: customer)
        guard customer.ownerID != nil else {
            throw PoolError.invalidInput(field: "id", message: "only private customers can be locked")
        }
    }

    /// A rule takes a private customer back into the pool (回收), conditional on every fact the
    /// decision read: a follow-up or status change since then keeps the customer with its owner.
    public static func reclaim(
        _ customer: Customer, due: ReclaimDue, ruleVersion: Int64?, into pool: PoolID,
        routedBy: RoutingReason, at now: Date
    ) -> OwnershipChange {
        var change = OwnershipChange(
            customerID: customer.id, kind: .reclaim, expected: customer.placement, target: .inPool(pool),
            actorID: nil, reason: ReclaimReason.describe(due), routedBy: routedBy, at: now)
        change.expectedUpdatedAt = customer.updatedAt
        change.ruleVersion = ruleVersion
        change.ruleName = due.rule.rawValue
        return change
    }

    private static func change(
        _ customer: Customer, _ kind: OwnershipEventKind, to target: Placement, _ actor: Actor,
        _ reason: String?, _ routedBy: RoutingReason?, _ now: Date
    ) -> OwnershipChange {
        OwnershipChange(
            customerID: customer.id, kind: kind, expected: customer.placement, target: target,
            actorID: actor.userID, reason: reason, routedBy: routedBy, at: now)
    }

    private static func requireActive(_ rep: User) throws {
        guard rep.active else {
            throw PoolError.invalidInput(field: "toUserId", message: "the user is deactivated")
        }
    }

    private static func requireReason(_ reason: String) throws -> String {
        let trimmed = reason.trimmingWhitespace()
        guard !trimmed.isEmpty else {
            throw PoolError.invalidInput(field: "reason", message: "a reason is required")
        }
        guard trimmed.count <= 500 else {
            throw PoolError.invalidInput(field: "reason", message: "at most 500 characters")
        }
        return trimmed
    }
}
