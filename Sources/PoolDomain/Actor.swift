/// The authenticated user on whose behalf an operation runs.
public struct Actor: Sendable, Equatable {
    public let userID: UserID
    public let name: String
    public let role: Role
    public let departmentID: DepartmentID?
    /// What the credential the request came with allows (an API token's scope).
    public let scope: TokenScope

    public init(userID: UserID, name: String, role: Role, departmentID: DepartmentID?, scope: TokenScope = .full) {
        self.userID = userID
        self.name = name
        self.role = role
        self.departmentID = departmentID
        self.scope = scope
    }

    public init(_ user: User, scope: TokenScope = .full) {
        self.init(
            userID: user.id, name: user.name, role: user.role, departmentID: user.departmentID, scope: scope)
    }
}
