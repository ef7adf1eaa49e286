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
    /// After this moment the token is refused (nil: never expires).
    public var expiresAt: Date? = nil
    public var scope: TokenScope = .full
    /// When the token last authenticated a request (to the minute; nil: never).
    public var lastUsedAt: Date? = nil
}

extension SQLitePoolDatabase {
    public func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher = .standard, by actor: Actor? = nil) throws {
        let hash = try hasher.hashChecked(password)
        let now = nowMillis
        try writeTransaction { db in try PeopleWrites(db).setPassword(user, hash: hash, by: actor, at: now) }
    }

    /// See `PeopleWrites.signIn`.
    public func signIn(name: String, password: String) throws -> SignInResult {
        try PeopleWrites<Database>.signIn(
            name: name, password: password, now: clock.now(),
            read: { body in try read { db in try body(PeopleWrites(db)) } },
            write: { body in try writeTransaction { db in try body(PeopleWrites(db)) } })
    }

    public func createSession(for user: UserID, lifetime: TimeInterval = 12 * 3600) throws -> (token: String, csrf: String) {
        let (token, csrf) = (TokenDigest.newToken(), TokenDigest.newToken())
        let now = clock.now()
        try writeTransaction { db in
            try PeopleWrites(db).createSession(digest: TokenDigest.digest(token), csrf: csrf, for: user, at: now, lifetime: lifetime)
        }
        return (token, csrf)
    }

    /// The signed-in user and the session's CSRF token, if the session is valid.
    public func session(_ token: String, idleTimeout: TimeInterval) throws -> (User, String)? {
        guard token.hasPrefix(TokenDigest.prefix), token.count < 200 else { return nil }
        let now = nowMillis
        let digest = TokenDigest.digest(token)
        let idleSince = now - Int64(idleTimeout * 1000)
        guard let (user, csrf, lastSeen) = try read({ db in try PeopleWrites(db).session(digest: digest, at: now, idleSince: idleSince) })
        else { return nil }
        if now - lastSeen >= SessionUse.touchEvery {
            try writeTransaction { db in try PeopleWrites(db).touchSession(digest: digest, at: now) }
        }
        return (user, csrf)
    }

    public func endSession(_ token: String) throws {
        try writeTransaction { db in try PeopleWrites(db).endSession(digest: TokenDigest.digest(token)) }
    }

    public func endSessions(of user: UserID, by actor: Actor) throws -> Int {
        let now = nowMillis
        return try writeTransaction { db in try PeopleWrites(db).endSessions(of: user, by: actor, at: now) }
    }

    public func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User {
        let now = nowMillis
        return try writeTransaction { db in try PeopleWrites(db).updateUser(id, role: role, departmentID: departmentID, by: actor, at: now) }
    }

    public func apiTokens() throws -> [TokenInfo] {
        try read { db in try PeopleWrites(db).apiTokens() }
    }

    public func revokeToken(_ id: Int64, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { db in try PeopleWrites(db).revokeToken(id, by: actor, at: now) }
    }

    public func auditLog(first: Int, before: Int64? = nil) throws -> [AuditEntry] {
        try read { db in try WebhookWrites(db).auditLog(first: first, before: before) }
    }

    /// Records an administrative change inside the transaction that makes it.
    func audit(_ db: Database, _ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws {
        try PeopleWrites(db).audit(actor, action, entity, before: before, after: after, at: nowMillis)
    }

    /// Records an administrative change made outside one of the store's own operations.
    public func recordAudit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws {
        try writeTransaction { db in try audit(db, actor, action, entity, before: before, after: after) }
    }

}
