import Foundation
import GRDB
import PoolDomain

/// The outcome of a console sign-in attempt.
public enum SignInResult: Sendable, Equatable {
    case signedIn(User)
    case invalid
    /// Too many failures: attempts are refused until then, right password or not.
    case locked(until: Date)
    /// The password is right but the role may not use the console (reps).
    case notAllowed
}

/// One entry of the audit log: who changed what, before and after (JSON).
public struct AuditEntry: Sendable, Equatable {
    public let id: Int64
    public let userID: UserID?
    public let action: String
    public let entity: String
    public let before: String?
    public let after: String?
    public let at: Date
}

/// An API token as the console lists it; the token itself is never stored.
public struct TokenInfo: Sendable, Equatable {
    public let id: Int64
    public let userID: UserID
    public let label: String?
    public let createdAt: Date
    public let revokedAt: Date?
}

extension SQLitePoolDatabase {
    static let failuresBeforeLock = 5
    static let lockSeconds: TimeInterval = 15 * 60

    public func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher = .standard, by actor: Actor? = nil) throws {
        guard password.count >= 8, password.count <= 200 else {
            throw PoolError.invalidInput(field: "password", message: "8 to 200 characters")
        }
        let hash = try hasher.hash(password)
        try writeTransaction { db in
            _ = try requireUser(db, user)
            try db.execute(
                cachedSQL: "UPDATE users SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL WHERE id = ?",
                arguments: [hash, user.rawValue])
            // A new password ends every console session the old one opened.
            try db.execute(cachedSQL: "DELETE FROM console_sessions WHERE user_id = ?", arguments: [user.rawValue])
            try audit(db, actor, "set_password", "user \(user.rawValue)", before: nil, after: nil)
        }
    }

    /// Checks a console sign-in. Unknown names cost the same as wrong passwords, and every
    /// failure counts towards a 15-minute lock after five in a row.
    public func signIn(name: String, password: String) throws -> SignInResult {
        let now = clock.now()
        let row = try read { db in
            try db.fetchOne(
                cachedSQL: """
                    SELECT \(RowDecoding.userColumns), users.password_hash, users.locked_until FROM users
                    WHERE name = ? AND active = 1
                    """, arguments: [name]
            ) { row in
                let next = Int32(RowDecoding.userColumnCount)
                return (user: RowDecoding.user(row), hash: row.optionalText(next), lockedUntil: row.optionalInt64(next + 1))
            }
        }
        guard let row, let hash = row.hash else {
            _ = PasswordHasher.verify(password, against: Self.decoyHash)
            return .invalid
        }
        let user = row.user
        if let until = Timestamp.decode(optional: row.lockedUntil), until > now { return .locked(until: until) }
        guard PasswordHasher.verify(password, against: hash) else {
            return try writeTransaction { db in
                let failures = (try Int.fetchOne(db, cachedSQL: "SELECT failed_sign_ins FROM users WHERE id = ?", arguments: [user.id.rawValue]) ?? 0) + 1
                let lock = failures >= Self.failuresBeforeLock ? Timestamp.encode(now.addingTimeInterval(Self.lockSeconds)) : nil
                try db.execute(
                    cachedSQL: "UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?",
                    arguments: [lock == nil ? failures : 0, lock, user.id.rawValue])
                return lock.map { .locked(until: Timestamp.decode($0)) } ?? .invalid
            }
        }
        try writeTransaction { db in
            try db.execute(cachedSQL: "UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?", arguments: [user.id.rawValue])
        }
        return .signedIn(user)
    }

    /// A hash to verify against when the user does not exist, so timing does not tell.
    static let decoyHash = (try? PasswordHasher.standard.hash("decoy-\(UUID().uuidString)")) ?? ""

    public func createSession(for user: UserID, lifetime: TimeInterval = 12 * 3600) throws -> (token: String, csrf: String) {
        let token = TokenDigest.newToken()
        let csrf = TokenDigest.newToken()
        let now = clock.now()
        try writeTransaction { db in
            try db.execute(cachedSQL: "DELETE FROM console_sessions WHERE expires_at < ?", arguments: [Timestamp.encode(now)])
            try db.execute(
                cachedSQL: "INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [TokenDigest.digest(token), user.rawValue, csrf, Timestamp.encode(now), Timestamp.encode(now.addingTimeInterval(lifetime))])
        }
        return (token, csrf)
    }

    /// The signed-in user and the session's CSRF token, if the session is valid.
    public func session(_ token: String) throws -> (User, String)? {
        guard token.hasPrefix(TokenDigest.prefix), token.count < 200 else { return nil }
        let now = nowMillis
        return try read { db in
            try db.fetchOne(
                cachedSQL: """
                    SELECT \(RowDecoding.userColumns), s.csrf_token FROM console_sessions s JOIN users ON users.id = s.user_id
                    WHERE s.token_hash = ? AND s.expires_at > ? AND users.active = 1 AND users.role <> 'rep'
                    """, arguments: [TokenDigest.digest(token), now]
            ) { (RowDecoding.user($0), $0.text(Int32(RowDecoding.userColumnCount))) }
        }
    }

    public func endSession(_ token: String) throws {
        try writeTransaction { db in
            try db.execute(cachedSQL: "DELETE FROM console_sessions WHERE token_hash = ?", arguments: [TokenDigest.digest(token)])
        }
    }

    public func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User {
        return try writeTransaction { db in
            let before = try requireUser(db, id)
            if let departmentID, try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM departments WHERE id = ?", arguments: [departmentID.rawValue]) == nil {
                throw PoolError.notFound(entity: "Department")
            }
            try db.execute(
                cachedSQL: "UPDATE users SET role = ?, department_id = ? WHERE id = ?",
                arguments: [role.rawValue, departmentID?.rawValue, id.rawValue])
            let after = try requireUser(db, id)
            try audit(db, actor, "update_user", "user \(id.rawValue)", before: Self.describe(before), after: Self.describe(after))
            return after
        }
    }

    public func apiTokens() throws -> [TokenInfo] {
        try read { db in
            try Row.fetchAll(db, cachedSQL: "SELECT * FROM api_tokens ORDER BY id DESC").map { row in
                TokenInfo(
                    id: row["id"], userID: UserID(row["user_id"]), label: row["label"],
                    createdAt: Timestamp.decode(row["created_at"] as Int64), revokedAt: Timestamp.decode(optional: row["revoked_at"]))
            }
        }
    }

    public func revokeToken(_ id: Int64, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { db in try PeopleWrites(db).revokeToken(id, by: actor, at: now) }
    }

    public func auditLog(first: Int, before: Int64? = nil) throws -> [AuditEntry] {
        try read { db in
            try Row.fetchAll(
                db, cachedSQL: "SELECT * FROM audit_log WHERE (? IS NULL OR id < ?) ORDER BY id DESC LIMIT ?",
                arguments: [before, before, first]
            ).map { row in
                AuditEntry(
                    id: row["id"], userID: (row["user_id"] as Int64?).map(UserID.init), action: row["action"],
                    entity: row["entity"], before: row["before"], after: row["after"], at: Timestamp.decode(row["at"] as Int64))
            }
        }
    }

    /// Records an administrative change inside the transaction that makes it.
    func audit(_ db: Database, _ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws {
        try PeopleWrites(db).audit(actor, action, entity, before: before, after: after, at: nowMillis)
    }

    /// Records an administrative change made outside one of the store's own operations.
    public func recordAudit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws {
        try writeTransaction { db in try audit(db, actor, action, entity, before: before, after: after) }
    }

    static func describe(_ user: User) -> String { AuditText.describe(user) }

    static func describe(_ pool: Pool) -> String { AuditText.describe(pool) }

    static func json(_ text: String) -> String { AuditText.json(text) }
}
