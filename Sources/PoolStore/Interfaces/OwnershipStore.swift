import PoolDomain

/// Who owns each customer, and its history.
///
/// Each change is one conditional write (`... WHERE owner IS the owner read`) in one
/// transaction with its append-only ownership event and its webhook outbox rows: under any
/// race a customer has one owner or one pool, never both or neither; the loser of a race gets
/// `PoolError.alreadyOwned` and nothing is written. Limits are checked in the same transaction.
public protocol OwnershipStore: Sendable {
    func claim(_ id: CustomerID, by actor: Actor) throws -> Customer
    func release(_ id: CustomerID, by actor: Actor, reason: String, into pool: PoolID?) throws -> Customer
    func assign(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws -> Customer
    func transfer(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws -> Customer
    func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer
    func setCollaborator(_ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor) throws -> Customer
    /// The customer with masked fields revealed; the reveal is logged.
    func revealContact(_ id: CustomerID, by actor: Actor) throws -> Customer
    /// Ownership events after `id`, oldest first, of customers in `scope` (the feed).
    func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent]
    /// Each customer's ownership history, oldest first.
    func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]]
}
