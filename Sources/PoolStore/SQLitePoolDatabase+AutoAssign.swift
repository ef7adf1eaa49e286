import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// If the customer now sits in a pool that assigns automatically, gives it to the next
    /// eligible member in the same transaction: one conditional write, so never twice.
    /// `destination`: the pool the caller just placed it into, when known; if that pool does
    /// not assign, nothing is read (the sweep reclaims 100k customers a day).
    func autoAssign(_ db: Database, _ id: CustomerID, into destination: Pool? = nil, at now: Date) throws {
        if let destination, destination.rules.autoAssign == .off { return }
        guard let customer = try Self.fetchCustomer(db, id), let poolID = customer.poolID,
            let pool = try settingsMemo.value(db).pool(poolID), pool.rules.autoAssign != .off
        else { return }
        let candidates = try assignmentCandidates(db, pool: pool, excluding: customer.previousOwnerID)
        let cursor = try Int64.fetchOne(db, cachedSQL: "SELECT assign_cursor FROM pools WHERE id = ?", arguments: [poolID.rawValue])
        guard let chosen = AutoAssigner.pick(candidates, mode: pool.rules.autoAssign, after: cursor.map(UserID.init)) else {
            return
        }
        var change = OwnershipChange(
            customerID: id, kind: .assign, expected: customer.placement, target: .owned(by: chosen), actorID: nil,
            reason: "自动分配 / auto-assignment (\(pool.rules.autoAssign.rawValue))", routedBy: nil, at: now)
        change.ruleVersion = pool.ruleVersion
        try apply(change, db)
        try db.execute(cachedSQL: "UPDATE pools SET assign_cursor = ? WHERE id = ?", arguments: [chosen.rawValue, poolID.rawValue])
        try notify(db, user: chosen, kind: "assigned", customer: id, message: "新分配客户 / assigned to you: \(customer.name)", at: now)
    }

    /// Active reps who are members of the pool, not on leave, with their free capacity.
    func assignmentCandidates(_ db: Database, pool: Pool, excluding: UserID?) throws -> [AutoAssigner.Candidate] {
        let settings = try settingsMemo.value(db)
        let (access, tree, limits) = (settings.access, settings.tree, settings.limits)
        let reps = try db.fetchAll(
            cachedSQL: "SELECT \(RowDecoding.userColumns) FROM users WHERE role = 'rep' AND active = 1 AND on_leave = 0 ORDER BY id",
            as: RowDecoding.user)
            .filter { $0.id != excluding }
            .filter { access.isMember($0.id, role: $0.role, ancestry: tree.ancestry(of: $0.departmentID), of: pool.id) }
        guard !reps.isEmpty else { return [] }
        var owned: [UserID: (all: Int, open: Int)] = [:]
        for row in try Row.fetchAll(
            db,
            cachedSQL: """
                SELECT owner_id, COUNT(*) AS total, SUM(status <> 'won') AS open FROM customers
                WHERE owner_id IN (SELECT value FROM json_each(?)) GROUP BY owner_id
                """, arguments: [Self.jsonIDs(reps.map(\.id.rawValue))])
        {
            owned[UserID(row["owner_id"])] = (row["total"], row["open"])
        }
        return reps.map { rep in
            let limit = OwnerLimits.effective(for: rep.id, departments: tree.ancestry(of: rep.departmentID), in: limits)
            let counts = owned[rep.id] ?? (0, 0)
            let used = limit.countWon ? counts.all : counts.open
            return AutoAssigner.Candidate(userID: rep.id, capacityLeft: limit.maxPrivate.map { $0 - used })
        }
    }

    func notify(_ db: Database, user: UserID, kind: String, customer: CustomerID?, message: String, dueOn: Day? = nil, at: Date) throws {
        try db.execute(
            cachedSQL: """
                INSERT OR IGNORE INTO notifications (user_id, kind, customer_id, message, due_on, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [user.rawValue, kind, customer?.rawValue, message, dueOn?.description, Timestamp.encode(at)])
        if kind == "reclaim_warning", db.changesCount == 1, let customer, let dueOn {
            try enqueueWebhooks(db, kind: .reclaimWarning, at: at) {
                let name = try String.fetchOne(db, cachedSQL: "SELECT name FROM customers WHERE id = ?", arguments: [customer.rawValue]) ?? ""
                return ["customer": ["id": "cus_\(customer.rawValue)", "name": name], "ownerId": "usr_\(user.rawValue)", "reclaimOn": dueOn.description]
            }
        }
    }
}
