import Foundation
import PoolDomain

/// Creating and editing customers and their follow-ups, in the caller's transaction, the same
/// on both backends. They sit with the ownership writes because a new customer's first
/// placement is an ownership event and may auto-assign it.
extension OwnershipWrites {
    /// Creates a customer owned by the actor or in `intoPool`, with its creation event.
    public func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?, at now: Date) throws -> Customer {
        try requireNoDuplicate(draft.duplicateKeys, except: nil, viewer: try viewer(actor))
        let placement: Placement
        if let intoPool {
            guard let pool = try settings().pool(intoPool) else { throw PoolError.notFound(entity: "Pool") }
            if pool.archived { throw PoolError.invalidInput(field: "poolId", message: "the pool is archived") }
            placement = .inPool(intoPool)
        } else {
            placement = .owned(by: actor.userID)
        }
        let id = try insertCustomer(draft, placement: placement, createdBy: actor.userID, at: now)
        try insertEvent(
            customer: id, kind: .create, from: nil, to: placement, actor: actor.userID,
            reason: nil, routedBy: intoPool == nil ? nil : .explicit, at: now)
        try autoAssign(id, at: now)
        guard let customer = try customer(id) else { throw PoolError.notFound(entity: "Customer") }
        return customer
    }

    /// Creates every row of an import, each in a savepoint; `refusal` turns a backend's error
    /// (a unique violation raced in by another writer) into the row's refusal, or nil to fail
    /// the whole call.
    public func importCustomers(
        _ rows: [ImportRow], by actor: Actor, at now: Date, refusal: (any Error) -> PoolError?
    ) throws -> [ImportOutcome] {
        let viewer = try viewer(actor)
        let router = PoolRouter(pools: try settings().pools)
        var outcomes: [ImportOutcome] = []
        outcomes.reserveCapacity(rows.count)
        for row in rows {
            do {
                outcomes.append(try session.savepoint { try importCustomer(row, by: actor, viewer: viewer, router: router, at: now) })
            } catch let error as PoolError {
                outcomes.append(.refused(error))
            } catch {
                guard let refused = refusal(error) else { throw error }
                outcomes.append(.refused(refused))
            }
        }
        return outcomes
    }

    private func importCustomer(_ row: ImportRow, by actor: Actor, viewer: Viewer, router: PoolRouter, at now: Date) throws -> ImportOutcome {
        try requireNoDuplicate(row.draft.duplicateKeys, except: nil, viewer: viewer)
        let placement: Placement
        let routedBy: RoutingReason?
        if let owner = row.owner {
            (placement, routedBy) = (.owned(by: owner), nil)
        } else if let pool = row.pool {
            guard let target = router.pools.first(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
            if target.archived { throw PoolError.invalidInput(field: "poolId", message: "the pool is archived") }
            (placement, routedBy) = (.inPool(pool), .explicit)
        } else {
            guard let (pool, reason) = router.route(industry: row.draft.industry, region: row.draft.region) else {
                throw PoolError.invalidInput(field: "poolId", message: "no pool matches and no default pool is configured")
            }
            (placement, routedBy) = (.inPool(pool), reason)
        }
        let id = try insertCustomer(row.draft, placement: placement, createdBy: actor.userID, at: now)
        try insertEvent(customer: id, kind: .create, from: nil, to: placement, actor: actor.userID, reason: "导入 / import", routedBy: routedBy, at: now)
        try autoAssign(id, at: now)
        guard let customer = try customer(id) else { throw PoolError.notFound(entity: "Customer") }
        return .created(customer, routedBy: routedBy)
    }

    /// Saves `draft` over customer `facts.customer`; a status change counts as progress.
    public func updateCustomer(_ draft: CustomerDraft, facts: some CustomerFacts) throws -> Customer {
        let id = facts.customer.id
        try requireNoDuplicate(draft.duplicateKeys, except: id, viewer: facts.viewer)
        let keys = draft.duplicateKeys
        let now = Timestamp.encode(facts.now)
        let progressed = draft.status != facts.customer.status
        try session.execute(
            """
            UPDATE customers SET name = ?, name_key = ?, phone = ?, phone_key = ?, email = ?,
              email_key = ?, industry = ?, region = ?, level = ?, source = ?, status = ?,
              deal_amount_cents = ?, updated_at = ?,
              last_progress_at = CASE WHEN ? = 1 THEN ? ELSE last_progress_at END
            WHERE id = ?
            """,
            [
                .text(draft.name), SQLValue(keys.name), SQLValue(draft.phone), SQLValue(keys.phone), SQLValue(draft.email),
                SQLValue(keys.email), SQLValue(draft.industry), SQLValue(draft.region), SQLValue(draft.level),
                SQLValue(draft.source), .text(draft.status.rawValue), SQLValue(draft.dealAmountCents), .int(now),
                SQLValue(progressed), .int(now), .int(id.rawValue),
            ])
        try refreshForecast(id)
        guard let customer = try customer(id) else { throw PoolError.notFound(entity: "Customer") }
        return customer
    }

    public func insertCustomer(_ draft: CustomerDraft, placement: Placement, createdBy: UserID?, at: Date) throws -> CustomerID {
        let keys = draft.duplicateKeys
        let now = Timestamp.encode(at)
        let id = try session.insert(
            """
            INSERT INTO customers (name, name_key, phone, phone_key, email, email_key, industry,
              region, level, source, status, deal_amount_cents, owner_id, pool_id, created_by,
              created_at, owner_since, last_progress_at, updated_at, entered_pool_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .text(draft.name), SQLValue(keys.name), SQLValue(draft.phone), SQLValue(keys.phone), SQLValue(draft.email),
                SQLValue(keys.email), SQLValue(draft.industry), SQLValue(draft.region), SQLValue(draft.level),
                SQLValue(draft.source), .text(draft.status.rawValue), SQLValue(draft.dealAmountCents),
                SQLValue(placement.ownerID?.rawValue), SQLValue(placement.poolID?.rawValue), SQLValue(createdBy?.rawValue),
                .int(now), placement.ownerID == nil ? .null : .int(now), .int(now), .int(now),
                placement.poolID == nil ? .null : .int(now),
            ])
        if placement.ownerID != nil { try refreshForecast(CustomerID(id)) }
        return CustomerID(id)
    }

    /// Refuses a second record of a customer, saying where the first one is only as far as the
    /// viewer may see: its id only if visible, the owner's or pool's name otherwise.
    public func requireNoDuplicate(_ keys: DuplicateKeys, except: CustomerID?, viewer: Viewer) throws {
        let probes: [(DuplicateMatch.Field, String, String?)] = [
            (.name, "name_key", keys.name), (.phone, "phone_key", keys.phone), (.email, "email_key", keys.email),
        ]
        for (field, column, value) in probes {
            guard let value else { continue }
            let found = try session.fetchOne(
                """
                SELECT customers.id, customers.owner_id, customers.pool_id, users.name, pools.name
                FROM customers LEFT JOIN users ON users.id = customers.owner_id
                  LEFT JOIN pools ON pools.id = customers.pool_id
                WHERE customers.\(column) = ? AND customers.id <> ?
                """, [.text(value), .int(except?.rawValue ?? 0)]
            ) { row in
                (id: CustomerID(row.int64(0)), owner: row.optionalInt64(1), pool: row.optionalInt64(2),
                 ownerName: row.optionalText(3), poolName: row.optionalText(4))
            }
            guard let found else { continue }
            let placement: Placement = found.owner.map { .owned(by: UserID($0)) } ?? .inPool(PoolID(found.pool ?? 0))
            let collaborates = try session.fetchOne(
                "SELECT 1 FROM collaborators WHERE customer_id = ? AND user_id = ?",
                [.int(found.id.rawValue), .int(viewer.actor.userID.rawValue)], { $0.int(0) }) != nil
            let visible = viewer.scope.contains(placement) || collaborates
            throw PoolError.duplicate(
                DuplicateMatch(field: field, customerID: visible ? found.id : nil, ownerName: found.ownerName, poolName: found.poolName))
        }
    }

    /// Where an existing record of this customer is, as far as `actor` may see, or nil.
    public func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch? {
        do {
            try requireNoDuplicate(draft.duplicateKeys, except: nil, viewer: try viewer(actor))
            return nil
        } catch PoolError.duplicate(let match) {
            return match
        }
    }

    /// Records a follow-up and restarts the customer's reclaim clock.
    public func addFollowUp(to id: CustomerID, kind: FollowUpKind, text: String, at: Date, by actor: Actor, now: Date) throws -> FollowUp {
        let millis = Timestamp.encode(at)
        let followUpID = try session.insert(
            "INSERT INTO follow_ups (customer_id, kind, text, at, by_user_id) VALUES (?, ?, ?, ?, ?)",
            [.int(id.rawValue), .text(kind.rawValue), .text(text), .int(millis), .int(actor.userID.rawValue)])
        try DailyFacts(session, calendar: calendar).recordFollowUp(customer: id, by: actor.userID, at: at)
        try session.execute(
            "UPDATE customers SET last_follow_up_at = \(Session.dialect.greatest)(coalesce(last_follow_up_at, 0), ?), updated_at = ? WHERE id = ?",
            [.int(millis), .int(Timestamp.encode(now)), .int(id.rawValue)])
        try refreshForecast(id)
        return FollowUp(id: FollowUpID(followUpID), customerID: id, kind: kind, text: text, at: at, byID: actor.userID)
    }
}
