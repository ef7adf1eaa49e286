import Foundation
import PoolDomain
import PoolStore

extension PostgresPoolDatabase {
    /// One transaction whose limit counts are read under the user's advisory lock.
    public func changeOwner(
        of id: CustomerID, by actor: Actor, _ decide: (any CustomerFacts) throws -> OwnershipChange
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { writes, facts in try writes.changeOwner(of: id, facts: facts, decide) }
    }

    public func customers(ids: [CustomerID]) throws -> [CustomerID: Customer] {
        try read { try CustomerReads($0).customers(ids: ids) }
    }

    public func viewer(for actor: Actor) throws -> Viewer {
        try read { try writes($0).viewer(actor) }
    }

    public func viewerFromMemos(for actor: Actor) -> VouchedViewer? {
        VouchedViewer.from(actor, settings: settingsMemo, directory: directoryMemo)
    }

    /// Ownership events of the given customers, oldest first.
    public func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]] {
        try read { try CustomerQueries($0).ownershipEvents(of: ids) }
    }

    /// Runs `body` in a write transaction with the facts of customer `id` as `actor` sees them;
    /// what a limit counts is read under the user's advisory lock (see the type's notes).
    func withFacts<T>(
        of id: CustomerID, by actor: Actor, _ body: (OwnershipWrites<PostgresConnection>, SQLCustomerFacts<PostgresConnection>) throws -> T
    ) throws -> T {
        let now = clock.now()
        return try writeTransaction { connection in
            let writes = writes(connection)
            guard let customer = try writes.customer(id) else { throw PoolError.notFound(entity: "Customer") }
            let facts = SQLCustomerFacts(
                writes: writes, customer: customer, viewer: try writes.viewer(actor, customers: [id]), now: now, calendar: calendar,
                serialize: { user in
                    try connection.execute("SELECT pg_advisory_xact_lock(CAST(? AS INTEGER), CAST(? AS INTEGER))",
                                           [.int(Self.userLockClass), .int(user.rawValue)])
                })
            return try body(writes, facts)
        }
    }
}

extension PostgresPoolDatabase {
    /// Sets the lock of a private customer once `check` allows it; a locked limit is counted
    /// under the owner's advisory lock like any other limit.
    public func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor, check: (any CustomerFacts) throws -> Void) throws -> Customer {
        try withFacts(of: id, by: actor) { writes, facts in
            try check(facts)
            return try writes.setLocked(id, locked, at: facts.now)
        }
    }

    public func setCollaborator(
        _ user: UserID, on id: CustomerID, access: CollaboratorAccess?, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { writes, facts in
            try check(facts)
            try writes.setCollaborator(user, on: id, access: access, at: facts.now)
            return facts.customer
        }
    }

    public func revealContact(_ id: CustomerID, by actor: Actor, check: (any CustomerFacts) throws -> Void) throws -> Customer {
        try withFacts(of: id, by: actor) { writes, facts in
            try check(facts)
            try writes.recordReveal(of: facts.customer, by: actor, at: facts.now)
            return facts.customer
        }
    }
}
