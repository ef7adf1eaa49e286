/// The one place that decides whether an actor may perform an operation.
///
/// Every GraphQL field and mutation, and every store operation, asks here; nothing else
/// compares roles.
public enum AccessPolicy {
    public enum Action: String, Sendable {
        case viewCustomer, createCustomer, createPoolCustomer, updateCustomer
        case claim, release, assign, transfer, lock, unlock, addFollowUp
        case listUsers, listDepartments, listPools
    }

    /// Decides an action that does not concern one customer.
    public static func require(_ action: Action, by actor: Actor) throws {
        switch action {
        case .createPoolCustomer, .assign:
            guard actor.role.isManagerial else {
                throw PoolError.forbidden("only managers and administrators may \(action.verb)")
            }
        default:
            return
        }
    }

    /// Decides an action on one customer, given its current facts.
    public static func require(_ action: Action, by actor: Actor, on customer: Customer) throws {
        guard CustomerScope.of(actor).contains(customer.placement) else {
            throw PoolError.notFound(entity: "Customer")
        }
        let owns = customer.ownerID == actor.userID
        switch action {
        case .viewCustomer, .claim:
            return
        case .updateCustomer, .addFollowUp, .release, .transfer, .lock, .unlock:
            guard owns || actor.role.isManagerial else {
                if customer.ownerID == nil { throw PoolError.notOwner }
                throw PoolError.forbidden("only the owner or a manager may \(action.verb)")
            }
        case .assign, .createPoolCustomer:
            try require(action, by: actor)
        case .createCustomer, .listUsers, .listDepartments, .listPools:
            return
        }
    }
}

extension AccessPolicy.Action {
    var verb: String {
        switch self {
        case .addFollowUp: return "add follow-ups to this customer"
        case .createPoolCustomer: return "create customers directly in a pool"
        case .updateCustomer: return "edit this customer"
        default: return "\(rawValue) this customer"
        }
    }
}
