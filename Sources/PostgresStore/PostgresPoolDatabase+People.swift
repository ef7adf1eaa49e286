import Foundation
import PoolDomain
import PoolStore

extension PostgresPoolDatabase {
    /// The active user a bearer token belongs to. A verified token is trusted for the token
    /// cache's lifetime (one second by default); this instance's own changes to users and
    /// tokens empty the cache at once, so a token revoked or a user deactivated through any
    /// instance is refused by every instance within that second.
    public func grant(forToken token: String) throws -> TokenGrant? {
        let now = nowMillis
        return try tokens.grant(of: token, at: Timestamp.decode(now)) { digest in
            let grant = try read { try PeopleWrites($0).grant(tokenDigest: digest, at: now) }
            // Last use, to the minute, outside the request's own work: bookkeeping never fails a request.
            if let id = grant?.tokenID, now - (grant?.lastUsedAt.map { Timestamp.encode($0) } ?? 0) >= SessionUse.touchEvery {
                try? writeTransaction { try PeopleWrites($0).recordTokenUse(id, at: now) }
            }
            return grant
        }
    }

    public func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department {
        let now = nowMillis
        return try writeTransaction { try PeopleWrites($0).createDepartment(name: name, parentID: parentID, by: actor, at: now) }
    }

    public func updateDepartment(_ id: DepartmentID, name: String, parentID: DepartmentID?, by actor: Actor) throws -> Department {
        let now = nowMillis
        return try writeTransaction { try PeopleWrites($0).updateDepartment(id, name: name, parentID: parentID, by: actor, at: now) }
    }

    public func deleteDepartment(_ id: DepartmentID, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { try PeopleWrites($0).deleteDepartment(id, by: actor, at: now) }
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User {
        let now = nowMillis
        return try changingUsers {
            try writeTransaction { try PeopleWrites($0).createUser(name: name, role: role, departmentID: departmentID, by: actor, at: now) }
        }
    }

    public func issueTokenRecord(
        for user: UserID, label: String?, expiresAt: Date?, scope: TokenScope, by actor: Actor?
    ) throws -> (token: String, info: TokenInfo) {
        let token = TokenDigest.newToken()
        let now = nowMillis
        let info = try writeTransaction {
            try PeopleWrites($0).issueToken(
                digest: TokenDigest.digest(token), for: user, label: label, expiresAt: expiresAt, scope: scope, by: actor, at: now)
        }
        return (token, info)
    }

    public func revokeToken(_ id: Int64, by actor: Actor) throws {
        let now = nowMillis
        try changingUsers { try writeTransaction { try PeopleWrites($0).revokeToken(id, by: actor, at: now) } }
    }

    public func users() throws -> [User] { try read { try PeopleWrites($0).users() } }

    public func user(named name: String) throws -> User? { try read { try PeopleWrites($0).user(named: name) } }

    public func department(named name: String) throws -> Department? { try read { try PeopleWrites($0).department(named: name) } }

    public func departments() throws -> [Department] { try read { try SettingsQueries.departments($0) } }

    public func pools() throws -> [Pool] { try read { try settingsMemo.value($0).pools } }

    /// Every user by id, kept while `settings_version.directory_token` is unchanged.
    public func userDirectory() throws -> [UserID: User] { try read { try directoryMemo.value($0).users } }

    /// Runs a change to users or tokens and empties this instance's token cache after it, as
    /// SQLite's transaction observer does (other instances see it within the cache lifetime).
    private func changingUsers<T>(_ body: () throws -> T) rethrows -> T {
        defer { tokens.invalidate() }
        return try body()
    }
}

extension PostgresPoolDatabase {
    /// See `OwnershipWrites.setActive`; every instance refuses a deactivated user's tokens
    /// within the token cache's lifetime.
    public func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User {
        let now = clock.now()
        defer { tokens.invalidate() }
        return try writeTransaction { try writes($0).setActive(id, active, by: actor, at: now) }
    }

    public func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User {
        let now = clock.now()
        return try writeTransaction { try writes($0).setOnLeave(id, onLeave, by: actor, at: now) }
    }
}

/// Pools, rules, access and owner limits on PostgreSQL (the rule preview, which evaluates the
/// sweep's rules, comes with the sweep).
extension PostgresPoolDatabase {
    public func createPool(_ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { try PoolWrites($0).createPool(draft, by: actor, at: now) }
    }

    public func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { try PoolWrites($0).updatePool(id, draft, by: actor, at: now) }
    }

    public func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { try PoolWrites($0).setRules(rules, for: pool, by: actor, at: now) }
    }

    public func poolAccess() throws -> [PoolID: [PoolAccessEntry]] { try read { try SettingsQueries.access($0).entries } }

    public func ownerLimits() throws -> [LimitScope: OwnerLimit] { try read { try SettingsQueries.limits($0) } }

    public func rerouteCount(into pool: PoolID, limit: Int) throws -> Int { try PoolMoves(self, clock: clock).count(into: pool, limit: limit) }

    public func reroute(into pool: PoolID, by actor: Actor?) throws -> Int { try PoolMoves(self, clock: clock).move(into: pool, by: actor) }

    public func setPoolArchived(_ pool: PoolID, _ archived: Bool, by actor: Actor?) throws -> Int {
        let now = nowMillis
        try writeTransaction { try PoolWrites($0).setArchived(pool, archived, by: actor, at: now) }
        return archived ? try PoolMoves(self, clock: clock).evacuate(pool, by: actor) : 0
    }

    public func ruleVersions(of pool: PoolID) throws -> [RuleVersion] { try read { try PoolWrites($0).ruleVersions(of: pool) } }

    public func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?) throws {
        let now = nowMillis
        try writeTransaction { try PoolWrites($0).setOwnerLimit(limit, for: scope, by: actor, at: now) }
    }
}
