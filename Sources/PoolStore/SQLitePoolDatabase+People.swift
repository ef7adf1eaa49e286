import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func grant(forToken token: String) throws -> TokenGrant? {
        let now = nowMillis
        return try tokens.grant(of: token, at: Timestamp.decode(now)) { digest in
            let grant = try read { db in try PeopleWrites(db).grant(tokenDigest: digest, at: now) }
            // Last use, to the minute, outside the request's own work: bookkeeping never fails a request.
            if let id = grant?.tokenID, now - (grant?.lastUsedAt.map { Timestamp.encode($0) } ?? 0) >= SessionUse.touchEvery {
                try? writeTransaction { db in try PeopleWrites(db).recordTokenUse(id, at: now) }
            }
            return grant
        }
    }

    public func createDepartment(name: String, parentID: DepartmentID?, by actor: Actor?) throws -> Department {
        let now = nowMillis
        return try writeTransaction { db in try PeopleWrites(db).createDepartment(name: name, parentID: parentID, by: actor, at: now) }
    }

    public func updateDepartment(_ id: DepartmentID, name: String, parentID: DepartmentID?, by actor: Actor) throws -> Department {
        let now = nowMillis
        return try writeTransaction { db in try PeopleWrites(db).updateDepartment(id, name: name, parentID: parentID, by: actor, at: now) }
    }

    public func deleteDepartment(_ id: DepartmentID, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { db in try PeopleWrites(db).deleteDepartment(id, by: actor, at: now) }
    }

    public func departments() throws -> [Department] {
        try read { db in
            try SettingsQueries.departments(db)
        }
    }

    public func department(named name: String) throws -> Department? {
        try read { db in try PeopleWrites(db).department(named: name) }
    }

    public func createUser(name: String, role: Role, departmentID: DepartmentID?, by actor: Actor?) throws -> User {
        let now = nowMillis
        return try writeTransaction { db in
            try PeopleWrites(db).createUser(name: name, role: role, departmentID: departmentID, by: actor, at: now)
        }
    }

    public func users() throws -> [User] {
        try read { db in try PeopleWrites(db).users() }
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
        try read { db in try PeopleWrites(db).user(named: name) }
    }

    public func issueTokenRecord(
        for user: UserID, label: String?, expiresAt: Date?, scope: TokenScope, by actor: Actor?
    ) throws -> (token: String, info: TokenInfo) {
        let token = TokenDigest.newToken()
        let now = nowMillis
        let info = try writeTransaction { db in
            try PeopleWrites(db).issueToken(
                digest: TokenDigest.digest(token), for: user, label: label, expiresAt: expiresAt, scope: scope, by: actor, at: now)
        }
        return (token, info)
    }
}
