/// The authenticated user on whose behalf an operation runs.
public struct Actor: Sendable, Equatable {
    public let userID: UserID
    public let name: String
    public let role: Role
    public let departmentID: DepartmentID?

    public init(userID: UserID, name: String, role: Role, departmentID: DepartmentID?) {
        self.userID = userID
        self.name = name
        self.role = role
        self.departmentID = departmentID
    }

    public init(_ user: User) {
        self.init(
            userID: user.id, name: user.name, role: user.role, departmentID: user.departmentID)
    }
}
