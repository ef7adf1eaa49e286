import PoolDomain

/// Who owns each customer, and its history.
///
/// The application layer decides each change on facts read in its own transaction
/// (`CustomerFacts`); each change is then one conditional write (`... WHERE owner IS the owner read`) in one
/// transaction with its append-only ownership event and its webhook outbox rows: under any
/// race a customer has one owner or one pool, never both or neither; the loser of a race gets
/// `PoolError.alreadyOwned` and nothing is written. Limits are checked in the same transaction.
public protocol OwnershipStore: Sendable {
    /// Reads customer `id`'s facts in one write transaction, lets `decide` return the change
    /// (or throw why not), and applies it as one conditional write with its event and outbox
    /// rows; a customer that enters an auto-assigning pool is assigned on in the same
    /// transaction. Returns the customer after.
    func changeOwner(of id: CustomerID, by actor: Actor, _ decide: (any CustomerFacts) throws -> OwnershipChange) throws -> Customer
    /// Sets the lock of a private customer once `check` allows it on the customer's facts.
    func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor, check: (any CustomerFacts) throws -> Void) throws -> Customer
    /// Adds, changes (`access`) or removes (nil) a collaborator once `check` allows it.
    func setCollaborator(
        _ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer
    /// The customer unmasked once `check` allows it; a reveal of a pooled customer is logged.
    func revealContact(_ id: CustomerID, by actor: Actor, check: (any CustomerFacts) throws -> Void) throws -> Customer
    /// Ownership events after `id`, oldest first, of customers in `scope` (the feed).
    func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent]
    /// Each customer's ownership history, oldest first.
    func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]]
    /// The newest ownership event's id and the newest reclaim warning's: where live updates
    /// start reading.
    func liveCursor() throws -> LiveCursor
    /// Every ownership event after `cursor.events` and reclaim warning after `cursor.warnings`,
    /// oldest first, at most `first` of each, whoever's customers they are: live updates decide
    /// per subscriber what each may see.
    func liveChanges(after cursor: LiveCursor, first: Int) throws -> (events: [OwnershipEvent], warnings: [UserNotification])
}

/// A position in the stream of changes live updates read.
public struct LiveCursor: Sendable, Equatable {
    public var events: Int64
    public var warnings: Int64

    public init(events: Int64, warnings: Int64) {
        self.events = events
        self.warnings = warnings
    }
}
