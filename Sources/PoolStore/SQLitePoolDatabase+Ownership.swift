import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func claim(_ id: CustomerID, by actor: Actor) throws -> Customer {
        try change(id) { db, customer, now in
            do {
                return try Ownership.claim(customer, by: actor, at: now)
            } catch PoolError.alreadyOwned {
                throw PoolError.alreadyOwned(ownerName: try ownerName(db, customer, viewer: actor))
            }
        }
    }

    public func release(_ id: CustomerID, by actor: Actor, reason: String, into pool: PoolID?)
        throws -> Customer
    {
        try change(id) { db, customer, now in
            let (target, routedBy) = try releaseTarget(db, customer, explicit: pool)
            return try Ownership.release(
                customer, by: actor, reason: reason, into: target, routedBy: routedBy, at: now)
        }
    }

    public func assign(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    {
        try change(id) { db, customer, now in
            try Ownership.assign(customer, to: try requireUser(db, rep), by: actor, reason: reason, at: now)
        }
    }

    public func transfer(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    {
        try change(id) { db, customer, now in
            try Ownership.transfer(customer, to: try requireUser(db, rep), by: actor, reason: reason, at: now)
        }
    }

    public func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer {
        let now = nowMillis
        return try writeTransaction { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw PoolError.notFound(entity: "Customer") }
            try Ownership.setLocked(customer, locked, by: actor)
            try db.execute(
                sql: "UPDATE customers SET locked = ?, updated_at = ? WHERE id = ? AND owner_id IS NOT NULL",
                arguments: [locked, now, id.rawValue])
            return try Self.fetchCustomer(db, id)!
        }
    }

    /// Reads the customer, lets `decide` produce the change, and applies it conditionally,
    /// all inside one immediate transaction.
    private func change(
        _ id: CustomerID, decide: (Database, Customer, Date) throws -> OwnershipChange
    ) throws -> Customer {
        let now = clock.now()
        return try writeTransaction { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw PoolError.notFound(entity: "Customer") }
            let change = try decide(db, customer, now)
            try apply(change, db)
            return try Self.fetchCustomer(db, id)!
        }
    }

    /// The one conditional write every ownership change goes through, plus its event.
    func apply(_ change: OwnershipChange, _ db: Database) throws {
        let at = Timestamp.encode(change.at)
        try db.execute(
            sql: """
                UPDATE customers SET owner_id = ?, pool_id = ?,
                  previous_owner_id = coalesce(?, previous_owner_id),
                  owner_since = CASE WHEN ? IS NULL THEN NULL ELSE ? END,
                  locked = CASE WHEN ? IS NULL THEN 0 ELSE locked END,
                  updated_at = ?
                WHERE id = ? AND owner_id IS ? AND pool_id IS ?
                """,
            arguments: [
                change.target.ownerID?.rawValue, change.target.poolID?.rawValue,
                change.leavingOwner?.rawValue, change.target.ownerID?.rawValue, at,
                change.target.ownerID?.rawValue, at, change.customerID.rawValue,
                change.expected.ownerID?.rawValue, change.expected.poolID?.rawValue,
            ])
        guard db.changesCount == 1 else {
            let current = try Self.fetchCustomer(db, change.customerID)
            throw PoolError.alreadyOwned(ownerName: try current.flatMap { try ownerName(db, $0, viewer: nil) })
        }
        try insertEvent(
            db, customer: change.customerID, kind: change.kind, from: change.expected,
            to: change.target, actor: change.actorID, reason: change.reason,
            routedBy: change.routedBy, at: change.at)
    }

    func insertEvent(
        _ db: Database, customer: CustomerID, kind: OwnershipEventKind, from: Placement?,
        to: Placement, actor: UserID?, reason: String?, routedBy: RoutingReason?, at: Date
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,
                  from_pool_id, to_pool_id, actor_id, reason, routed_by, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                customer.rawValue, kind.rawValue, from?.ownerID?.rawValue, to.ownerID?.rawValue,
                from?.poolID?.rawValue, to.poolID?.rawValue, actor?.rawValue, reason,
                routedBy?.rawValue, Timestamp.encode(at),
            ])
    }

    private func releaseTarget(_ db: Database, _ customer: Customer, explicit: PoolID?) throws
        -> (PoolID, RoutingReason)
    {
        let pools = try Self.fetchPools(db)
        if let explicit {
            guard pools.contains(where: { $0.id == explicit }) else { throw PoolError.notFound(entity: "Pool") }
            return (explicit, .explicit)
        }
        guard let routed = PoolRouter(pools: pools).route(industry: customer.industry, region: customer.region) else {
            throw PoolError.invalidInput(field: "poolId", message: "no pool matches and no default pool is configured")
        }
        return routed
    }

    private func requireUser(_ db: Database, _ id: UserID) throws -> User {
        guard let user = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id.rawValue]).map(RowDecoding.user) else {
            throw PoolError.notFound(entity: "User")
        }
        return user
    }

    /// The current owner's name, which every user may know (it says who to talk to).
    private func ownerName(_ db: Database, _ customer: Customer, viewer: Actor?) throws -> String? {
        guard let owner = customer.ownerID else { return nil }
        return try String.fetchOne(db, sql: "SELECT name FROM users WHERE id = ?", arguments: [owner.rawValue])
    }
}
