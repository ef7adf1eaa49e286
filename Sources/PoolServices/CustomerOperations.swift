import Foundation
import PoolDomain
import PoolStore

/// Creating and editing customers, and every change of owner: claim, release, assign,
/// transfer, lock, collaborators, follow-ups and revealing masked contact details.
///
/// Decisions that depend only on the user (may they create into a pool) are made here, before
/// any write. Decisions that depend on the customer's facts (who owns it, its pool's rules and
/// limits) are made by `PoolDomain` (`Ownership`, `AccessPolicy`, `ClaimLimits`) on facts the
/// store reads inside the change's own transaction, so no race can slip between the decision
/// and the conditional write.
public struct CustomerOperations: Sendable {
    let store: any PoolDatabase

    public func create(_ draft: CustomerDraft, intoPool pool: PoolID?, by actor: Actor) throws -> Customer {
        try AccessPolicy.require(pool == nil ? .createCustomer : .createPoolCustomer, by: actor)
        return try store.createCustomer(draft, by: actor, intoPool: pool)
    }

    /// Applies `edit` to the customer as stored (unmasked) and saves the draft it returns; a
    /// customer the user may not see is not found.
    public func update(_ id: CustomerID, by actor: Actor, _ edit: (Customer) throws -> CustomerDraft) throws -> Customer {
        guard let current = try store.customers(ids: [id])[id],
            try CustomerAccess(store: store).canSee(current, as: try store.viewer(for: actor))
        else { throw PoolError.notFound(entity: "Customer") }
        return try store.updateCustomer(id, try edit(current), by: actor)
    }

    public func claim(_ id: CustomerID, by actor: Actor) throws -> Customer {
        try store.claim(id, by: actor)
    }

    public func release(_ id: CustomerID, reason: String, into pool: PoolID?, by actor: Actor) throws -> Customer {
        try store.release(id, by: actor, reason: reason, into: pool)
    }

    public func assign(_ id: CustomerID, to rep: UserID, reason: String?, by actor: Actor) throws -> Customer {
        try store.assign(id, to: rep, by: actor, reason: reason)
    }

    public func transfer(_ id: CustomerID, to rep: UserID, reason: String?, by actor: Actor) throws -> Customer {
        try store.transfer(id, to: rep, by: actor, reason: reason)
    }

    public func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer {
        try store.setLocked(id, locked, by: actor)
    }

    public func setCollaborator(_ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor) throws -> Customer {
        try store.setCollaborator(user, on: id, access: access, by: actor)
    }

    /// The customer with its pool's masked fields revealed; pool admins only, and logged.
    public func revealContact(_ id: CustomerID, by actor: Actor) throws -> Customer {
        try store.revealContact(id, by: actor)
    }

    public func addFollowUp(to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor) throws -> FollowUp {
        try store.addFollowUp(to: id, kind: kind, text: text, at: at, by: actor)
    }
}
