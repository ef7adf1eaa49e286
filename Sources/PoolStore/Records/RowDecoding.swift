import Synchronization
import Foundation
import GRDB
import PoolDomain

/// Row → domain value conversions, by column name, for every table.
enum RowDecoding {
    static let customerColumns = """
        id, name, phone, email, industry, region, level, source, status, deal_amount_cents,
        owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,
        last_follow_up_at, last_progress_at, updated_at, entered_pool_at
        """

    /// A row that starts with `customerColumns`, read by position: looking columns up by name
    /// (case-insensitively, per value) cost more than SQLite's own work for a page of customers.
    static func customer(_ row: Row) -> Customer {
        assert(Array(row.columnNames.prefix(3)) == ["id", "name", "phone"], "select customerColumns first")
        let ownerID: Int64? = row[10]
        let poolID: Int64? = row[11]
        let placement: Placement =
            ownerID.map { .owned(by: UserID($0)) } ?? .inPool(PoolID(poolID ?? 0))
        return Customer(
            id: CustomerID(row[0]),
            name: row[1],
            phone: row[2],
            email: row[3],
            industry: row[4],
            region: row[5],
            level: row[6],
            source: row[7],
            status: CustomerStatus(rawValue: row[8]) ?? .lead,
            dealAmountCents: row[9],
            placement: placement,
            previousOwnerID: (row[12] as Int64?).map(UserID.init),
            locked: row[13],
            createdByID: (row[14] as Int64?).map(UserID.init),
            createdAt: Timestamp.decode(row[15] as Int64),
            ownerSince: Timestamp.decode(optional: row[16]),
            lastFollowUpAt: Timestamp.decode(optional: row[17]),
            lastProgressAt: Timestamp.decode(optional: row[18]),
            updatedAt: Timestamp.decode(row[19] as Int64),
            enteredPoolAt: Timestamp.decode(optional: row[20]))
    }

    static func user(_ row: Row) -> User {
        User(
            id: UserID(row["id"]),
            name: row["name"],
            role: Role(rawValue: row["role"]) ?? .rep,
            departmentID: (row["department_id"] as Int64?).map(DepartmentID.init),
            active: row["active"],
            createdAt: Timestamp.decode(row["created_at"] as Int64),
            onLeave: row["on_leave"] ?? false)
    }

    static func department(_ row: Row) -> Department {
        Department(
            id: DepartmentID(row["id"]), name: row["name"],
            parentID: (row["parent_id"] as Int64?).map(DepartmentID.init))
    }

    static func pool(_ row: Row) -> Pool {
        Pool(
            id: PoolID(row["id"]), name: row["name"],
            industries: stringList(row["industries"]), regions: stringList(row["regions"]),
            priority: row["priority"], isDefault: row["is_default"],
            rules: (row["rules_json"] as String?).map(decodeRules) ?? .standard,
            ruleVersion: row["rule_version"] ?? 1)
    }

    /// Rules are decoded once per distinct JSON text: every request reads the pools, and
    /// decoding their rules was most of that. The text is the key, so a rule change (a new
    /// version row, possibly from another process) is simply a new entry.
    static func decodeRules(_ json: String) -> PoolRules {
        if let known = decodedRules.withLock({ $0[json] }) { return known }
        let rules = (try? JSONDecoder().decode(PoolRules.self, from: Data(json.utf8))) ?? .standard
        decodedRules.withLock { cache in
            if cache.count >= 512 { cache.removeAll() }
            cache[json] = rules
        }
        return rules
    }

    private static let decodedRules = Mutex<[String: PoolRules]>([:])

    static func encodeRules(_ rules: PoolRules) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(rules)) ?? Data("{}".utf8), as: UTF8.self)
    }

    static func followUp(_ row: Row) -> FollowUp {
        FollowUp(
            id: FollowUpID(row["id"]), customerID: CustomerID(row["customer_id"]),
            kind: FollowUpKind(rawValue: row["kind"]) ?? .note, text: row["text"],
            at: Timestamp.decode(row["at"] as Int64),
            byID: (row["by_user_id"] as Int64?).map(UserID.init))
    }

    static func ownershipEvent(_ row: Row) -> OwnershipEvent {
        OwnershipEvent(
            id: OwnershipEventID(row["id"]), customerID: CustomerID(row["customer_id"]),
            kind: OwnershipEventKind(rawValue: row["kind"]) ?? .create,
            fromOwnerID: (row["from_owner_id"] as Int64?).map(UserID.init),
            toOwnerID: (row["to_owner_id"] as Int64?).map(UserID.init),
            fromPoolID: (row["from_pool_id"] as Int64?).map(PoolID.init),
            toPoolID: (row["to_pool_id"] as Int64?).map(PoolID.init),
            actorID: (row["actor_id"] as Int64?).map(UserID.init),
            reason: row["reason"],
            routedBy: (row["routed_by"] as String?).flatMap(RoutingReason.init(rawValue:)),
            at: Timestamp.decode(row["at"] as Int64),
            rule: (row["rule"] as String?).flatMap(ReclaimRule.init(rawValue:)),
            ruleVersion: row["rule_version"], sweepRunID: row["sweep_run_id"])
    }

    static func notification(_ row: Row) -> UserNotification {
        UserNotification(
            id: row["id"], userID: UserID(row["user_id"]),
            kind: UserNotification.Kind(rawValue: row["kind"]) ?? .assigned,
            customerID: (row["customer_id"] as Int64?).map(CustomerID.init), message: row["message"],
            dueOn: (row["due_on"] as String?).flatMap(Day.init), createdAt: Timestamp.decode(row["created_at"] as Int64),
            readAt: Timestamp.decode(optional: row["read_at"]))
    }

    /// Pools keep their industries and regions as a JSON array of strings.
    static func stringList(_ json: String) -> [String] {
        guard let data = json.data(using: .utf8),
            let list = try? JSONDecoder().decode([String].self, from: data)
        else { return [] }
        return list
    }

    static func encodeList(_ list: [String]) -> String {
        let data = (try? JSONEncoder().encode(list)) ?? Data("[]".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}
