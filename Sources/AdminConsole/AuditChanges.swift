import Foundation

/// What an audit entry changed, read from its before and after JSON: one line per field whose
/// value differs (nested objects such as rules flattened to their leaves), each field named as
/// the console names it, each value shortened to what fits a table cell.
struct AuditChanges {
    struct Change {
        /// English label (the catalogue's key), or the raw key when there is none.
        let label: String
        let known: Bool
        let before: String?
        let after: String?
    }

    let changes: [Change]

    init(before: String?, after: String?) {
        let old = Self.flatten(Self.object(before))
        let new = Self.flatten(Self.object(after))
        changes = Set(old.keys).union(new.keys).sorted().compactMap { key in
            guard old[key] != new[key] else { return nil }
            let (label, known) = Self.label(key)
            return Change(label: label, known: known, before: old[key], after: new[key])
        }
    }

    /// A JSON value as the audit log stores it.
    enum Value: Decodable {
        case null, bool(Bool), number(Double), text(String), list([Value]), object([String: Value])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let value = try? container.decode(Bool.self) { self = .bool(value) }
            else if let value = try? container.decode(Double.self) { self = .number(value) }
            else if let value = try? container.decode(String.self) { self = .text(value) }
            else if let value = try? container.decode([Value].self) { self = .list(value) }
            else { self = .object(try container.decode([String: Value].self)) }
        }
    }

    static func object(_ text: String?) -> [String: Value] {
        guard let text, case .object(let object)? = try? JSONDecoder().decode(Value.self, from: Data(text.utf8)) else { return [:] }
        return object
    }

    static func flatten(_ object: [String: Value], prefix: String = "") -> [String: String] {
        var flat: [String: String] = [:]
        for (key, value) in object {
            let path = prefix.isEmpty ? key : prefix + "." + key
            if case .object(let nested) = value {
                flat.merge(flatten(nested, prefix: path)) { $1 }
            } else {
                flat[path] = render(value)
            }
        }
        return flat
    }

    static func render(_ value: Value) -> String {
        let text: String
        switch value {
        case .null: text = "–"
        case .bool(let flag): text = flag ? "✓" : "✗"
        case .number(let number): text = number == number.rounded() && abs(number) < 1e15 ? String(Int64(number)) : String(number)
        case .text(let string): text = string
        case .list(let items): text = items.isEmpty ? "–" : items.map(render).joined(separator: "、")
        case .object: text = "…"
        }
        return text.count > 120 ? String(text.prefix(120)) + "…" : text
    }

    static let labels: [String: String] = [
        "name": "Name", "role": "Role", "department": "Department", "active": "Active", "onLeave": "On leave",
        "industries": "Industries", "regions": "Regions", "priority": "Priority", "default": "Default pool",
        "ruleVersion": "Rules version", "url": "Endpoint URL", "label": "Label", "expiresAt": "Expires", "readOnly": "Read-only",
        "pools": "Pools", "reference": "Request reference", "imported": "Imported", "rows": "Rows", "ended": "Sessions ended",
        "followUps": "Follow-ups", "eventReasons": "Reasons", "notifications": "Notifications", "webhookPayloads": "Webhook payloads",
        "cutoff": "Cutoff", "deliveries": "Webhook deliveries", "parent": "Parent department", "evaluated": "Evaluated",
        "reclaimed": "Reclaimed", "skipped": "Skipped", "failed": "Failed", "warned": "Warned", "trigger": "Trigger",
        "asOf": "As of", "maxPrivate": "Private customers at most", "maxLocked": "Locked customers at most", "countWon": "Won ones count",
        "maxClaimsPerDay": "Claims per day", "cooldownDays": "Cooldown days", "cooldownIncludesDepartment": "Cooldown binds the department",
        "embargoHours": "Embargo hours", "noFollowUpDays": "Days without follow-up", "noProgressDays": "Days without progress",
        "claimedNoFollowUpDays": "Days to first follow-up", "warningDays": "Warning days", "exemptLocked": "Exempt locked",
        "exemptWon": "Exempt won", "maskedFields": "Masked fields", "autoAssign": "Auto-assignment", "user": "User",
    ]

    /// The label of a flattened key: its last part's label (a level's rule says its level).
    static func label(_ key: String) -> (String, Bool) {
        let parts = key.split(separator: ".").map(String.init)
        guard let last = parts.last, let label = labels[last] else { return (key, false) }
        if let level = parts.firstIndex(of: "byLevel").flatMap({ parts.indices.contains($0 + 1) ? parts[$0 + 1] : nil }) {
            return ("\(level) · \(label)", true)
        }
        return (label, true)
    }

    static let actions: [String: String] = [
        "create_pool": "Created a pool", "update_pool": "Changed a pool", "set_rules": "Saved pool rules",
        "set_owner_limit": "Set an owner limit", "create_user": "Created a user", "update_user": "Changed a user",
        "activate_user": "Activated a user", "deactivate_user": "Deactivated a user", "set_on_leave": "Changed leave",
        "set_password": "Set a password", "end_sessions": "Signed a user out everywhere", "issue_token": "Issued an API token",
        "revoke_token": "Revoked an API token", "create_department": "Created a department", "update_department": "Changed a department",
        "delete_department": "Deleted a department", "register_webhook": "Registered a webhook", "enable_webhook": "Resumed a webhook",
        "disable_webhook": "Paused a webhook", "run_sweep": "Ran the sweep", "import_customers": "Imported customers",
        "erase_customer": "Erased a customer's personal data", "retention_purge": "Purged by retention",
        "archive_pool": "Archived a pool", "restore_pool": "Restored a pool",
    ]
}
