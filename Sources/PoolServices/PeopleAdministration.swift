import Foundation
import PoolDomain
import PoolStore

/// Departments, users, console passwords and API tokens: administrators only (and an operator
/// at the database file).
public struct PeopleAdministration: Sendable {
    let store: any PoolDatabase
    var clock: any TimeSource = SystemTimeSource()

    /// Everyone, for any signed-in user (names appear on every customer).
    public func users(by actor: Actor) throws -> [User] {
        try AccessPolicy.require(.listUsers, by: actor)
        return try store.users()
    }

    public func departments(by actor: Actor) throws -> [Department] {
        try AccessPolicy.require(.listDepartments, by: actor)
        return try store.departments()
    }

    public func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department {
        try require(.manageUsers, by: actor)
        return try store.createDepartment(name: name, parentID: parentID, by: actor)
    }

    /// Renames a department and/or moves it (nil parent: the top level).
    public func updateDepartment(_ id: DepartmentID, name: String, parentID: DepartmentID?, by actor: Actor) throws -> Department {
        try require(.manageUsers, by: actor)
        return try store.updateDepartment(id, name: name, parentID: parentID, by: actor)
    }

    public func deleteDepartment(_ id: DepartmentID, by actor: Actor) throws {
        try require(.manageUsers, by: actor)
        try store.deleteDepartment(id, by: actor)
    }

    /// The department at `path` (`销售部/华东/上海`), each missing level created under the one
    /// above it: what an HR system or `users add --department` names.
    public func department(path: String, creatingBy actor: Actor?) throws -> Department {
        let names = path.split(separator: "/").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !names.isEmpty else { throw PoolError.invalidInput(field: "department", message: "name a department") }
        var parent: Department?
        for name in names {
            let existing = try store.department(named: name)
            if let existing {
                guard names.count == 1 || existing.parentID == parent?.id else {
                    throw PoolError.invalidInput(
                        field: "department", message: "\(name) exists elsewhere in the tree (department names are unique)")
                }
                parent = existing
                continue
            }
            do {
                parent = try createDepartment(name: name, parentID: parent?.id, by: actor)
            } catch {
                // Created by another caller meanwhile (two `users add` at once): use it.
                guard let created = try store.department(named: name) else { throw error }
                parent = created
            }
        }
        return parent!
    }

    /// The department named `name`, created at the top level when there is none.
    public func department(named name: String, creatingBy actor: Actor?) throws -> Department {
        if let existing = try store.department(named: name) { return existing }
        do {
            return try createDepartment(name: name, parentID: nil, by: actor)
        } catch {
            // Another caller created it between the read and the insert (two `users add
            // --department` at once): the department now exists, which is what was asked.
            if let created = try store.department(named: name) { return created }
            throw error
        }
    }

    /// The user named `name`; an unknown name is invalid input.
    public func user(named name: String, by actor: Actor?) throws -> User {
        try require(.manageUsers, by: actor)
        guard let user = try store.user(named: name) else { throw PoolError.invalidInput(field: "name", message: "no user named \(name)") }
        return user
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User {
        try require(.manageUsers, by: actor)
        return try store.createUser(name: name, role: role, departmentID: departmentID, by: actor)
    }

    public func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User {
        try require(.manageUsers, by: actor)
        guard id != actor.userID || role == actor.role else {
            throw PoolError.invalidInput(field: "role", message: "you cannot take away your own administrator role")
        }
        return try store.updateUser(id, role: role, departmentID: departmentID, by: actor)
    }

    /// Deactivating releases the user's customers into their pools (see the store).
    public func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User {
        try require(.manageUsers, by: actor)
        guard id != actor.userID || active else {
            throw PoolError.invalidInput(field: "id", message: "you cannot deactivate yourself")
        }
        return try store.setActive(id, active, by: actor)
    }

    public func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User {
        try require(.manageUsers, by: actor)
        return try store.setOnLeave(id, onLeave, by: actor)
    }

    /// Signs `user` out of the console everywhere (a stolen laptop, a departure); their API
    /// tokens are revoked separately.
    public func endSessions(of user: UserID, by actor: Actor) throws -> Int {
        try require(.manageUsers, by: actor)
        return try store.endSessions(of: user, by: actor)
    }

    public func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher, by actor: Actor?) throws {
        try require(.manageUsers, by: actor)
        try store.setPassword(user, password, hasher: hasher, by: actor)
    }

    /// A new token for `user`, shown once (stored hashed).
    public func issueToken(for user: UserID, label: String?, by actor: Actor?) throws -> String {
        try require(.manageTokens, by: actor)
        let label = label?.trimmingCharacters(in: .whitespacesAndNewlines)
        if let label, label.count > 100 { throw PoolError.invalidInput(field: "label", message: "1 to 100 characters") }
        return try store.issueToken(for: user, label: label?.isEmpty == true ? nil : label, by: actor)
    }

    /// A new token with its listing (for the API, which returns both), expiring at `expiresAt`
    /// (nil: never) and scoped by `scope`. A token never has more than its user: the scope only
    /// narrows what the user may do.
    public func issueTokenRecord(
        for user: UserID, label: String?, expiresAt: Date? = nil, scope: TokenScope = .full, by actor: Actor
    ) throws -> (token: String, info: TokenInfo) {
        try require(.manageTokens, by: actor)
        guard let label = label?.trimmingCharacters(in: .whitespacesAndNewlines), (1...100).contains(label.count) else {
            throw PoolError.invalidInput(field: "label", message: "1 to 100 characters")
        }
        if let expiresAt, expiresAt <= clock.now() {
            throw PoolError.invalidInput(field: "expiresAt", message: "the expiry must be in the future")
        }
        if let pools = scope.pools, pools.isEmpty {
            throw PoolError.invalidInput(field: "poolIds", message: "name at least one pool, or leave the token unlimited")
        }
        return try store.issueTokenRecord(for: user, label: label, expiresAt: expiresAt, scope: scope, by: actor)
    }

    public func tokens(by actor: Actor) throws -> [TokenInfo] {
        try require(.manageTokens, by: actor)
        return try store.apiTokens()
    }

    public func revokeToken(_ id: Int64, by actor: Actor) throws {
        try require(.manageTokens, by: actor)
        try store.revokeToken(id, by: actor)
    }

    public func auditLog(first: Int, before: Int64?, by actor: Actor) throws -> [AuditEntry] {
        try require(.readAuditLog, by: actor)
        return try store.auditLog(first: first, before: before)
    }
}
