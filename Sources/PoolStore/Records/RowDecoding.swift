import Foundation
import GRDB
import PoolDomain

/// A result row read by position: SQLite's stepping statement (`Columns`) or a PostgreSQL row.
/// Both backends select the same column lists and decode them with `RowDecoding`.
public protocol ColumnReader: SendableMetatype {
    func int64(_ index: Int32) -> Int64
    func isNull(_ index: Int32) -> Bool
    func text(_ index: Int32) -> String
    /// A text column's bytes, valid until the row moves on; empty for NULL.
    func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>
    /// The same, nil for NULL: what telling NULL from empty costs one call on SQLite.
    func optionalBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>?
}

extension ColumnReader {
    public func optionalBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? { isNull(index) ? nil : bytes(index) }
    public func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
    public func int(_ index: Int32) -> Int { Int(int64(index)) }
    public func bool(_ index: Int32) -> Bool { int64(index) != 0 }
    public func optionalBool(_ index: Int32) -> Bool? { isNull(index) ? nil : bool(index) }
    public func optionalText(_ index: Int32) -> String? { isNull(index) ? nil : text(index) }
}

/// Row → domain value conversions for every table, by position in the column lists below.
public enum RowDecoding {
    public static let customerColumns = """
        id, name, phone, email, industry, region, level, source, status, deal_amount_cents,
        owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,
        last_follow_up_at, last_progress_at, updated_at, entered_pool_at
        """
    public static let customerColumnCount = columnCount(customerColumns)

    /// A row that starts with `customerColumns`, read by position.
    public static func customer<Row: ColumnReader>(_ row: Row) -> Customer {
        let placement: Placement =
            row.optionalInt64(10).map { .owned(by: UserID($0)) } ?? .inPool(PoolID(row.optionalInt64(11) ?? 0))
        return Customer(
            id: CustomerID(row.int64(0)),
            name: row.text(1),
            phone: row.optionalText(2),
            email: row.optionalText(3),
            industry: row.optionalText(4),
            region: row.optionalText(5),
            level: row.optionalText(6),
            source: row.optionalText(7),
            status: CustomerStatus(rawValue: row.text(8)) ?? .lead,
            dealAmountCents: row.optionalInt64(9),
            placement: placement,
            previousOwnerID: row.optionalInt64(12).map(UserID.init),
            locked: row.bool(13),
            createdByID: row.optionalInt64(14).map(UserID.init),
            createdAt: Timestamp.decode(row.int64(15)),
            ownerSince: Timestamp.decode(optional: row.optionalInt64(16)),
            lastFollowUpAt: Timestamp.decode(optional: row.optionalInt64(17)),
            lastProgressAt: Timestamp.decode(optional: row.optionalInt64(18)),
            updatedAt: Timestamp.decode(row.int64(19)),
            enteredPoolAt: Timestamp.decode(optional: row.optionalInt64(20)))
    }

    /// `users` columns in the order `user` reads them; qualified, so joins can select them first.
    public static let userColumns = """
        users.id, users.name, users.role, users.department_id, users.active, users.created_at, users.on_leave
        """
    public static let userColumnCount = columnCount(userColumns)

    public static func user<Row: ColumnReader>(_ row: Row) -> User {
        User(
            id: UserID(row.int64(0)),
            name: row.text(1),
            role: Role(rawValue: row.text(2)) ?? .rep,
            departmentID: row.optionalInt64(3).map(DepartmentID.init),
            active: row.bool(4),
            createdAt: Timestamp.decode(row.int64(5)),
            onLeave: row.optionalBool(6) ?? false)
    }

    public static let departmentColumns = "departments.id, departments.name, departments.parent_id"

    public static func department<Row: ColumnReader>(_ row: Row) -> Department {
        Department(
            id: DepartmentID(row.int64(0)), name: row.text(1),
            parentID: row.optionalInt64(2).map(DepartmentID.init))
    }

    /// A pool with its current rule version (`v`, joined on `pools.rule_version_id`).
    public static let poolColumns = """
        pools.id, pools.name, pools.industries, pools.regions, pools.priority, pools.is_default,
        v.version, v.rules, pools.archived_at
        """

    public static func pool<Row: ColumnReader>(_ row: Row) -> Pool {
        Pool(
            id: PoolID(row.int64(0)), name: row.text(1),
            industries: stringList(row.text(2)), regions: stringList(row.text(3)),
            priority: Int(row.int64(4)), isDefault: row.bool(5),
            rules: row.optionalText(7).map(decodeRules) ?? .standard,
            ruleVersion: row.optionalInt64(6) ?? 1, archived: row.optionalInt64(8) != nil)
    }

    /// Rules are decoded once per distinct JSON text: every request reads the pools, and
    /// decoding their rules was most of that. The text is the key, so a rule change (a new
    /// version row, possibly from another process) is simply a new entry.
    public static func decodeRules(_ json: String) -> PoolRules {
        decodedRules.value(for: json) { (try? JSONDecoder().decode(PoolRules.self, from: Data(json.utf8))) ?? .standard }
    }

    private static let decodedRules = DecodedJSON<PoolRules>()

    public static func encodeRules(_ rules: PoolRules) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(rules)) ?? Data("{}".utf8), as: UTF8.self)
    }

    public static let followUpColumns = "id, customer_id, kind, text, at, by_user_id"

    public static func followUp<Row: ColumnReader>(_ row: Row) -> FollowUp {
        FollowUp(
            id: FollowUpID(row.int64(0)), customerID: CustomerID(row.int64(1)),
            kind: FollowUpKind(rawValue: row.text(2)) ?? .note, text: row.text(3),
            at: Timestamp.decode(row.int64(4)),
            byID: row.optionalInt64(5).map(UserID.init))
    }

    public static let ownershipEventColumns = """
        id, customer_id, kind, from_owner_id, to_owner_id, from_pool_id, to_pool_id, actor_id, reason,
        routed_by, at, rule, rule_version, sweep_run_id
        """

    public static func ownershipEvent<Row: ColumnReader>(_ row: Row) -> OwnershipEvent {
        OwnershipEvent(
            id: OwnershipEventID(row.int64(0)), customerID: CustomerID(row.int64(1)),
            kind: OwnershipEventKind(rawValue: row.text(2)) ?? .create,
            fromOwnerID: row.optionalInt64(3).map(UserID.init),
            toOwnerID: row.optionalInt64(4).map(UserID.init),
            fromPoolID: row.optionalInt64(5).map(PoolID.init),
            toPoolID: row.optionalInt64(6).map(PoolID.init),
            actorID: row.optionalInt64(7).map(UserID.init),
            reason: row.optionalText(8),
            routedBy: row.optionalText(9).flatMap(RoutingReason.init(rawValue:)),
            at: Timestamp.decode(row.int64(10)),
            rule: row.optionalText(11).flatMap(ReclaimRule.init(rawValue:)),
            ruleVersion: row.optionalInt64(12), sweepRunID: row.optionalInt64(13))
    }

    /// Pools keep their industries and regions as a JSON array of strings, decoded once per
    /// distinct text for the same reason as rules.
    public static func stringList(_ json: String) -> [String] {
        if json == "[]" { return [] }
        return decodedLists.value(for: json) { (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? [] }
    }

    private static let decodedLists = DecodedJSON<[String]>()

    public static func encodeList(_ list: [String]) -> String {
        let data = (try? JSONEncoder().encode(list)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// How many columns a column list names (its commas never sit inside an expression).
    private static func columnCount(_ columns: String) -> Int {
        columns.split(separator: ",").count
    }
}

/// Values decoded from JSON texts the database holds, by text: a changed row is a new text,
/// so nothing needs invalidating; bounded by starting over when full.
/// An `NSLock`, as elsewhere in the project: ThreadSanitizer (in CI) sees through it.
final class DecodedJSON<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var values: [String: Value] = [:]

    func value(for json: String, decode: () -> Value) -> Value {
        if let known = lock.withLock({ values[json] }) { return known }
        let value = decode()
        lock.withLock {
            if values.count >= 512 { values.removeAll() }
            values[json] = value
        }
        return value
    }
}

extension RowDecoding {
    /// `id, user_id, kind, customer_id, message, due_on, created_at, read_at` of `notifications`.
    public static func notification<Row: ColumnReader>(_ row: Row) -> UserNotification {
        UserNotification(
            id: row.int64(0), userID: UserID(row.int64(1)), kind: UserNotification.Kind(rawValue: row.text(2)) ?? .assigned,
            customerID: row.optionalInt64(3).map(CustomerID.init), message: row.text(4),
            dueOn: row.optionalText(5).flatMap(Day.init), createdAt: Timestamp.decode(row.int64(6)),
            readAt: Timestamp.decode(optional: row.optionalInt64(7)))
    }
}
