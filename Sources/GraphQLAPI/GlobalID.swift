import PoolDomain

/// Ids as clients see them: a kind prefix and the row id (`cus_42`, `usr_7`), so an id of the
/// wrong kind is refused with INVALID_ID instead of silently naming another record.
public enum GlobalID {
    public enum Kind: String, Sendable {
        case customer = "cus"
        case user = "usr"
        case pool = "pool"
        case department = "dep"
        case followUp = "fu"
        case event = "evt"
        case notification = "ntf"
        case sweepRun = "run"
        case webhook = "wh"
        case delivery = "dlv"
        case token = "tok"
        case access = "acc"
    }

    public static func encode(_ id: CustomerID) -> String { "cus_\(id.rawValue)" }
    public static func encode(_ id: UserID) -> String { "usr_\(id.rawValue)" }
    public static func encode(_ id: PoolID) -> String { "pool_\(id.rawValue)" }
    public static func encode(_ id: DepartmentID) -> String { "dep_\(id.rawValue)" }
    public static func encode(_ id: FollowUpID) -> String { "fu_\(id.rawValue)" }
    public static func encode(_ id: OwnershipEventID) -> String { "evt_\(id.rawValue)" }

    public static func decode(_ text: String, as kind: Kind, field: String) throws -> Int64 {
        let prefix = kind.rawValue + "_"
        guard text.hasPrefix(prefix), let value = Int64(text.dropFirst(prefix.count)), value > 0,
            text.count <= 24
        else {
            throw APIError(
                .invalidID, "\(field): \"\(text.prefix(40))\" is not a \(kindName(kind)) id (like \(prefix)42).",
                extensions: ["field": .string(field)])
        }
        return value
    }

    private static func kindName(_ kind: Kind) -> String {
        switch kind {
        case .customer: return "customer"
        case .user: return "user"
        case .pool: return "pool"
        case .department: return "department"
        case .followUp: return "follow-up"
        case .event: return "event"
        case .notification: return "notification"
        case .sweepRun: return "sweep run"
        case .webhook: return "webhook"
        case .delivery: return "delivery"
        case .token: return "API token"
        case .access: return "access record"
        }
    }
}
