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
    /// Reveals are recorded as who saw what.
    let access: AccessRecords

    public func create(_ draft: CustomerDraft, intoPool pool: PoolID?, by actor: Actor) throws -> Customer {
        try AccessPolicy.require(pool == nil ? .createCustomer : .createPoolCustomer, by: actor)
        if let pool { try AccessPolicy.requireWithin(pool, by: actor) }
        return try store.createCustomer(draft, by: actor, intoPool: pool)
    }

    /// Applies `edit` to the customer as stored (unmasked) and saves the draft it returns; a
    /// customer the user may not see is not found.
    public func update(_ id: CustomerID, by actor: Actor, _ edit: (Customer) throws -> CustomerDraft) throws -> Customer {
        guard let current = try CustomerAccess(store: store).visible(id, by: actor) else {
            throw PoolError.notFound(entity: "Customer")
        }
        return try store.updateCustomer(id, try edit(current), by: actor) { facts in
            try AccessPolicy.require(.updateCustomer, by: facts.viewer, on: facts.customer)
        }
    }

    /// A rep takes a pool customer (领取), within their pool's claim rules and their limit.
    public func claim(_ id: CustomerID, by actor: Actor) throws -> Customer {
        try store.changeOwner(of: id, by: actor, Self.claimDecision(by: actor))
    }

    /// What decides a claim on a customer's facts, whichever store reads them.
    public static func claimDecision(by actor: Actor) -> (any CustomerFacts) throws -> OwnershipChange {
        { facts in
            let change: OwnershipChange
            do {
                change = try Ownership.claim(facts.customer, by: facts.viewer, at: facts.now)
            } catch PoolError.alreadyOwned {
                throw PoolError.alreadyOwned(ownerName: try facts.ownerName())
            }
            if let (claim, rules, limit) = try facts.claimFacts(of: try facts.user(actor.userID)) {
                try ClaimLimits.check(claim, rules: rules, limit: limit, now: facts.now, calendar: facts.calendar)
            }
            return change
        }
    }

    /// The owner or a manager puts a customer back into a pool (放入公海): `pool`, which the
    /// user must be a member of, or where routing sends it.
    public func release(_ id: CustomerID, reason: String, into pool: PoolID?, by actor: Actor) throws -> Customer {
        try store.changeOwner(of: id, by: actor) { facts in
            let (target, routedBy) = try facts.poolTarget(explicit: pool)
            if routedBy == .explicit && !facts.viewer.scope.contains(.inPool(target)) {
                throw PoolError.forbidden("you may release only into pools you are a member of")
            }
            return try Ownership.release(facts.customer, by: facts.viewer, reason: reason, into: target, routedBy: routedBy, at: facts.now)
        }
    }

    /// A manager (or a pool admin) gives a customer to a rep (分配), within the rep's limit.
    public func assign(_ id: CustomerID, to rep: UserID, reason: String?, by actor: Actor) throws -> Customer {
        try handOver(id, to: rep, by: actor) { try Ownership.assign($0.customer, to: $1, by: $0.viewer, reason: reason, at: $0.now) }
    }

    /// The owner or a manager hands a private customer to another rep (转移), within their limit.
    public func transfer(_ id: CustomerID, to rep: UserID, reason: String?, by actor: Actor) throws -> Customer {
        try handOver(id, to: rep, by: actor) { try Ownership.transfer($0.customer, to: $1, by: $0.viewer, reason: reason, at: $0.now) }
    }

    /// A change that gives the customer to `rep`, decided by `decide`, within `rep`'s limit.
    private func handOver(
        _ id: CustomerID, to rep: UserID, by actor: Actor,
        _ decide: (any CustomerFacts, User) throws -> OwnershipChange
    ) throws -> Customer {
        try store.changeOwner(of: id, by: actor) { facts in
            let target = try facts.user(rep)
            let change = try decide(facts, target)
            let load = try facts.ownedLoad(of: target)
            try ClaimLimits.checkOwned(load.count, limit: load.limit)
            return change
        }
    }

    /// Locking (锁定) keeps a private customer with its owner, within the owner's locked limit.
    public func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer {
        try store.setLocked(id, locked, by: actor, check: Self.lockCheck(locked))
    }

    /// What allows a lock change on a customer's facts, whichever store reads them.
    public static func lockCheck(_ locked: Bool) -> (any CustomerFacts) throws -> Void {
        { facts in
            try Ownership.setLocked(facts.customer, locked, by: facts.viewer)
            if locked && !facts.customer.locked, let owner = facts.customer.ownerID {
                let load = try facts.lockedLoad(of: try facts.user(owner))
                try ClaimLimits.checkLocked(load.count, limit: load.limit)
            }
        }
    }

    /// Adds, changes (`access`) or removes (nil) a collaborator (协作人); the owner or a manager.
    public func setCollaborator(_ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor) throws -> Customer {
        try store.setCollaborator(user, on: id, access: access, by: actor) { facts in
            try AccessPolicy.require(.manageCollaborators, by: facts.viewer, on: facts.customer)
            let target = try facts.user(user)
            guard target.id != facts.customer.ownerID else {
                throw PoolError.invalidInput(field: "userId", message: "the owner is not a collaborator")
            }
            if access != nil && !target.active {
                throw PoolError.invalidInput(field: "userId", message: "the user is deactivated")
            }
        }
    }

    /// The customer with its pool's masked fields revealed: the pool's admins only, logged. A
    /// customer outside a pool has nothing masked, and anyone who sees it gets it as it is.
    public func revealContact(_ id: CustomerID, by actor: Actor) throws -> Customer {
        let customer = try store.revealContact(id, by: actor) { facts in
            try AccessPolicy.require(facts.customer.poolID == nil ? .viewCustomer : .revealContact, by: facts.viewer, on: facts.customer)
        }
        try access.record(
            AccessEntry(userID: actor.userID, tokenID: actor.tokenID, kind: .reveal, customerIDs: [id], filter: nil, rows: 1))
        return customer
    }

    /// A follow-up (跟进) restarts the customer's reclaim clock: the owner, a write
    /// collaborator, a manager or a pool admin; `at` may be backdated, not in the future.
    public func addFollowUp(to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor) throws -> FollowUp {
        let text = text.trimmingWhitespace()
        guard !text.isEmpty, text.count <= 5000 else {
            throw PoolError.invalidInput(field: "text", message: "1 to 5000 characters")
        }
        return try store.addFollowUp(to: id, kind: kind, text: text, at: at, by: actor) { facts in
            if let at, at > facts.now.addingTimeInterval(300) {
                throw PoolError.invalidInput(field: "at", message: "a follow-up cannot be in the future")
            }
            try AccessPolicy.require(.addFollowUp, by: facts.viewer, on: facts.customer)
        }
    }
}
