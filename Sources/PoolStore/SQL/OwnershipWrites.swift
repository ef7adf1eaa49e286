import CoreMetrics
import Foundation
import PoolDomain

/// Every ownership change's reads and writes inside its transaction, written once for both
/// backends: the conditional write, its append-only event, the webhook outbox rows, routing a
/// customer to a pool, auto-assignment and notifications.
///
/// The backends differ in what makes the decision's facts stable until the write: SQLite's
/// immediate transaction holds the only write lock; PostgreSQL's transactions run side by side,
/// so its facts take a per-user advisory lock (`serialize`) before counting what a limit counts.
public struct OwnershipWrites<Session: SQLSession> {
    public let session: Session
    let settingsMemo: TokenMemo<Settings>
    let directoryMemo: TokenMemo<Directory>
    let counters: [OwnershipEventKind: Counter]
    /// The team's calendar, for the daily facts each event is counted in.
    public let calendar: LocalCalendar

    public init(
        _ session: Session, settings: TokenMemo<Settings>, directory: TokenMemo<Directory>, calendar: LocalCalendar,
        counters: [OwnershipEventKind: Counter] = [:]
    ) {
        self.session = session
        self.calendar = calendar
        self.settingsMemo = settings
        self.directoryMemo = directory
        self.counters = counters
    }

    var idList: String { Session.dialect.idList }

    /// The counter of each kind of ownership change (`gonghai_ownership_changes_total{kind}`),
    /// made once per store.
    public static func counters(_ metrics: (any MetricsFactory)?) -> [OwnershipEventKind: Counter] {
        guard let metrics else { return [:] }
        return Dictionary(uniqueKeysWithValues: OwnershipEventKind.allCases.filter { $0 != .create }.map { kind in
            (kind, Counter(label: "gonghai_ownership_changes_total", dimensions: [("kind", kind.rawValue)], factory: metrics))
        })
    }

    public func settings() throws -> Settings { try settingsMemo.value(session) }

    // MARK: Reads

    var reads: CustomerReads<Session> { CustomerReads(session) }

    public func customer(_ id: CustomerID) throws -> Customer? { try reads.customer(id) }

    public func requireUser(_ id: UserID) throws -> User { try reads.requireUser(id) }

    /// The current owner's name, which every user may know (it says who to talk to).
    public func ownerName(_ customer: Customer) throws -> String? {
        guard let owner = customer.ownerID else { return nil }
        return try session.fetchOne("SELECT name FROM users WHERE id = ?", [.int(owner.rawValue)]) { $0.text(0) }
    }

    /// What `actor` may see, with their collaborations on `customers`.
    public func viewer(_ actor: Actor, customers: [CustomerID] = []) throws -> Viewer {
        var collaborations: [CustomerID: CollaboratorAccess] = [:]
        if !customers.isEmpty {
            let rows = try session.fetchAll(
                "SELECT customer_id, access FROM collaborators WHERE user_id = ? AND customer_id IN (\(idList))",
                [.int(actor.userID.rawValue), SQLList.ids(customers.map(\.rawValue))]
            ) { (CustomerID($0.int64(0)), CollaboratorAccess(rawValue: $0.text(1))) }
            for (customer, access) in rows { collaborations[customer] = access }
        }
        return try Viewer.of(
            actor,
            settings: {
                let settings = try settings()
                return (settings.tree, settings.access, settings.pools.map(\.id))
            },
            users: { try directoryMemo.value(session).users.values }, collaborations: collaborations)
    }

    /// The limit that applies to `user`.
    public func effectiveLimit(for user: User) throws -> OwnerLimit {
        let settings = try settings()
        return OwnerLimits.effective(for: user.id, departments: settings.tree.ancestry(of: user.departmentID), in: settings.limits)
    }

    /// Private customers `user` owns, counted the way `limit` says.
    public func ownedCount(_ user: UserID, _ limit: OwnerLimit) throws -> Int {
        try session.fetchOne(
            "SELECT COUNT(*) FROM customers WHERE owner_id = ? AND (CAST(? AS INTEGER) = 1 OR status <> 'won')",
            [.int(user.rawValue), SQLValue(limit.countWon)]
        ) { $0.int(0) } ?? 0
    }

    /// Where a customer leaving its owner goes: the named pool, else routing.
    public func poolTarget(_ customer: Customer, explicit: PoolID?) throws -> (PoolID, RoutingReason) {
        let pools = try settings().pools
        if let explicit {
            guard let pool = pools.first(where: { $0.id == explicit }) else { throw PoolError.notFound(entity: "Pool") }
            if pool.archived { throw PoolError.invalidInput(field: "poolId", message: "the pool is archived") }
            return (explicit, .explicit)
        }
        guard let routed = PoolRouter(pools: pools).route(industry: customer.industry, region: customer.region) else {
            throw PoolError.invalidInput(field: "poolId", message: "no pool matches and no default pool is configured")
        }
        return routed
    }

    // MARK: Writes

    /// Lets `decide` turn the customer's facts into a change, applies it, hands a customer that
    /// entered an auto-assigning pool on, and returns the customer after: the whole of an
    /// ownership change inside the transaction the facts were read in.
    public func changeOwner(
        of id: CustomerID, facts: some CustomerFacts, _ decide: (any CustomerFacts) throws -> OwnershipChange
    ) throws -> Customer {
        let change = try decide(facts)
        // Read before the write, while the transaction's change tokens still hold: on
        // PostgreSQL a write makes the next settings read ask for them again.
        let destination = try change.target.poolID.flatMap { try settings().pool($0) }
        let after = try apply(change)
        if let destination, destination.rules.autoAssign != .off {
            return try autoAssign(after, in: destination, at: facts.now) ?? after
        }
        return after
    }

    /// The one conditional write every ownership change goes through, plus its event. Returns
    /// the customer as written (`RETURNING`: no second read).
    @discardableResult
    public func apply(_ change: OwnershipChange) throws -> Customer {
        let at = Timestamp.encode(change.at)
        let owner = SQLValue(change.target.ownerID?.rawValue)
        let pool = SQLValue(change.target.poolID?.rawValue)
        let expectedUpdate = SQLValue(Timestamp.encode(optional: change.expectedUpdatedAt))
        let written = try session.fetchAll(
            """
            UPDATE customers SET owner_id = ?, pool_id = ?,
              previous_owner_id = coalesce(?, previous_owner_id),
              owner_since = CASE WHEN CAST(? AS BIGINT) IS NULL THEN NULL ELSE CAST(? AS BIGINT) END,
              acquired_from_pool_id = CASE WHEN CAST(? AS BIGINT) IS NULL THEN NULL ELSE CAST(? AS BIGINT) END,
              entered_pool_at = CASE WHEN CAST(? AS BIGINT) IS NULL THEN entered_pool_at ELSE CAST(? AS BIGINT) END,
              locked = CASE WHEN CAST(? AS BIGINT) IS NULL THEN 0 ELSE locked END,
              updated_at = ?
            WHERE id = ? AND owner_id IS NOT DISTINCT FROM ? AND pool_id IS NOT DISTINCT FROM ?
              AND (CAST(? AS BIGINT) IS NULL OR updated_at = ?)
            RETURNING \(RowDecoding.customerColumns)
            """,
            [
                owner, pool, SQLValue(change.leavingOwner?.rawValue), owner, .int(at), owner, SQLValue(change.expected.poolID?.rawValue),
                pool, .int(at), owner, .int(at),
                .int(change.customerID.rawValue), SQLValue(change.expected.ownerID?.rawValue),
                SQLValue(change.expected.poolID?.rawValue), expectedUpdate, expectedUpdate,
            ], RowDecoding.customer)
        guard written.count == 1, let after = written.first else {
            let current = try customer(change.customerID)
            if change.expectedUpdatedAt != nil, current?.placement == change.expected {
                throw StaleDecision()
            }
            throw PoolError.alreadyOwned(ownerName: try current.flatMap { try ownerName($0) })
        }
        try refreshForecast(change.customerID)
        try insertEvent(
            customer: change.customerID, kind: change.kind, from: change.expected,
            to: change.target, actor: change.actorID, reason: change.reason,
            routedBy: change.routedBy, at: change.at, rule: change.ruleName,
            ruleVersion: change.ruleVersion, sweepRun: change.sweepRunID)
        counters[change.kind]?.increment()
        return after
    }

    public func insertEvent(
        customer: CustomerID, kind: OwnershipEventKind, from: Placement?,
        to: Placement, actor: UserID?, reason: String?, routedBy: RoutingReason?, at: Date,
        rule: String? = nil, ruleVersion: Int64? = nil, sweepRun: Int64? = nil
    ) throws {
        let eventID = try session.insert(
            """
            INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,
              from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [
                .int(customer.rawValue), .text(kind.rawValue), SQLValue(from?.ownerID?.rawValue), SQLValue(to.ownerID?.rawValue),
                SQLValue(from?.poolID?.rawValue), SQLValue(to.poolID?.rawValue), SQLValue(actor?.rawValue), SQLValue(reason),
                SQLValue(routedBy?.rawValue), .int(Timestamp.encode(at)), SQLValue(rule), SQLValue(ruleVersion), SQLValue(sweepRun),
            ])
        try DailyFacts(session, calendar: calendar).record(
            FactEvent(customer: customer, kind: kind, fromOwner: from?.ownerID, toOwner: to.ownerID,
                      fromPool: from?.poolID, toPool: to.poolID, at: at),
            eventID: eventID)
        try enqueueWebhooks(kind: WebhookEventKind(kind), at: at) {
            try webhookPayload(customer: customer, eventID: eventID, from: from, to: to, reason: reason, rule: rule)
        }
    }

    /// Sets the customer's forecast reclaim instant from the pools as they are in this
    /// transaction (`ReclaimForecastSQL.dueInstant`), after any write to what it depends on.
    public func refreshForecast(_ id: CustomerID) throws {
        let statement = ForecastAssignmentCache.shared.assignment(pools: try settings().pools, calendar: calendar, dialect: Session.dialect)
        try session.execute(statement.sql, statement.arguments + [.int(id.rawValue)])
    }

    /// One outbox row per active endpoint subscribed to `kind`, in the change's transaction.
    public func enqueueWebhooks(kind: WebhookEventKind, at: Date, payload makePayload: () throws -> [String: Any]) throws {
        try WebhookWrites(session).enqueue(kind: kind, at: at, payload: makePayload)
    }

    /// What a partner receives: ids and names, never contact details.
    private func webhookPayload(
        customer: CustomerID, eventID: Int64, from: Placement?, to: Placement, reason: String?, rule: String?
    ) throws -> [String: Any] {
        let name = try session.fetchOne("SELECT name FROM customers WHERE id = ?", [.int(customer.rawValue)]) { $0.text(0) } ?? ""
        func place(_ placement: Placement?) throws -> Any {
            switch placement {
            case .owned(let user)?:
                let owner = try session.fetchOne("SELECT name FROM users WHERE id = ?", [.int(user.rawValue)]) { $0.text(0) } ?? ""
                return ["ownerId": "usr_\(user.rawValue)", "owner": owner]
            case .inPool(let pool)?:
                let poolName = try session.fetchOne("SELECT name FROM pools WHERE id = ?", [.int(pool.rawValue)]) { $0.text(0) } ?? ""
                return ["poolId": "pool_\(pool.rawValue)", "pool": poolName]
            case nil: return NSNull()
            }
        }
        return [
            "eventId": "evt_\(eventID)", "customer": ["id": "cus_\(customer.rawValue)", "name": name],
            "from": try place(from), "to": try place(to), "reason": reason ?? NSNull(), "rule": rule ?? NSNull(),
        ]
    }

    /// If the customer now sits in a pool that assigns automatically, gives it to the next
    /// eligible member in the same transaction: one conditional write, so never twice.
    /// `destination`: the pool the caller just placed it into, when known; if that pool does
    /// not assign, nothing is read (the sweep reclaims 100k customers a day).
    public func autoAssign(_ id: CustomerID, into destination: Pool? = nil, at now: Date) throws {
        if let destination, destination.rules.autoAssign == .off { return }
        guard let customer = try customer(id), let poolID = customer.poolID,
            let pool = try settings().pool(poolID), pool.rules.autoAssign != .off
        else { return }
        try autoAssign(customer, in: pool, at: now)
    }

    /// Hands `customer`, which is in auto-assigning `pool`, to the next candidate; returns the
    /// customer after, or nil when no candidate has room.
    @discardableResult
    func autoAssign(_ customer: Customer, in pool: Pool, at now: Date) throws -> Customer? {
        let poolID = pool.id
        let candidates = try assignmentCandidates(pool: pool, excluding: customer.previousOwnerID)
        let cursor = try session.fetchOne("SELECT assign_cursor FROM pools WHERE id = ?", [.int(poolID.rawValue)]) { $0.optionalInt64(0) }
        guard let chosen = AutoAssigner.pick(candidates, mode: pool.rules.autoAssign, after: cursor.flatMap { $0 }.map(UserID.init)) else {
            return nil
        }
        var change = OwnershipChange(
            customerID: customer.id, kind: .assign, expected: customer.placement, target: .owned(by: chosen), actorID: nil,
            reason: "自动分配 / auto-assignment (\(pool.rules.autoAssign.rawValue))", routedBy: nil, at: now)
        change.ruleVersion = pool.ruleVersion
        let after = try apply(change)
        try session.execute("UPDATE pools SET assign_cursor = ? WHERE id = ?", [.int(chosen.rawValue), .int(poolID.rawValue)])
        try notify(user: chosen, kind: "assigned", customer: customer.id, message: "新分配客户 / assigned to you: \(customer.name)", at: now)
        return after
    }

    /// Active reps who are members of the pool, not on leave, with their free capacity.
    public func assignmentCandidates(pool: Pool, excluding: UserID?) throws -> [AutoAssigner.Candidate] {
        let settings = try settings()
        let (access, tree, limits) = (settings.access, settings.tree, settings.limits)
        let reps = try session.fetchAll(
            "SELECT \(RowDecoding.userColumns) FROM users WHERE role = 'rep' AND active = 1 AND on_leave = 0 ORDER BY id",
            RowDecoding.user)
            .filter { $0.id != excluding }
            .filter { access.isMember($0.id, role: $0.role, ancestry: tree.ancestry(of: $0.departmentID), of: pool.id) }
        guard !reps.isEmpty else { return [] }
        var owned: [UserID: (all: Int, open: Int)] = [:]
        let rows = try session.fetchAll(
            """
            SELECT owner_id, COUNT(*), SUM(CASE WHEN status <> 'won' THEN 1 ELSE 0 END) FROM customers
            WHERE owner_id IN (\(idList)) GROUP BY owner_id
            """, [SQLList.ids(reps.map(\.id.rawValue))]
        ) { (UserID($0.int64(0)), $0.int(1), $0.int(2)) }
        for (owner, total, open) in rows { owned[owner] = (total, open) }
        return reps.map { rep in
            let limit = OwnerLimits.effective(for: rep.id, departments: tree.ancestry(of: rep.departmentID), in: limits)
            let counts = owned[rep.id] ?? (0, 0)
            let used = limit.countWon ? counts.all : counts.open
            return AutoAssigner.Candidate(userID: rep.id, capacityLeft: limit.maxPrivate.map { $0 - used })
        }
    }

    /// A notification for `user`; a reclaim warning is sent once per customer and day.
    /// Returns whether it was new.
    @discardableResult
    public func notify(user: UserID, kind: String, customer: CustomerID?, message: String, dueOn: Day? = nil, at: Date) throws -> Bool {
        let inserted = try session.execute(
            """
            INSERT INTO notifications (user_id, kind, customer_id, message, due_on, created_at)
            VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
            """,
            [.int(user.rawValue), .text(kind), SQLValue(customer?.rawValue), .text(message), SQLValue(dueOn?.description), .int(Timestamp.encode(at))])
        if kind == "reclaim_warning", inserted == 1, let customer, let dueOn {
            try enqueueWebhooks(kind: .reclaimWarning, at: at) {
                let name = try session.fetchOne("SELECT name FROM customers WHERE id = ?", [.int(customer.rawValue)]) { $0.text(0) } ?? ""
                return ["customer": ["id": "cus_\(customer.rawValue)", "name": name], "ownerId": "usr_\(user.rawValue)", "reclaimOn": dueOn.description]
            }
        }
        return inserted == 1
    }
}

/// A rule's decision whose facts changed before its conditional write (e.g. a follow-up
/// arrived during the sweep): the customer is skipped, never taken.
struct StaleDecision: Error {}

extension OwnershipWrites {
    /// Activates or deactivates a user. Deactivating releases their customers to the pools
    /// (routed as any release, each with its event) and ends their collaborations; it revokes
    /// nothing else: the tokens stop working because the user is inactive.
    public func setActive(_ id: UserID, _ active: Bool, by actor: Actor, at now: Date) throws -> User {
        let people = PeopleWrites(session)
        let user = try requireUser(id)
        try session.execute("UPDATE users SET active = ? WHERE id = ?", [SQLValue(active), .int(id.rawValue)])
        try people.audit(
            actor, active ? "activate_user" : "deactivate_user", "user \(id.rawValue)",
            before: AuditText.describe(user), after: AuditText.describe(try requireUser(id)), at: Timestamp.encode(now))
        if !active && user.active {
            let owned = try session.fetchAll(
                "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id = ? ORDER BY id", [.int(id.rawValue)],
                RowDecoding.customer)
            for customer in owned {
                let (pool, routedBy) = try poolTarget(customer, explicit: nil)
                try apply(
                    OwnershipChange(
                        customerID: customer.id, kind: .release, expected: customer.placement, target: .inPool(pool),
                        actorID: actor.userID, reason: "负责人停用 / owner deactivated", routedBy: routedBy, at: now))
                try autoAssign(customer.id, at: now)
            }
            try session.execute("DELETE FROM collaborators WHERE user_id = ?", [.int(id.rawValue)])
        }
        return try requireUser(id)
    }

    public func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor, at now: Date) throws -> User {
        let before = try requireUser(id)
        try session.execute("UPDATE users SET on_leave = ? WHERE id = ?", [SQLValue(onLeave), .int(id.rawValue)])
        let after = try requireUser(id)
        try PeopleWrites(session).audit(
            actor, "set_on_leave", "user \(id.rawValue)", before: AuditText.describe(before), after: AuditText.describe(after),
            at: Timestamp.encode(now))
        return after
    }
}

extension OwnershipWrites {
    /// Sets the lock of a private customer; returns the customer after.
    public func setLocked(_ id: CustomerID, _ locked: Bool, at now: Date) throws -> Customer {
        try session.execute(
            "UPDATE customers SET locked = ?, updated_at = ? WHERE id = ? AND owner_id IS NOT NULL",
            [SQLValue(locked), .int(Timestamp.encode(now)), .int(id.rawValue)])
        try refreshForecast(id)
        guard let after = try customer(id) else { throw PoolError.notFound(entity: "Customer") }
        return after
    }

    /// Adds, changes (`access`) or removes (nil) a collaborator.
    public func setCollaborator(_ user: UserID, on id: CustomerID, access: CollaboratorAccess?, at now: Date) throws {
        if let access {
            try session.execute(
                """
                INSERT INTO collaborators (customer_id, user_id, access, added_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (customer_id, user_id) DO UPDATE SET access = excluded.access
                """, [.int(id.rawValue), .int(user.rawValue), .text(access.rawValue), .int(Timestamp.encode(now))])
        } else {
            try session.execute("DELETE FROM collaborators WHERE customer_id = ? AND user_id = ?", [.int(id.rawValue), .int(user.rawValue)])
        }
    }

    /// Records that `actor` saw a pooled customer's contact details (where they are masked).
    public func recordReveal(of customer: Customer, by actor: Actor, at now: Date) throws {
        guard customer.poolID != nil else { return }
        try session.execute(
            "INSERT INTO reveal_log (user_id, customer_id, fields, at) VALUES (?, ?, 'phone,email', ?)",
            [.int(actor.userID.rawValue), .int(customer.id.rawValue), .int(Timestamp.encode(now))])
    }
}
