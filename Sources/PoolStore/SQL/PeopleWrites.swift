import Foundation
import PoolDomain

/// Departments, users and API tokens inside the caller's transaction, the same on both
/// backends; each change writes its audit record in that transaction.
public struct PeopleWrites<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// The active user a token digest belongs to, with the token's scope, if the token is
    /// neither revoked nor expired at `now`.
    public func grant(tokenDigest digest: Data, at now: Int64) throws -> TokenGrant? {
        try session.fetchOne(
            """
            SELECT \(RowDecoding.userColumns), api_tokens.read_only, api_tokens.pool_ids, api_tokens.expires_at,
              api_tokens.id, token_uses.last_used_at
            FROM api_tokens JOIN users ON users.id = api_tokens.user_id
            LEFT JOIN token_uses ON token_uses.token_id = api_tokens.id
            WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL AND users.active = 1
              AND (api_tokens.expires_at IS NULL OR api_tokens.expires_at > ?)
            """, [.blob(Array(digest)), .int(now)]
        ) { row in
            let columns = Int32(RowDecoding.userColumnCount)
            return TokenGrant(
                user: RowDecoding.user(row),
                scope: TokenScopeColumns.decode(readOnly: row.bool(columns), pools: row.optionalText(columns + 1)),
                expiresAt: Timestamp.decode(optional: row.optionalInt64(columns + 2)), tokenID: row.int64(columns + 3),
                lastUsedAt: Timestamp.decode(optional: row.optionalInt64(columns + 4)))
        }
    }

    public func createDepartment(name raw: String, parentID: DepartmentID?, by actor: Actor?, at now: Int64) throws -> Department {
        let name = try Self.requireName(raw, field: "name")
        if let parentID, try session.fetchOne("SELECT 1 FROM departments WHERE id = ?", [.int(parentID.rawValue)], { _ in true }) == nil {
            throw PoolError.notFound(entity: "Department")
        }
        if try session.fetchOne("SELECT 1 FROM departments WHERE name = ?", [.text(name)], { _ in true }) != nil {
            throw PoolError.invalidInput(field: "name", message: "a department with this name exists")
        }
        let id = try session.insert(
            "INSERT INTO departments (name, parent_id) VALUES (?, ?)", [.text(name), SQLValue(parentID?.rawValue)])
        let department = Department(id: DepartmentID(id), name: name, parentID: parentID)
        try audit(
            actor, "create_department", "department \(id)", before: nil,
            after: "{\"name\":\(AuditText.json(name)),\"parent\":\(parentID.map { String($0.rawValue) } ?? "null")}", at: now)
        return department
    }

    /// Renames department `id` and moves it under `parentID` (nil: the top level).
    public func updateDepartment(
        _ id: DepartmentID, name raw: String, parentID: DepartmentID?, by actor: Actor, at now: Int64
    ) throws -> Department {
        let name = try Self.requireName(raw, field: "name")
        let tree = DepartmentTree(try SettingsQueries.departments(session))
        guard let before = tree.byID[id] else { throw PoolError.notFound(entity: "Department") }
        if let parentID, tree.byID[parentID] == nil { throw PoolError.notFound(entity: "Department") }
        guard tree.canMove(id, under: parentID) else {
            throw PoolError.invalidInput(field: "parentId", message: "a department cannot move under itself or a department below it")
        }
        if name != before.name,
            try session.fetchOne("SELECT 1 FROM departments WHERE name = ?", [.text(name)], { _ in true }) != nil
        {
            throw PoolError.invalidInput(field: "name", message: "a department with this name exists")
        }
        try session.execute(
            "UPDATE departments SET name = ?, parent_id = ? WHERE id = ?", [.text(name), SQLValue(parentID?.rawValue), .int(id.rawValue)])
        let after = Department(id: id, name: name, parentID: parentID)
        try audit(actor, "update_department", "department \(id.rawValue)", before: Self.describe(before), after: Self.describe(after), at: now)
        return after
    }

    /// Deletes an empty department: no users, no sub-departments, and no pool access or owner
    /// limit naming it (each would silently change meaning); the refusal says which.
    public func deleteDepartment(_ id: DepartmentID, by actor: Actor, at now: Int64) throws {
        let tree = DepartmentTree(try SettingsQueries.departments(session))
        guard let department = tree.byID[id] else { throw PoolError.notFound(entity: "Department") }
        let value = SQLValue.int(id.rawValue)
        let holds: [(String, [SQLValue], String)] = [
            ("SELECT count(*) FROM users WHERE department_id = ?", [value], "users"),
            ("SELECT count(*) FROM departments WHERE parent_id = ?", [value], "sub-departments"),
            ("SELECT count(*) FROM pool_access WHERE principal_kind = 'department' AND principal_value = ?",
             [.text(String(id.rawValue))], "pool access entries"),
            ("SELECT count(*) FROM owner_limits WHERE scope_kind = 'department' AND scope_id = ?", [value], "owner limits"),
        ]
        var found: [String] = []
        for (sql, arguments, what) in holds {
            let count = try session.fetchOne(sql, arguments) { $0.int(0) } ?? 0
            if count > 0 { found.append("\(count) \(what)") }
        }
        guard found.isEmpty else {
            throw PoolError.invalidInput(field: "id", message: "the department still has " + found.joined(separator: ", "))
        }
        try session.execute("DELETE FROM departments WHERE id = ?", [value])
        try audit(actor, "delete_department", "department \(id.rawValue)", before: Self.describe(department), after: nil, at: now)
    }

    static func describe(_ department: Department) -> String {
        "{\"name\":\(AuditText.json(department.name)),\"parent\":\(department.parentID.map { String($0.rawValue) } ?? "null")}"
    }

    public func createUser(name raw: String, role: Role, departmentID: DepartmentID?, by actor: Actor?, at now: Int64) throws -> User {
        let name = try Self.requireName(raw, field: "name")
        if let departmentID,
            try session.fetchOne("SELECT 1 FROM departments WHERE id = ?", [.int(departmentID.rawValue)], { _ in true }) == nil
        {
            throw PoolError.notFound(entity: "Department")
        }
        if try session.fetchOne("SELECT 1 FROM users WHERE name = ?", [.text(name)], { _ in true }) != nil {
            throw PoolError.invalidInput(field: "name", message: "a user with this name exists")
        }
        let id = try session.insert(
            "INSERT INTO users (name, role, department_id, active, created_at) VALUES (?, ?, ?, 1, ?)", [.text(name), .text(role.rawValue), SQLValue(departmentID?.rawValue), .int(now)])
        let user = User(
            id: UserID(id), name: name, role: role, departmentID: departmentID, active: true, createdAt: Timestamp.decode(now))
        try audit(actor, "create_user", "user \(id)", before: nil, after: AuditText.describe(user), at: now)
        return user
    }

    /// Stores the digest of a new token for `user`; returns what `apiTokens` will list for it.
    @discardableResult
    public func issueToken(
        digest: Data, for user: UserID, label: String?, expiresAt: Date? = nil, scope: TokenScope = .full, by actor: Actor?, at now: Int64
    ) throws -> TokenInfo {
        guard try session.fetchOne("SELECT 1 FROM users WHERE id = ?", [.int(user.rawValue)], { _ in true }) != nil else {
            throw PoolError.notFound(entity: "User")
        }
        if let pools = scope.pools {
            let known = Set(try SettingsQueries.pools(session).map(\.id))
            guard pools.isSubset(of: known) else { throw PoolError.notFound(entity: "Pool") }
        }
        let id = try session.insert(
            "INSERT INTO api_tokens (user_id, token_hash, label, created_at, expires_at, read_only, pool_ids) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                .int(user.rawValue), .blob(Array(digest)), SQLValue(label), .int(now), SQLValue(Timestamp.encode(optional: expiresAt)),
                SQLValue(scope.readOnly), SQLValue(TokenScopeColumns.encode(scope.pools)),
            ])
        let info = TokenInfo(
            id: id, userID: user, label: label, createdAt: Timestamp.decode(now), revokedAt: nil, expiresAt: expiresAt, scope: scope)
        try audit(actor, "issue_token", "token \(id) of user \(user.rawValue)", before: nil, after: TokenScopeColumns.describe(info), at: now)
        return info
    }

    public func revokeToken(_ id: Int64, by actor: Actor, at now: Int64) throws {
        let changed = try session.execute(
            "UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", [.int(now), .int(id)])
        guard changed == 1 else { throw PoolError.notFound(entity: "Token") }
        try audit(actor, "revoke_token", "token \(id)", before: nil, after: nil, at: now)
    }

    public func users() throws -> [User] {
        try session.fetchAll("SELECT \(RowDecoding.userColumns) FROM users ORDER BY id", RowDecoding.user)
    }

    public func user(named name: String) throws -> User? {
        try session.fetchOne("SELECT \(RowDecoding.userColumns) FROM users WHERE name = ?", [.text(name)], RowDecoding.user)
    }

    public func department(named name: String) throws -> Department? {
        try session.fetchOne(
            "SELECT \(RowDecoding.departmentColumns) FROM departments WHERE name = ?", [.text(name)], RowDecoding.department)
    }

    /// Records an administrative change inside the transaction that makes it.
    public func audit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?, at now: Int64) throws {
        try session.execute(
            "INSERT INTO audit_log (user_id, action, entity, before, after, at) VALUES (?, ?, ?, ?, ?, ?)",
            [SQLValue(actor?.userID.rawValue), .text(action), .text(entity), SQLValue(before), SQLValue(after), .int(now)])
    }

    /// A name as stored: trimmed, 1 to 100 characters.
    public static func requireName(_ raw: String, field: String) throws -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 100 else {
            throw PoolError.invalidInput(field: field, message: "1 to 100 characters")
        }
        return name
    }
}
