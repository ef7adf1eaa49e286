import Foundation

/// A person who signs in or calls the API: a sales rep, a manager or an administrator.
public struct User: Sendable, Equatable, Identifiable {
    public let id: UserID
    public var name: String
    public var role: Role
    public var departmentID: DepartmentID?
    public var active: Bool
    /// Reps on leave (休假) get no auto-assigned customers.
    public var onLeave: Bool
    public var createdAt: Date

    public init(
        id: UserID, name: String, role: Role, departmentID: DepartmentID?, active: Bool,
        createdAt: Date, onLeave: Bool = false
    ) {
        self.onLeave = onLeave
        self.id = id
        self.name = name
        self.role = role
        self.departmentID = departmentID
        self.active = active
        self.createdAt = createdAt
    }
}

extension User {
    /// Active reps: the people a customer can be given to (assign, transfer, import to an owner).
    public var takesCustomers: Bool { active && role == .rep }

    /// Managers and administrators: the people a pool can name as its admins, and who sign in
    /// to the console.
    public var runsTheTeam: Bool { role.isManagerial }
}
