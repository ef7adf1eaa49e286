/// Who may see and claim a pool's customers (members) and who may assign, move and edit them
/// (pool admins): departments (with their sub-departments), named users, roles.
public struct PoolAccessEntry: Sendable, Equatable, Hashable {
    public enum Principal: Sendable, Equatable, Hashable {
        case department(DepartmentID)
        case user(UserID)
        case role(Role)
    }

    public enum Level: String, Sendable {
        case member, admin
    }

    public let principal: Principal
    public let level: Level

    public init(principal: Principal, level: Level) {
        self.principal = principal
        self.level = level
    }
}

/// Decides pool membership for one user.
public struct PoolAccess: Sendable {
    /// Entries per pool. A pool without member entries is open: everyone is a member.
    public let entries: [PoolID: [PoolAccessEntry]]

    public init(entries: [PoolID: [PoolAccessEntry]]) { self.entries = entries }

    /// - Parameter ancestry: the user's department and every department above it.
    public func isMember(_ user: UserID, role: Role, ancestry: [DepartmentID], of pool: PoolID) -> Bool {
        let list = entries[pool] ?? []
        if !list.contains(where: { $0.level == .member }) { return true }
        return list.contains { matches($0.principal, user, role, ancestry) }
    }

    public func isAdmin(_ user: UserID, role: Role, ancestry: [DepartmentID], of pool: PoolID) -> Bool {
        if role == .admin { return true }
        return (entries[pool] ?? []).contains { $0.level == .admin && matches($0.principal, user, role, ancestry) }
    }

    private func matches(_ principal: PoolAccessEntry.Principal, _ user: UserID, _ role: Role, _ ancestry: [DepartmentID]) -> Bool {
        switch principal {
        case .user(let id): return id == user
        case .role(let r): return r == role
        case .department(let id): return ancestry.contains(id)
        }
    }
}
