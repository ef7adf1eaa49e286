import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func authenticate(token: String) throws -> User? {
        guard token.hasPrefix(TokenDigest.prefix), token.count < 200 else { return nil }
        let digest = TokenDigest.digest(token)
        let (cached, generation) = tokens.lookup(digest)
        if let cached { return cached }
        let user = try read { db in
            try db.fetchOne(
                cachedSQL: """
                    SELECT \(RowDecoding.userColumns) FROM api_tokens JOIN users ON users.id = api_tokens.user_id
                    WHERE api_tokens.token_hash = ? AND api_tokens.revoked_at IS NULL
                      AND users.active = 1
                    """, arguments: [digest], as: RowDecoding.user)
        }
        if let user { tokens.store(user, for: digest, readAt: generation) }
        return user
    }

    public func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department {
        let name = try requireName(name, field: "name")
        return try writeTransaction { db in
            if let parentID, try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM departments WHERE id = ?", arguments: [parentID.rawValue]) == nil {
                throw PoolError.notFound(entity: "Department")
            }
            if try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM departments WHERE name = ?", arguments: [name]) != nil {
                throw PoolError.invalidInput(field: "name", message: "a department with this name exists")
            }
            try db.execute(
                cachedSQL: "INSERT INTO departments (name, parent_id) VALUES (?, ?)",
                arguments: [name, parentID?.rawValue])
            let department = Department(id: DepartmentID(db.lastInsertedRowID), name: name, parentID: parentID)
            try audit(db, actor, "create_department", "department \(department.id.rawValue)", before: nil,
                      after: "{\"name\":\(Self.json(name)),\"parent\":\(parentID.map { String($0.rawValue) } ?? "null")}")
            return department
        }
    }

    public func departments() throws -> [Department] {
        try read { db in
            try SettingsQueries.departments(db)
        }
    }

    public func department(named name: String) throws -> Department? {
        try read { db in
            try db.fetchOne(
                cachedSQL: "SELECT \(RowDecoding.departmentColumns) FROM departments WHERE name = ?", arguments: [name],
                as: RowDecoding.department)
        }
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User {
        let name = try requireName(name, field: "name")
        let now = nowMillis
        return try writeTransaction { db in
            if let departmentID, try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM departments WHERE id = ?", arguments: [departmentID.rawValue]) == nil {
                throw PoolError.notFound(entity: "Department")
            }
            if try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM users WHERE name = ?", arguments: [name]) != nil {
                throw PoolError.invalidInput(field: "name", message: "a user with this name exists")
            }
            try db.execute(
                cachedSQL: "INSERT INTO users (name, role, department_id, active, created_at) VALUES (?, ?, ?, 1, ?)",
                arguments: [name, role.rawValue, departmentID?.rawValue, now])
            let user = User(
                id: UserID(db.lastInsertedRowID), name: name, role: role, departmentID: departmentID,
                active: true, createdAt: Timestamp.decode(now))
            try audit(db, actor, "create_user", "user \(user.id.rawValue)", before: nil, after: Self.describe(user))
            return user
        }
    }

    public func users() throws -> [User] {
        try read { db in
            try db.fetchAll(cachedSQL: "SELECT \(RowDecoding.userColumns) FROM users ORDER BY id", as: RowDecoding.user)
        }
    }

    public func users(ids: [UserID]) throws -> [UserID: User] {
        guard !ids.isEmpty else { return [:] }
        let directory = try userDirectory()
        var users: [UserID: User] = [:]
        users.reserveCapacity(ids.count)
        for id in ids { users[id] = directory[id] }
        return users
    }

    public func userDirectory() throws -> [UserID: User] {
        try read { db in try directoryMemo.value(db).users }
    }

    public func user(named name: String) throws -> User? {
        try read { db in
            try db.fetchOne(
                cachedSQL: "SELECT \(RowDecoding.userColumns) FROM users WHERE name = ?", arguments: [name],
                as: RowDecoding.user)
        }
    }

    public func issueToken(for user: UserID, label: String?, by actor: Actor?) throws -> String {
        let token = TokenDigest.newToken()
        let now = nowMillis
        try writeTransaction { db in
            guard try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM users WHERE id = ?", arguments: [user.rawValue]) != nil else {
                throw PoolError.notFound(entity: "User")
            }
            try db.execute(
                cachedSQL: "INSERT INTO api_tokens (user_id, token_hash, label, created_at) VALUES (?, ?, ?, ?)",
                arguments: [user.rawValue, TokenDigest.digest(token), label, now])
            try audit(db, actor, "issue_token", "token \(db.lastInsertedRowID) of user \(user.rawValue)", before: nil,
                      after: label.map { "{\"label\":\(Self.json($0))}" })
        }
        return token
    }

    func requireName(_ raw: String, field: String) throws -> String {
        let name = raw.trimmingWhitespace()
        guard !name.isEmpty, name.count <= 100 else {
            throw PoolError.invalidInput(field: field, message: "1 to 100 characters")
        }
        return name
    }

    /// A list of ids bound as one JSON parameter: one statement shape for any batch size, so
    /// SQLite's statement cache is reused and no SQL is built from values.
    static func jsonIDs(_ ids: [Int64]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }
}

extension SQLitePoolDatabase {
    static func fetchUser(_ db: Database, _ id: UserID) throws -> User? {
        try db.fetchOne(
            cachedSQL: "SELECT \(RowDecoding.userColumns) FROM users WHERE id = ?", arguments: [id.rawValue],
            as: RowDecoding.user)
    }
}
