import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func customers(ids: [CustomerID]) throws -> [CustomerID: Customer] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in try Self.fetchCustomers(db, ids: ids) }
    }

    static func fetchCustomers(_ db: Database, ids: [CustomerID]) throws -> [CustomerID: Customer] {
        try CustomerReads(db).customers(ids: ids)
    }

    static func fetchCustomer(_ db: Database, _ id: CustomerID) throws -> Customer? {
        try CustomerReads(db).customer(id)
    }

    public func customerPage(_ query: CustomerQuery) throws -> CustomerPage {
        let order = CustomerSQL.orderKey(query.order)
        var conditions = CustomerSQL.conditions(query.filter, scope: query.scope, masked: try maskedPools(query.filter))
        if let after = query.after {
            conditions.append(CustomerSQL.keyset(after, order: query.order))
        }
        let direction = query.order.descending ? "DESC" : "ASC"
        let sql: SQL = """
            SELECT \(sql: RowDecoding.customerColumns), \(sql: order) AS sort_key FROM customers
            WHERE \(CustomerSQL.joined(conditions))
            ORDER BY sort_key \(sql: direction), id \(sql: direction)
            LIMIT \(query.first + 1)
            """
        let sortKey = Int32(RowDecoding.customerColumnCount)
        let rows = try read { db in
            try db.fetchAll(sql) { row in
                (customer: RowDecoding.customer(row), key: CustomerSQL.cursorKey(row.value(sortKey), query.order))
            }
        }
        let visible = rows.prefix(query.first)
        return CustomerPage(
            customers: visible.map(\.customer),
            cursors: visible.map { CustomerCursor(order: query.order, key: $0.key, id: $0.customer.id) },
            hasNextPage: rows.count > query.first)
    }

    public func countCustomers(_ filter: CustomerFilter, scope: CustomerScope) throws -> Int {
        if let tallied = CustomerSQL.tallyConditions(filter, scope: scope) {
            let sql: SQL = "SELECT ifnull(SUM(customers), 0) FROM customer_tallies WHERE \(CustomerSQL.joined(tallied))"
            return try read { db in try SQLRequest<Int>(literal: sql, cached: true).fetchOne(db) ?? 0 }
        }
        let conditions = CustomerSQL.conditions(filter, scope: scope, masked: try maskedPools(filter))
        let sql: SQL = "SELECT COUNT(*) FROM customers WHERE \(CustomerSQL.joined(conditions))"
        return try read { db in try SQLRequest<Int>(literal: sql, cached: true).fetchOne(db) ?? 0 }
    }

    public func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws
        -> Customer
    {
        let draft = try draft.validated()
        let now = clock.now()
        return try writeTransaction { db in
            try requireNoDuplicate(db, draft.duplicateKeys, except: nil, viewer: try viewer(db, actor))
            let placement: Placement
            if let intoPool {
                guard try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM pools WHERE id = ?", arguments: [intoPool.rawValue]) != nil else {
                    throw PoolError.notFound(entity: "Pool")
                }
                placement = .inPool(intoPool)
            } else {
                placement = .owned(by: actor.userID)
            }
            let id = try insertCustomer(db, draft, placement: placement, createdBy: actor.userID, at: now)
            try insertEvent(
                db, customer: id, kind: .create, from: nil, to: placement, actor: actor.userID,
                reason: nil, routedBy: intoPool == nil ? nil : .explicit, at: now)
            try autoAssign(db, id, at: now)
            return try Self.fetchCustomer(db, id)!
        }
    }

    /// Saves the draft once `check` allows it; a duplicate is refused (told as far as the
    /// acting user may see it).
    public func updateCustomer(
        _ id: CustomerID, _ draft: CustomerDraft, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        let draft = try draft.validated()
        return try withFacts(of: id, by: actor) { db, facts in
            let (customer, viewer) = (facts.customer, facts.viewer)
            let now = Timestamp.encode(facts.now)
            try check(facts)
            try requireNoDuplicate(db, draft.duplicateKeys, except: id, viewer: viewer)
            let keys = draft.duplicateKeys
            let progressed = draft.status != customer.status
            try db.execute(
                cachedSQL: """
                    UPDATE customers SET name = ?, name_key = ?, phone = ?, phone_key = ?, email = ?,
                      email_key = ?, industry = ?, region = ?, level = ?, source = ?, status = ?,
                      deal_amount_cents = ?, updated_at = ?,
                      last_progress_at = CASE WHEN ? THEN ? ELSE last_progress_at END
                    WHERE id = ?
                    """,
                arguments: [
                    draft.name, keys.name, draft.phone, keys.phone, draft.email, keys.email,
                    draft.industry, draft.region, draft.level, draft.source, draft.status.rawValue,
                    draft.dealAmountCents, now, progressed, now, id.rawValue,
                ])
            return try Self.fetchCustomer(db, id)!
        }
    }

    public func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch? {
        try read { db in
            do {
                try requireNoDuplicate(db, draft.duplicateKeys, except: nil, viewer: try viewer(db, actor))
                return nil
            } catch PoolError.duplicate(let match) {
                return match
            }
        }
    }

    func insertCustomer(
        _ db: Database, _ draft: CustomerDraft, placement: Placement, createdBy: UserID?, at: Date
    ) throws -> CustomerID {
        let keys = draft.duplicateKeys
        let now = Timestamp.encode(at)
        try db.execute(
            cachedSQL: """
                INSERT INTO customers (name, name_key, phone, phone_key, email, email_key, industry,
                  region, level, source, status, deal_amount_cents, owner_id, pool_id, created_by,
                  created_at, owner_since, last_progress_at, updated_at, entered_pool_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                draft.name, keys.name, draft.phone, keys.phone, draft.email, keys.email,
                draft.industry, draft.region, draft.level, draft.source, draft.status.rawValue,
                draft.dealAmountCents, placement.ownerID?.rawValue, placement.poolID?.rawValue,
                createdBy?.rawValue, now, placement.ownerID == nil ? nil : now, now, now,
                placement.poolID == nil ? nil : now,
            ])
        return CustomerID(db.lastInsertedRowID)
    }

    /// Refuses a second record of a customer, saying where the first one is only as far as the
    /// viewer may see: its id only if visible, the owner's or pool's name otherwise.
    func requireNoDuplicate(
        _ db: Database, _ keys: DuplicateKeys, except: CustomerID?, viewer: Viewer
    ) throws {
        let probes: [(DuplicateMatch.Field, String, String?)] = [
            (.name, "name_key", keys.name), (.phone, "phone_key", keys.phone),
            (.email, "email_key", keys.email),
        ]
        for (field, column, value) in probes {
            guard let value else { continue }
            let row = try Row.fetchOne(
                db,
                cachedSQL: """
                    SELECT customers.id, customers.owner_id, customers.pool_id,
                      users.name AS owner_name, pools.name AS pool_name
                    FROM customers LEFT JOIN users ON users.id = customers.owner_id
                      LEFT JOIN pools ON pools.id = customers.pool_id
                    WHERE customers.\(column) = ? AND customers.id IS NOT ?
                    """, arguments: [value, except?.rawValue])
            guard let row else { continue }
            let ownerID: Int64? = row["owner_id"]
            let placement: Placement =
                ownerID.map { .owned(by: UserID($0)) } ?? .inPool(PoolID(row["pool_id"]))
            let collaborates = try Row.fetchOne(
                db, cachedSQL: "SELECT 1 FROM collaborators WHERE customer_id = ? AND user_id = ?",
                arguments: [row["id"] as Int64, viewer.actor.userID.rawValue]) != nil
            let visible = viewer.scope.contains(placement) || collaborates
            throw PoolError.duplicate(
                DuplicateMatch(
                    field: field, customerID: visible ? CustomerID(row["id"]) : nil,
                    ownerName: row["owner_name"], poolName: row["pool_name"]))
        }
    }

    /// Pools whose phone or e-mail are masked: text search must not match masked values, or a
    /// search would reveal them one digit at a time.
    func maskedPools(_ filter: CustomerFilter) throws -> MaskedPools {
        guard filter.text != nil else { return MaskedPools(phone: [], email: []) }
        let pools = try self.pools()
        return MaskedPools(
            phone: pools.filter { $0.rules.maskedFields.contains(.phone) }.map(\.id.rawValue),
            email: pools.filter { $0.rules.maskedFields.contains(.email) }.map(\.id.rawValue))
    }
}

struct MaskedPools {
    let phone: [Int64]
    let email: [Int64]
}

/// The SQL fragments of customer queries. Every value is bound, never spliced.
enum CustomerSQL {
    static func conditions(_ filter: CustomerFilter, scope: CustomerScope, masked: MaskedPools) -> [SQL] {
        var parts: [SQL] = []
        switch scope {
        case .all: break
        case .restricted(let owners, let pools, let collaborator):
            let ownerList = SQLitePoolDatabase.jsonIDs(owners.map(\.rawValue).sorted())
            let poolList = SQLitePoolDatabase.jsonIDs(pools.map(\.rawValue).sorted())
            parts.append(
                """
                (owner_id IN (SELECT value FROM json_each(\(ownerList)))
                 OR pool_id IN (SELECT value FROM json_each(\(poolList)))
                 OR id IN (SELECT customer_id FROM collaborators WHERE user_id = \(collaborator?.rawValue ?? 0)))
                """)
        }
        if let pool = filter.poolID { parts.append("pool_id = \(pool.rawValue)") }
        if let owner = filter.ownerID { parts.append("owner_id = \(owner.rawValue)") }
        if let inPool = filter.inPool { parts.append(inPool ? "owner_id IS NULL" : "owner_id IS NOT NULL") }
        if let industry = filter.industry { parts.append("industry = \(industry)") }
        if let region = filter.region { parts.append("region = \(region)") }
        if let statuses = filter.statuses {
            let list = "[" + statuses.map { "\"\($0.rawValue)\"" }.joined(separator: ",") + "]"
            parts.append("status IN (SELECT value FROM json_each(\(list)))")
        }
        if let text = filter.text?.trimmingWhitespace(), !text.isEmpty {
            let pattern = "%" + escapeLike(text.lowercased()) + "%"
            let maskedEmail = SQLitePoolDatabase.jsonIDs(masked.email)
            var clause: SQL = """
                (lower(name) LIKE \(pattern) ESCAPE '\\'
                 OR (email_key LIKE \(pattern) ESCAPE '\\'
                     AND (pool_id IS NULL OR pool_id NOT IN (SELECT value FROM json_each(\(maskedEmail)))))
                """
            if let digits = DuplicateKeys.normalizePhone(text) {
                let maskedPhone = SQLitePoolDatabase.jsonIDs(masked.phone)
                clause += """
                     OR (phone_key LIKE \("%" + digits + "%")
                     AND (pool_id IS NULL OR pool_id NOT IN (SELECT value FROM json_each(\(maskedPhone)))))
                    """
            }
            parts.append(clause + ")")
        }
        if let before = filter.followUpBefore {
            parts.append("last_follow_up_at < \(Timestamp.encode(before))")
        }
        if let after = filter.followUpAfter {
            parts.append("last_follow_up_at >= \(Timestamp.encode(after))")
        }
        return parts
    }

    /// The same filter over `customer_tallies`, when the tallies can answer it: a viewer who sees
    /// every customer, and conditions on the pool, pool-or-private, and non-empty industry and
    /// region only ('' in the tallies also stands for a missing value, and pool 0 for private).
    static func tallyConditions(_ filter: CustomerFilter, scope: CustomerScope) -> [SQL]? {
        guard scope == .all, filter.ownerID == nil, filter.statuses == nil, filter.text == nil,
            filter.followUpBefore == nil, filter.followUpAfter == nil,
            filter.industry?.isEmpty != true, filter.region?.isEmpty != true,
            (filter.poolID?.rawValue ?? 1) > 0
        else { return nil }
        var parts: [SQL] = []
        if let industry = filter.industry { parts.append("industry = \(industry)") }
        if let region = filter.region { parts.append("region = \(region)") }
        if let pool = filter.poolID { parts.append("pool_id = \(pool.rawValue)") }
        if let inPool = filter.inPool { parts.append(inPool ? "pool_id <> 0" : "pool_id = 0") }
        return parts
    }

    static func joined(_ conditions: [SQL]) -> SQL {
        conditions.isEmpty ? "1" : conditions.joined(separator: " AND ")
    }

    /// The expression each order sorts by; NULL follow-ups sort as the oldest.
    static func orderKey(_ order: CustomerOrder) -> String {
        switch order.field {
        case .createdAt: return "created_at"
        case .updatedAt: return "updated_at"
        case .name: return "name"
        case .lastFollowUpAt: return "coalesce(last_follow_up_at, -1)"
        }
    }

    static func keyset(_ cursor: CustomerCursor, order: CustomerOrder) -> SQL {
        let key = orderKey(order)
        let op = order.descending ? "<" : ">"
        let value: SQL
        switch cursor.key {
        case .integer(let number): value = "\(number)"
        case .text(let text): value = "\(text)"
        }
        return "(\(sql: key) \(sql: op) \(value) OR (\(sql: key) = \(value) AND id \(sql: op) \(cursor.id.rawValue)))"
    }

    static func cursorKey(_ value: DatabaseValue, _ order: CustomerOrder) -> CustomerCursor.Key {
        if order.field == .name { return .text(String.fromDatabaseValue(value) ?? "") }
        return .integer(Int64.fromDatabaseValue(value) ?? 0)
    }

    static func escapeLike(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }
}
