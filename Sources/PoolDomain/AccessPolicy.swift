/// The one place that decides whether a viewer may perform an operation.
///
/// Every GraphQL field and mutation, and every store operation, asks here; nothing else
/// compares roles.
public enum AccessPolicy {
    public enum Action: String, Sendable {
        case viewCustomer, createCustomer, createPoolCustomer, updateCustomer
        case claim, release, assign, transfer, lock, unlock, addFollowUp
        case manageCollaborators, revealContact
        case listUsers, listDepartments, listPools
        case managePools, manageUsers, runSweep, viewMetrics
        case manageTokens, manageWebhooks, readAuditLog, importCustomers, exportCustomers
        case useConsole
        /// Reading who saw what, and erasing a customer's personal data on request.
        case readAccessRecords, eraseCustomers

        /// Actions whose effect or answer is not confined to some pools' customers: refused to
        /// a token limited to named pools. (Creating a private customer would leave its pools.)
        var reachesBeyondPools: Bool {
            switch self {
            case .managePools, .manageUsers, .runSweep, .viewMetrics, .manageTokens, .manageWebhooks, .readAuditLog,
                .importCustomers, .exportCustomers, .useConsole, .createCustomer, .readAccessRecords, .eraseCustomers:
                return true
            default:
                return false
            }
        }
    }

    /// Decides an action that does not concern one customer.
    public static func require(_ action: Action, by actor: Actor) throws {
        if actor.scope.pools != nil, action.reachesBeyondPools {
            throw PoolError.forbidden("this token is limited to named pools and may not \(action.verb)")
        }
        switch action {
        case .createPoolCustomer, .assign, .viewMetrics, .exportCustomers, .useConsole:
            guard actor.role.isManagerial else {
                throw PoolError.forbidden("only managers and administrators may \(action.verb)")
            }
        case .managePools, .manageUsers, .runSweep, .manageTokens, .manageWebhooks, .readAuditLog, .importCustomers,
            .readAccessRecords, .eraseCustomers:
            guard actor.role == .admin else {
                throw PoolError.forbidden("only administrators may \(action.verb)")
            }
        default:
            return
        }
    }

    /// A token limited to named pools puts customers only into those pools.
    public static func requireWithin(_ pool: PoolID, by actor: Actor) throws {
        if let limit = actor.scope.pools, !limit.contains(pool) {
            throw PoolError.forbidden("this token is limited to other pools")
        }
    }

    /// Refuses every change to a read-only token (asked before any mutation runs).
    public static func requireWrites(by actor: Actor) throws {
        if actor.scope.readOnly { throw PoolError.forbidden("this token is read-only") }
    }

    /// Decides an action on one customer, given its current facts.
    public static func require(_ action: Action, by viewer: Viewer, on customer: Customer) throws {
        guard viewer.canSee(customer) else { throw PoolError.notFound(entity: "Customer") }
        let actor = viewer.actor
        let owns = customer.ownerID == actor.userID
        let manages = actor.role.isManagerial && viewer.scope.contains(customer.placement)
        let poolAdmin = viewer.administers(customer.poolID)
        switch action {
        case .viewCustomer, .claim, .createCustomer, .listUsers, .listDepartments, .listPools:
            return
        case .updateCustomer, .addFollowUp:
            guard owns || manages || poolAdmin || viewer.collaborations[customer.id] == .write else {
                if customer.ownerID == nil { throw PoolError.notOwner }
                throw PoolError.forbidden("only the owner, a write collaborator or a manager may \(action.verb)")
            }
        case .release, .transfer, .lock, .unlock, .manageCollaborators:
            guard owns || manages else {
                if customer.ownerID == nil { throw PoolError.notOwner }
                throw PoolError.forbidden("only the owner or a manager may \(action.verb)")
            }
        case .assign:
            guard actor.role.isManagerial || poolAdmin else {
                throw PoolError.forbidden("only managers, administrators and pool admins may \(action.verb)")
            }
        case .revealContact:
            guard poolAdmin else {
                throw PoolError.forbidden("only the pool's admins may reveal its masked fields")
            }
        case .createPoolCustomer, .managePools, .manageUsers, .runSweep, .viewMetrics, .manageTokens, .manageWebhooks,
            .readAuditLog, .importCustomers, .exportCustomers, .useConsole, .readAccessRecords, .eraseCustomers:
            try require(action, by: actor)
        }
    }
}

extension AccessPolicy.Action {
    var verb: String {
        switch self {
        case .addFollowUp: return "add follow-ups to this customer"
        case .createPoolCustomer: return "create customers directly in a pool"
        case .updateCustomer: return "edit this customer"
        case .manageCollaborators: return "change this customer's collaborators"
        case .managePools: return "manage pools"
        case .manageUsers: return "manage users"
        case .runSweep: return "run the reclaim sweep"
        case .viewMetrics: return "see team metrics"
        case .manageTokens: return "manage API tokens"
        case .manageWebhooks: return "manage webhooks"
        case .readAuditLog: return "read the audit log"
        case .importCustomers: return "import customers"
        case .exportCustomers: return "export customers"
        case .useConsole: return "sign in to the console"
        case .readAccessRecords: return "read who saw which customers"
        case .eraseCustomers: return "erase customers' personal data"
        default: return "\(rawValue) this customer"
        }
    }
}
