import Foundation
import PoolDomain
import PoolStore

/// Console sign-in and sessions on PostgreSQL: a session is a row, so any instance behind the
/// load balancer answers a signed-in administrator.
extension PostgresPoolDatabase {
    public func setPassword(_ user: UserID, _ password: String, hasher: PasswordHasher, by actor: Actor?) throws {
        let hash = try hasher.hashChecked(password)
        let now = nowMillis
        try writeTransaction { try PeopleWrites($0).setPassword(user, hash: hash, by: actor, at: now) }
    }

    public func signIn(name: String, password: String) throws -> SignInResult {
        try PeopleWrites<PostgresConnection>.signIn(
            name: name, password: password, now: clock.now(),
            read: { body in try read { try body(PeopleWrites($0)) } },
            write: { body in try writeTransaction { try body(PeopleWrites($0)) } })
    }

    public func createSession(for user: UserID, lifetime: TimeInterval) throws -> (token: String, csrf: String) {
        let (token, csrf) = (TokenDigest.newToken(), TokenDigest.newToken())
        let now = clock.now()
        try writeTransaction {
            try PeopleWrites($0).createSession(digest: TokenDigest.digest(token), csrf: csrf, for: user, at: now, lifetime: lifetime)
        }
        return (token, csrf)
    }

    public func session(_ token: String, idleTimeout: TimeInterval) throws -> (User, String)? {
        guard token.hasPrefix(TokenDigest.prefix), token.count < 200 else { return nil }
        let now = nowMillis
        let digest = TokenDigest.digest(token)
        let idleSince = now - Int64(idleTimeout * 1000)
        guard let (user, csrf, lastSeen) = try read({ try PeopleWrites($0).session(digest: digest, at: now, idleSince: idleSince) })
        else { return nil }
        if now - lastSeen >= SessionUse.touchEvery {
            try writeTransaction { try PeopleWrites($0).touchSession(digest: digest, at: now) }
        }
        return (user, csrf)
    }

    public func endSession(_ token: String) throws {
        try writeTransaction { try PeopleWrites($0).endSession(digest: TokenDigest.digest(token)) }
    }

    public func endSessions(of user: UserID, by actor: Actor) throws -> Int {
        let now = nowMillis
        return try writeTransaction { try PeopleWrites($0).endSessions(of: user, by: actor, at: now) }
    }

    public func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor) throws -> User {
        let now = nowMillis
        defer { tokens.invalidate() }
        return try writeTransaction { try PeopleWrites($0).updateUser(id, role: role, departmentID: departmentID, by: actor, at: now) }
    }

    public func apiTokens() throws -> [TokenInfo] { try read { try PeopleWrites($0).apiTokens() } }

    public func users(ids: [UserID]) throws -> [UserID: User] {
        let directory = try userDirectory()
        return Dictionary(uniqueKeysWithValues: ids.compactMap { id in directory[id].map { (id, $0) } })
    }

    public func notifications(for user: UserID, unreadOnly: Bool, first: Int) throws -> [UserNotification] {
        try read { try PeopleWrites($0).notifications(for: user, unreadOnly: unreadOnly, first: first) }
    }

    public func markNotificationsRead(for user: UserID, ids: [Int64]?) throws -> Int {
        let now = nowMillis
        return try writeTransaction { try PeopleWrites($0).markNotificationsRead(for: user, ids: ids, at: now) }
    }
}

/// Everything the people interface asks, on PostgreSQL.
