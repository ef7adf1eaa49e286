import Foundation
import PoolDomain

/// Console passwords, sign-in, sessions, user edits, token lists and notifications, the same on
/// both backends. A session is a row, so it works whichever instance answers.
extension PeopleWrites {
    static var failuresBeforeLock: Int { 5 }
    static var lockSeconds: TimeInterval { 15 * 60 }

    /// A hash to verify against when the user does not exist, so timing does not tell.
    static var decoyHash: String { DecoyHash.value }

    public func setPassword(_ user: UserID, hash: String, by actor: Actor?, at now: Int64) throws {
        guard try session.fetchOne("SELECT 1 FROM users WHERE id = ?", [.int(user.rawValue)], { _ in true }) != nil else {
            throw PoolError.notFound(entity: "User")
        }
        try session.execute(
            "UPDATE users SET password_hash = ?, failed_sign_ins = 0, locked_until = NULL WHERE id = ?", [.text(hash), .int(user.rawValue)])
        // A new password ends every console session the old one opened.
        try session.execute("DELETE FROM console_sessions WHERE user_id = ?", [.int(user.rawValue)])
        try audit(actor, "set_password", "user \(user.rawValue)", before: nil, after: nil, at: now)
    }

    /// Checks a console sign-in. Unknown names cost the same as wrong passwords, and every
    /// failure counts towards a 15-minute lock after five in a row. The slow password check runs
    /// between `read` and `write`, outside any write transaction.
    public static func signIn(
        name: String, password: String, now: Date,
        read: ((PeopleWrites) throws -> (User, String?, Int64?)?) throws -> (User, String?, Int64?)?,
        write: ((PeopleWrites) throws -> SignInResult) throws -> SignInResult
    ) throws -> SignInResult {
        let record = try read { people in
            try people.session.fetchOne(
                "SELECT \(RowDecoding.userColumns), users.password_hash, users.locked_until FROM users WHERE name = ? AND active = 1",
                [.text(name)]
            ) { row in
                let next = Int32(RowDecoding.userColumnCount)
                return (RowDecoding.user(row), row.optionalText(next), row.optionalInt64(next + 1))
            }
        }
        guard let (user, storedHash, lockedUntil) = record, let hash = storedHash else {
            _ = PasswordHasher.verify(password, against: decoyHash)
            return .invalid
        }
        if let until = Timestamp.decode(optional: lockedUntil), until > now { return .locked(until: until) }
        let verified = PasswordHasher.verify(password, against: hash)
        return try write { people in
            let id = SQLValue(user.id.rawValue)
            guard verified else {
                let failures = (try people.session.fetchOne("SELECT failed_sign_ins FROM users WHERE id = ?", [id]) { $0.int(0) } ?? 0) + 1
                let lock = failures >= failuresBeforeLock ? Timestamp.encode(now.addingTimeInterval(lockSeconds)) : nil
                try people.session.execute(
                    "UPDATE users SET failed_sign_ins = ?, locked_until = ? WHERE id = ?",
                    [.int(Int64(lock == nil ? failures : 0)), SQLValue(lock), id])
                return lock.map { .locked(until: Timestamp.decode($0)) } ?? .invalid
            }
            try people.session.execute("UPDATE users SET failed_sign_ins = 0, locked_until = NULL WHERE id = ?", [id])
            return .signedIn(user)
        }
    }

    /// Stores a new session (by its token's digest) and drops expired ones.
    public func createSession(digest: Data, csrf: String, for user: UserID, at now: Date, lifetime: TimeInterval) throws {
        try session.execute("DELETE FROM console_sessions WHERE expires_at < ?", [.int(Timestamp.encode(now))])
        try session.execute(
            "INSERT INTO console_sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
            [.blob(Array(digest)), .int(user.rawValue), .text(csrf), .int(Timestamp.encode(now)),
             .int(Timestamp.encode(now.addingTimeInterval(lifetime)))])
    }

    /// The signed-in user of a live session, its CSRF token and when it was last used. A
    /// session is live until it expires and while it was used since `idleSince`. Console users
    /// are the ones the role allows (`AccessPolicy`'s `useConsole`), checked again by the services.
    public func session(digest: Data, at now: Int64, idleSince: Int64) throws -> (User, String, lastSeen: Int64)? {
        try session.fetchOne(
            """
            SELECT \(RowDecoding.userColumns), s.csrf_token, COALESCE(s.last_seen_at, s.created_at)
            FROM console_sessions s JOIN users ON users.id = s.user_id
            WHERE s.token_hash = ? AND s.expires_at > ? AND COALESCE(s.last_seen_at, s.created_at) > ?
              AND users.active = 1 AND users.role <> 'rep'
            """, [.blob(Array(digest)), .int(now), .int(idleSince)]
        ) { (RowDecoding.user($0), $0.text(Int32(RowDecoding.userColumnCount)), lastSeen: $0.int64(Int32(RowDecoding.userColumnCount) + 1)) }
    }

    /// Marks the session used at `now` (its idle time starts again).
    public func touchSession(digest: Data, at now: Int64) throws {
        try session.execute("UPDATE console_sessions SET last_seen_at = ? WHERE token_hash = ?", [.int(now), .blob(Array(digest))])
    }

    /// Records that API token `id` was used at `now`.
    public func recordTokenUse(_ id: Int64, at now: Int64) throws {
        try session.execute(
            """
            INSERT INTO token_uses (token_id, last_used_at) VALUES (?, ?)
            ON CONFLICT (token_id) DO UPDATE SET last_used_at = excluded.last_used_at
            """, [.int(id), .int(now)])
    }

    /// Ends every console session of `user` (a stolen laptop, a departure); returns how many.
    public func endSessions(of user: UserID, by actor: Actor, at now: Int64) throws -> Int {
        guard try session.fetchOne("SELECT 1 FROM users WHERE id = ?", [.int(user.rawValue)], { _ in true }) != nil else {
            throw PoolError.notFound(entity: "User")
        }
        let ended = try session.execute("DELETE FROM console_sessions WHERE user_id = ?", [.int(user.rawValue)])
        try audit(actor, "end_sessions", "user \(user.rawValue)", before: nil, after: "{\"ended\":\(ended)}", at: now)
        return ended
    }

    public func endSession(digest: Data) throws {
        try session.execute("DELETE FROM console_sessions WHERE token_hash = ?", [.blob(Array(digest))])
    }

    public func updateUser(_ id: UserID, role: Role, departmentID: DepartmentID?, by actor: Actor, at now: Int64) throws -> User {
        let users = CustomerReads(session)
        let before = try users.requireUser(id)
        if let departmentID,
            try session.fetchOne("SELECT 1 FROM departments WHERE id = ?", [.int(departmentID.rawValue)], { _ in true }) == nil
        {
            throw PoolError.notFound(entity: "Department")
        }
        try session.execute(
            "UPDATE users SET role = ?, department_id = ? WHERE id = ?",
            [.text(role.rawValue), SQLValue(departmentID?.rawValue), .int(id.rawValue)])
        let after = try users.requireUser(id)
        try audit(actor, "update_user", "user \(id.rawValue)", before: AuditText.describe(before), after: AuditText.describe(after), at: now)
        return after
    }

    /// Newest first; the tokens themselves are never stored.
    public func apiTokens() throws -> [TokenInfo] {
        try session.fetchAll(
            """
            SELECT t.id, t.user_id, t.label, t.created_at, t.revoked_at, t.expires_at, t.read_only, t.pool_ids, u.last_used_at
            FROM api_tokens t LEFT JOIN token_uses u ON u.token_id = t.id ORDER BY t.id DESC
            """
        ) { row in
            TokenInfo(
                id: row.int64(0), userID: UserID(row.int64(1)), label: row.optionalText(2),
                createdAt: Timestamp.decode(row.int64(3)), revokedAt: Timestamp.decode(optional: row.optionalInt64(4)),
                expiresAt: Timestamp.decode(optional: row.optionalInt64(5)),
                scope: TokenScopeColumns.decode(readOnly: row.bool(6), pools: row.optionalText(7)),
                lastUsedAt: Timestamp.decode(optional: row.optionalInt64(8)))
        }
    }

    /// Newest first.
    public func notifications(for user: UserID, unreadOnly: Bool, first: Int) throws -> [UserNotification] {
        try session.fetchAll(
            """
            SELECT id, user_id, kind, customer_id, message, due_on, created_at, read_at FROM notifications
            WHERE user_id = ? AND (CAST(? AS INTEGER) = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?
            """, [.int(user.rawValue), SQLValue(unreadOnly), .int(Int64(first))], RowDecoding.notification)
    }

    /// Marks the given notifications (nil: all) read; returns how many changed.
    public func markNotificationsRead(for user: UserID, ids: [Int64]?, at now: Int64) throws -> Int {
        if let ids {
            return try session.execute(
                "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (\(Session.dialect.idList))",
                [.int(now), .int(user.rawValue), SQLList.ids(ids)])
        }
        return try session.execute(
            "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", [.int(now), .int(user.rawValue)])
    }
}

/// Made once per process: hashing costs what a real check costs.
private enum DecoyHash {
    static let value = (try? PasswordHasher.standard.hash("decoy-\(UUID().uuidString)")) ?? ""
}
