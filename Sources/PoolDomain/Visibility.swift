/// Which customers a viewer may see, as data the store turns into a WHERE clause.
///
/// Keeping it a value (not SQL) lets every query path (lists, counts, single lookups,
/// duplicate reports) apply the same rule.
public enum CustomerScope: Sendable, Equatable {
    /// Everything: administrators and managers for now.
    case all
    /// The rep's own customers plus every pool customer.
    case ownOrPool(UserID)

    public static func of(_ actor: Actor) -> CustomerScope {
        actor.role.isManagerial ? .all : .ownOrPool(actor.userID)
    }

    public func contains(_ placement: Placement) -> Bool {
        switch self {
        case .all: return true
        case .ownOrPool(let user):
            switch placement {
            case .inPool: return true
            case .owned(let owner): return owner == user
            }
        }
    }
}
