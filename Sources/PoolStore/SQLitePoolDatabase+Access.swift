import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// What `actor` may see: admins everything; managers their department subtree's customers;
    /// everyone the pools they are members or admins of, and customers they collaborate on.
    public func viewer(for actor: Actor) throws -> Viewer {
        try read { db in try viewer(db, actor) }
    }

    public func viewerFromMemos(for actor: Actor) -> VouchedViewer? {
        VouchedViewer.from(actor, settings: settingsMemo, directory: directoryMemo)
    }

    func viewer(_ db: Database, _ actor: Actor, customers: [CustomerID] = []) throws -> Viewer {
        try writes(db).viewer(actor, customers: customers)
    }

    // MARK: Owner limits

    public func ownerLimits() throws -> [LimitScope: OwnerLimit] {
        try read { db in try SettingsQueries.limits(db) }
    }

    public func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?) throws {
        let now = nowMillis
        try writeTransaction { db in try PoolWrites(db).setOwnerLimit(limit, for: scope, by: actor, at: now) }
    }




    // MARK: Collaborators

    /// Adds, changes (`access`) or removes (`nil`) a collaborator once `check` allows it.
    public func setCollaborator(
        _ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor,
        check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            try writes(db).setCollaborator(user, on: id, access: access, at: facts.now)
            return facts.customer
        }
    }

    /// Returns the customer with its contact fields unmasked once `check` allows it; a customer
    /// in a pool (where fields are masked) records who saw them.
    public func revealContact(_ id: CustomerID, by actor: Actor, check: (any CustomerFacts) throws -> Void) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            try writes(db).recordReveal(of: facts.customer, by: actor, at: facts.now)
            return facts.customer
        }
    }
}

