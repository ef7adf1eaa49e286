/// The authenticated user on whose behalf an operation runs.
public struct Actor: Sendable, Equatable {
    public let userID: UserID
    public let name: String
    public let role: Role
    public let departmentID: DepartmentID?
    /// What the credential the request came with allows (an API token's scope).
    public let scope: TokenScope
    /// The API token the request came with (nil: the console, the command line, the server).
    public let tokenID: Int64?

    public init(
        userID: UserID, name: String, role: Role, departmentID: DepartmentID?, scope: TokenScope = .full, tokenID: Int64? = nil
    ) {
        self.userID = userID
        self.name = name
        self.role = role
        self.departmentID = departmentID
        self.scope = scope
        self.tokenID = tokenID
    }

    public init(_ user: User, scope: TokenScope = .full, tokenID: Int64? = nil) {
        self.init(
            userID: user.id, name: user.name, role: user.role, departmentID: user.departmentID, scope: scope, tokenID: tokenID)
    }
}
