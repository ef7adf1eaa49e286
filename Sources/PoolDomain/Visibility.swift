/// Which customers a viewer may see, as data the store turns into a WHERE clause.
///
/// Keeping it a value (not SQL) lets every query path (lists, counts, single lookups,
/// duplicate reports) apply the same rule.
public enum CustomerScope: Sendable, Equatable {
    /// Everything: administrators.
    case all
    /// Customers owned by `owners`, customers in `pools`, and customers `collaborator` works on.
    case restricted(owners: Set<UserID>, pools: Set<PoolID>, collaborator: UserID?)

    /// Whether a customer at `placement` is in scope; collaboration is checked separately.
    public func contains(_ placement: Placement) -> Bool {
        switch self {
        case .all: return true
        case .restricted(let owners, let pools, _):
            switch placement {
            case .owned(let owner): return owners.contains(owner)
            case .inPool(let pool): return pools.contains(pool)
            }
        }
    }
}

/// What a collaborator (协作人) may do with a customer they do not own.
public enum CollaboratorAccess: String, Sendable, Codable, CaseIterable {
    case read, write
}

/// The authenticated user with what they may see: built once per request (or operation) from
/// pool access entries, the department tree and the role.
public struct Viewer: Sendable {
    public let actor: Actor
    public let scope: CustomerScope
    /// Pools whose customers the viewer may assign, move and edit (and reveal masked fields of).
    public let adminPools: Set<PoolID>
    /// The viewer's collaborations on the customers an operation concerns.
    public var collaborations: [CustomerID: CollaboratorAccess]

    public init(
        actor: Actor, scope: CustomerScope, adminPools: Set<PoolID>,
        collaborations: [CustomerID: CollaboratorAccess] = [:]
    ) {
        self.actor = actor
        self.scope = scope
        self.adminPools = adminPools
        self.collaborations = collaborations
    }

    /// An administrator sees and manages everything.
    public static func administrator(_ actor: Actor) -> Viewer {
        Viewer(actor: actor, scope: .all, adminPools: [])
    }

    public func canSee(_ customer: Customer) -> Bool {
        scope.contains(customer.placement) || collaborations[customer.id] != nil
    }

    public func administers(_ pool: PoolID?) -> Bool {
        guard let pool else { return false }
        return (actor.role == .admin && actor.scope.pools == nil) || adminPools.contains(pool)
    }
}

extension Viewer {
    /// What `actor` may see and administer: administrators everything; everyone the pools they
    /// are members or admins of (by user, department or role), their own customers and those they
    /// collaborate on; managers also their department subtree's reps' customers.
    /// - Parameters:
    ///   - settings: the department tree, pool access and pools; not read for an administrator.
    ///   - users: every user; read only for a manager.
    public static func of<Users: Sequence<User>>(
        _ actor: Actor, settings: () throws -> (tree: DepartmentTree, access: PoolAccess, pools: [PoolID]),
        users: () throws -> Users, collaborations: [CustomerID: CollaboratorAccess] = [:]
    ) rethrows -> Viewer {
        if let limit = actor.scope.pools {
            return try limited(actor, to: limit, settings: settings)
        }
        if actor.role == .admin {
            return Viewer(actor: actor, scope: .all, adminPools: [], collaborations: collaborations)
        }
        let (tree, access, pools) = try settings()
        let ancestry = tree.ancestry(of: actor.departmentID)
        let member = pools.filter { access.isMember(actor.userID, role: actor.role, ancestry: ancestry, of: $0) }
        let admin = pools.filter { access.isAdmin(actor.userID, role: actor.role, ancestry: ancestry, of: $0) }
        var owners: Set<UserID> = [actor.userID]
        if actor.role == .manager, let department = actor.departmentID {
            let departments = Set(tree.subtree(of: department))
            // A plain loop: lazy filter-and-map wrappers, made here for another module's type,
            // were looked up in the Swift runtime on every request.
            for user in try users() where user.departmentID.map(departments.contains) ?? false { owners.insert(user.id) }
        }
        return Viewer(
            actor: actor, scope: .restricted(owners: owners, pools: Set(member + admin), collaborator: actor.userID),
            adminPools: Set(admin), collaborations: collaborations)
    }

    /// A token limited to `limit` sees the customers in those of its user's pools, and nothing
    /// its user owns or collaborates on elsewhere; it administers those of them its user does.
    private static func limited(
        _ actor: Actor, to limit: Set<PoolID>, settings: () throws -> (tree: DepartmentTree, access: PoolAccess, pools: [PoolID])
    ) rethrows -> Viewer {
        let (tree, access, pools) = try settings()
        let ancestry = tree.ancestry(of: actor.departmentID)
        let named = pools.filter(limit.contains)
        let member = actor.role == .admin
            ? named : named.filter { access.isMember(actor.userID, role: actor.role, ancestry: ancestry, of: $0) }
        let admin = actor.role == .admin
            ? named : named.filter { access.isAdmin(actor.userID, role: actor.role, ancestry: ancestry, of: $0) }
        return Viewer(actor: actor, scope: .restricted(owners: [], pools: Set(member + admin), collaborator: nil), adminPools: Set(admin))
    }
}
