import Foundation
import PoolDomain

/// Pools whose phone or e-mail are masked: text search must not match masked values, or a
/// search would reveal them one digit at a time.
public struct MaskedPools: Sendable {
    public let phone: [Int64]
    public let email: [Int64]

    public static let none = MaskedPools(phone: [], email: [])

    public init(phone: [Int64], email: [Int64]) {
        self.phone = phone
        self.email = email
    }

    /// Only a text search needs them (see `CustomerQueries.conditions`).
    public init(_ filter: CustomerFilter, pools: () throws -> [Pool]) rethrows {
        guard filter.text != nil else {
            self = .none
            return
        }
        let pools = try pools()
        phone = pools.filter { $0.rules.maskedFields.contains(.phone) }.map(\.id.rawValue)
        email = pools.filter { $0.rules.maskedFields.contains(.email) }.map(\.id.rawValue)
    }
}

/// Customer lists and their related rows, the same on both backends. Every value is bound,
/// never spliced; a scope (what a viewer may see) is a condition of the query itself.
public struct CustomerQueries<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    private var dialect: SQLDialect { Session.dialect }

    /// One keyset page in the query's order, plus one row to tell whether another page follows.
    public func page(_ query: CustomerQuery, masked: MaskedPools) throws -> CustomerPage {
        let statement = pageStatement(query, masked: masked, selecting: "\(RowDecoding.customerColumns), \(Self.orderKey(query.order)) AS sort_key")
        let sortKey = Int32(RowDecoding.customerColumnCount)
        let byName = query.order.field == .name
        let rows = try session.fetchAll(statement) { row in
            (customer: RowDecoding.customer(row), key: byName ? CustomerCursor.Key.text(row.text(sortKey)) : .integer(row.int64(sortKey)))
        }
        let visible = rows.prefix(query.first)
        return CustomerPage(
            customers: visible.map(\.customer),
            cursors: visible.map { CustomerCursor(order: query.order, key: $0.key, id: $0.customer.id) },
            hasNextPage: rows.count > query.first)
    }

    /// `SELECT columns` of one keyset page in the query's order and scope, plus one row to tell
    /// whether another page follows (`CustomerRowQueries` selects other columns).
    func pageStatement(_ query: CustomerQuery, masked: MaskedPools, selecting columns: String) -> SQLFragment {
        var conditions = conditions(query.filter, scope: query.scope, masked: masked)
        if let after = query.after { conditions.append(Self.keyset(after, order: query.order)) }
        // Written into one string with room for it: every page of every caller builds it.
        var sql = "SELECT "
        sql.reserveCapacity(columns.utf8.count + conditions.reduce(0) { $0 + $1.sql.utf8.count + 5 } + 80)
        sql += columns
        sql += " FROM customers WHERE "
        var arguments: [SQLValue] = []
        if conditions.isEmpty { sql += "1 = 1" }
        for (index, condition) in conditions.enumerated() {
            if index > 0 { sql += " AND " }
            sql += condition.sql
            arguments += condition.arguments
        }
        sql += query.order.descending ? "\nORDER BY sort_key DESC, id DESC LIMIT ?" : "\nORDER BY sort_key ASC, id ASC LIMIT ?"
        arguments.append(.int(Int64(query.first + 1)))
        return SQLFragment(sql, arguments)
    }

    /// How many customers the filter matches in the scope: from the tallies when they can
    /// answer, counted otherwise, and then only up to `atMost` when given.
    public func count(_ filter: CustomerFilter, scope: CustomerScope, masked: MaskedPools, atMost: Int? = nil) throws -> Int {
        let statement: SQLFragment
        if let tallied = Self.tallyConditions(filter, scope: scope) {
            statement = "SELECT coalesce(SUM(customers), 0) FROM customer_tallies WHERE " + SQLFragment.all(tallied)
        } else {
            let matching = SQLFragment.all(conditions(filter, scope: scope, masked: masked))
            statement = atMost.map { SQLFragment("SELECT COUNT(*) FROM (SELECT 1 FROM customers WHERE ") + matching
                + SQLFragment(" LIMIT ?) AS capped", [.int(Int64($0))]) } ?? "SELECT COUNT(*) FROM customers WHERE " + matching
        }
        let count = try session.fetchAll(statement) { $0.int(0) }.first ?? 0
        return atMost.map { min(count, $0) } ?? count
    }

    /// Ownership events after `id`, oldest first, of customers in `scope` (the feed).
    public func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent] {
        let visible = SQLFragment.all(conditions(CustomerFilter(), scope: scope, masked: .none))
        let statement = SQLFragment(
            "SELECT \(RowDecoding.ownershipEventColumns) FROM ownership_events WHERE id > ? AND customer_id IN (SELECT id FROM customers WHERE ",
            [.int(id)]) + visible + SQLFragment(") ORDER BY id LIMIT ?", [.int(Int64(first))])
        return try session.fetchAll(statement, RowDecoding.ownershipEvent)
    }

    public func liveCursor() throws -> LiveCursor {
        try session.fetchOne(
            "SELECT (SELECT coalesce(max(id), 0) FROM ownership_events), (SELECT coalesce(max(id), 0) FROM notifications)"
        ) { LiveCursor(events: $0.int64(0), warnings: $0.int64(1)) } ?? LiveCursor(events: 0, warnings: 0)
    }

    public func liveChanges(after cursor: LiveCursor, first: Int) throws -> (events: [OwnershipEvent], warnings: [UserNotification]) {
        let events = try session.fetchAll(
            "SELECT \(RowDecoding.ownershipEventColumns) FROM ownership_events WHERE id > ? ORDER BY id LIMIT ?",
            [.int(cursor.events), .int(Int64(first))], RowDecoding.ownershipEvent)
        let warnings = try session.fetchAll(
            """
            SELECT id, user_id, kind, customer_id, message, due_on, created_at, read_at FROM notifications
            WHERE id > ? AND kind = 'reclaim_warning' ORDER BY id LIMIT ?
            """, [.int(cursor.warnings), .int(Int64(first))], RowDecoding.notification)
        return (events, warnings)
    }

    /// Each customer's ownership history, oldest first.
    public func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]] {
        guard !ids.isEmpty else { return [:] }
        let events = try session.fetchAll(
            "SELECT \(RowDecoding.ownershipEventColumns) FROM ownership_events WHERE customer_id IN (\(dialect.idList)) ORDER BY customer_id, id",
            [SQLList.ids(ids.map(\.rawValue))], RowDecoding.ownershipEvent)
        return Dictionary(grouping: events, by: \.customerID)
    }

    /// The newest follow-ups of each customer, newest first, at most `limitEach` per customer.
    public func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]] {
        guard !ids.isEmpty, limitEach > 0 else { return [:] }
        let followUps = try session.fetchAll(
            """
            SELECT \(RowDecoding.followUpColumns) FROM (
              SELECT follow_ups.*, row_number() OVER (PARTITION BY customer_id ORDER BY at DESC, id DESC) AS rank
              FROM follow_ups WHERE customer_id IN (\(dialect.idList))
            ) ranked WHERE rank <= ? ORDER BY customer_id, at DESC, id DESC
            """, [SQLList.ids(ids.map(\.rawValue)), .int(Int64(limitEach))], RowDecoding.followUp)
        return Dictionary(grouping: followUps, by: \.customerID)
    }

    public func collaborators(of ids: [CustomerID]) throws -> [CustomerID: [(UserID, CollaboratorAccess)]] {
        guard !ids.isEmpty else { return [:] }
        var result: [CustomerID: [(UserID, CollaboratorAccess)]] = [:]
        let rows = try session.fetchAll(
            "SELECT customer_id, user_id, access FROM collaborators WHERE customer_id IN (\(dialect.idList)) ORDER BY customer_id, added_at",
            [SQLList.ids(ids.map(\.rawValue))]) { row in
                (CustomerID(row.int64(0)), UserID(row.int64(1)), CollaboratorAccess(rawValue: row.text(2)) ?? .read)
            }
        for (customer, user, access) in rows { result[customer, default: []].append((user, access)) }
        return result
    }

    /// Private customers, optionally of one owner, for forecasts.
    public func privateCustomers(ownedBy owner: UserID?) throws -> [Customer] {
        guard let owner else {
            return try session.fetchAll(
                "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id IS NOT NULL ORDER BY id", RowDecoding.customer)
        }
        return try session.fetchAll(
            "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id = ? ORDER BY id", [.int(owner.rawValue)], RowDecoding.customer)
    }

    /// One bounded batch of private customers by id: sweeps and previews never hold them all.
    public func privateCustomers(after id: Int64, limit: Int) throws -> [Customer] {
        try session.fetchAll(
            "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?",
            [.int(id), .int(Int64(limit))], RowDecoding.customer)
    }

    // MARK: Conditions

    public func conditions(_ filter: CustomerFilter, scope: CustomerScope, masked: MaskedPools) -> [SQLFragment] {
        var parts: [SQLFragment] = []
        if case .restricted(let owners, let pools, let collaborator) = scope {
            parts.append(
                SQLFragment(
                    """
                    (owner_id IN (\(dialect.idList)) OR pool_id IN (\(dialect.idList))
                     OR id IN (SELECT customer_id FROM collaborators WHERE user_id = ?))
                    """,
                    [SQLList.ids(owners.map(\.rawValue).sorted()), SQLList.ids(pools.map(\.rawValue).sorted()), .int(collaborator?.rawValue ?? 0)]))
        }
        if let pool = filter.poolID { parts.append(SQLFragment("pool_id = ?", [.int(pool.rawValue)])) }
        if let owner = filter.ownerID { parts.append(SQLFragment("owner_id = ?", [.int(owner.rawValue)])) }
        if let inPool = filter.inPool { parts.append(SQLFragment(inPool ? "owner_id IS NULL" : "owner_id IS NOT NULL")) }
        if let industry = filter.industry { parts.append(SQLFragment("industry = ?", [.text(industry)])) }
        if let region = filter.region { parts.append(SQLFragment("region = ?", [.text(region)])) }
        if let statuses = filter.statuses {
            parts.append(SQLFragment("status IN (\(dialect.textList))", [SQLList.texts(statuses.map(\.rawValue))]))
        }
        if let text = filter.text?.trimmingWhitespace(), !text.isEmpty { parts.append(CustomerSearch(text: text, masked: masked, dialect: dialect).condition) }
        if let before = filter.followUpBefore { parts.append(SQLFragment("last_follow_up_at < ?", [.int(Timestamp.encode(before))])) }
        if let after = filter.followUpAfter { parts.append(SQLFragment("last_follow_up_at >= ?", [.int(Timestamp.encode(after))])) }
        return parts
    }

    /// The same filter over `customer_tallies`, when the tallies can answer it: a viewer who sees
    /// every customer, and conditions on the pool, pool-or-private, and non-empty industry and
    /// region only ('' in the tallies also stands for a missing value, and pool 0 for private).
    static func tallyConditions(_ filter: CustomerFilter, scope: CustomerScope) -> [SQLFragment]? {
        guard scope == .all, filter.ownerID == nil, filter.statuses == nil, filter.text == nil,
            filter.followUpBefore == nil, filter.followUpAfter == nil,
            filter.industry?.isEmpty != true, filter.region?.isEmpty != true,
            (filter.poolID?.rawValue ?? 1) > 0
        else { return nil }
        var parts: [SQLFragment] = []
        if let industry = filter.industry { parts.append(SQLFragment("industry = ?", [.text(industry)])) }
        if let region = filter.region { parts.append(SQLFragment("region = ?", [.text(region)])) }
        if let pool = filter.poolID { parts.append(SQLFragment("pool_id = ?", [.int(pool.rawValue)])) }
        if let inPool = filter.inPool { parts.append(SQLFragment(inPool ? "pool_id <> 0" : "pool_id = 0")) }
        return parts
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

    static func keyset(_ cursor: CustomerCursor, order: CustomerOrder) -> SQLFragment {
        let key = orderKey(order)
        let op = order.descending ? "<" : ">"
        let value: SQLValue
        switch cursor.key {
        case .integer(let number): value = .int(number)
        case .text(let text): value = .text(text)
        }
        // A row comparison, which both databases read as one range of the (key, id) index;
        // PostgreSQL cannot for the equivalent OR, and read every page from the list's start
        // (an export of a million customers took minutes).
        return SQLFragment("((\(key), id) \(op) (?, ?))", [value, .int(cursor.id.rawValue)])
    }
}
