import CoreMetrics
import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Reads the customer's facts, lets `decide` (the application layer) produce the change,
    /// applies it conditionally and hands a customer that entered an auto-assigning pool on, all
    /// inside one immediate transaction.
    public func changeOwner(
        of id: CustomerID, by actor: Actor, _ decide: (any CustomerFacts) throws -> OwnershipChange
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in
            let change = try decide(facts)
            try apply(change, db)
            if change.target.poolID != nil { try autoAssign(db, id, at: facts.now) }
            return try Self.fetchCustomer(db, id)!
        }
    }

    public func setLocked(
        _ id: CustomerID, _ locked: Bool, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            try db.execute(
                cachedSQL: "UPDATE customers SET locked = ?, updated_at = ? WHERE id = ? AND owner_id IS NOT NULL",
                arguments: [locked, Timestamp.encode(facts.now), id.rawValue])
            return try Self.fetchCustomer(db, id)!
        }
    }

    /// The one conditional write every ownership change goes through, plus its event.
    func apply(_ change: OwnershipChange, _ db: Database) throws {
        let at = Timestamp.encode(change.at)
        try db.execute(
            cachedSQL: """
                UPDATE customers SET owner_id = ?, pool_id = ?,
                  previous_owner_id = coalesce(?, previous_owner_id),
                  owner_since = CASE WHEN ? IS NULL THEN NULL ELSE ? END,
                  entered_pool_at = CASE WHEN ? IS NULL THEN entered_pool_at ELSE ? END,
                  locked = CASE WHEN ? IS NULL THEN 0 ELSE locked END,
                  updated_at = ?
                WHERE id = ? AND owner_id IS ? AND pool_id IS ? AND (? IS NULL OR updated_at = ?)
                """,
            arguments: [
                change.target.ownerID?.rawValue, change.target.poolID?.rawValue,
                change.leavingOwner?.rawValue, change.target.ownerID?.rawValue, at,
                change.target.poolID?.rawValue, at,
                change.target.ownerID?.rawValue, at, change.customerID.rawValue,
                change.expected.ownerID?.rawValue, change.expected.poolID?.rawValue,
                Timestamp.encode(optional: change.expectedUpdatedAt), Timestamp.encode(optional: change.expectedUpdatedAt),
            ])
        guard db.changesCount == 1 else {
            let current = try Self.fetchCustomer(db, change.customerID)
            if change.expectedUpdatedAt != nil, current?.placement == change.expected {
                throw StaleDecision()
            }
            throw PoolError.alreadyOwned(ownerName: try current.flatMap { try ownerName(db, $0) })
        }
        try insertEvent(
            db, customer: change.customerID, kind: change.kind, from: change.expected,
            to: change.target, actor: change.actorID, reason: change.reason,
            routedBy: change.routedBy, at: change.at, rule: change.ruleName,
            ruleVersion: change.ruleVersion, sweepRun: change.sweepRunID)
        ownershipChanges[change.kind]?.increment()
    }

    func insertEvent(
        _ db: Database, customer: CustomerID, kind: OwnershipEventKind, from: Placement?,
        to: Placement, actor: UserID?, reason: String?, routedBy: RoutingReason?, at: Date,
        rule: String? = nil, ruleVersion: Int64? = nil, sweepRun: Int64? = nil
    ) throws {
        try db.execute(
            cachedSQL: """
                INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,
                  from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                customer.rawValue, kind.rawValue, from?.ownerID?.rawValue, to.ownerID?.rawValue,
                from?.poolID?.rawValue, to.poolID?.rawValue, actor?.rawValue, reason,
                routedBy?.rawValue, Timestamp.encode(at), rule, ruleVersion, sweepRun,
            ])
        let eventID = db.lastInsertedRowID
        try enqueueWebhooks(db, kind: WebhookEventKind(kind), at: at) {
            try webhookPayload(db, customer: customer, eventID: eventID, from: from, to: to, reason: reason, rule: rule)
        }
    }

    /// What a partner receives: ids and names, never contact details.
    private func webhookPayload(
        _ db: Database, customer: CustomerID, eventID: Int64, from: Placement?, to: Placement, reason: String?, rule: String?
    ) throws -> [String: Any] {
        let name = try String.fetchOne(db, cachedSQL: "SELECT name FROM customers WHERE id = ?", arguments: [customer.rawValue]) ?? ""
        func place(_ placement: Placement?) throws -> Any {
            switch placement {
            case .owned(let user)?:
                let owner = try String.fetchOne(db, cachedSQL: "SELECT name FROM users WHERE id = ?", arguments: [user.rawValue]) ?? ""
                return ["ownerId": "usr_\(user.rawValue)", "owner": owner]
            case .inPool(let pool)?:
                let poolName = try String.fetchOne(db, cachedSQL: "SELECT name FROM pools WHERE id = ?", arguments: [pool.rawValue]) ?? ""
                return ["poolId": "pool_\(pool.rawValue)", "pool": poolName]
            case nil: return NSNull()
            }
        }
        return [
            "eventId": "evt_\(eventID)", "customer": ["id": "cus_\(customer.rawValue)", "name": name],
            "from": try place(from), "to": try place(to), "reason": reason ?? NSNull(), "rule": rule ?? NSNull(),
        ]
    }

    /// Where a customer leaving its owner goes: the named pool, else routing.
    func poolTarget(_ db: Database, _ customer: Customer, explicit: PoolID?) throws
        -> (PoolID, RoutingReason)
    {
        let pools = try settingsMemo.value(db).pools
        if let explicit {
            guard pools.contains(where: { $0.id == explicit }) else { throw PoolError.notFound(entity: "Pool") }
            return (explicit, .explicit)
        }
        guard let routed = PoolRouter(pools: pools).route(industry: customer.industry, region: customer.region) else {
            throw PoolError.invalidInput(field: "poolId", message: "no pool matches and no default pool is configured")
        }
        return routed
    }

    func requireUser(_ db: Database, _ id: UserID) throws -> User {
        guard let user = try Self.fetchUser(db, id) else {
            throw PoolError.notFound(entity: "User")
        }
        return user
    }

    /// The current owner's name, which every user may know (it says who to talk to).
    func ownerName(_ db: Database, _ customer: Customer) throws -> String? {
        guard let owner = customer.ownerID else { return nil }
        return try String.fetchOne(db, cachedSQL: "SELECT name FROM users WHERE id = ?", arguments: [owner.rawValue])
    }
}

/// A rule's decision whose facts changed before its conditional write (e.g. a follow-up
/// arrived during the sweep): the customer is skipped, never taken.
struct StaleDecision: Error {}
