import Foundation
import GRDB
import PoolDomain

/// Keeps the last reading of data that nearly every request consults and an administrator
/// changes rarely: the settings (a claim read them in five statements, a fifth of its time in
/// the writer's serial section) and the directory of users (a page of customers read its owners
/// in a statement of its own).
///
/// A reading is reused while its token in `settings_version` is what it was when it was read.
/// Triggers set that token to a fresh random number on every change to the tables it covers
/// (migrations v7 and v8), so the check holds for every connection, for changes made by other
/// processes, and inside a transaction that changed them. A random token rather than a counter:
/// a counter rolled back with its transaction would come round again for different contents.
///
/// (SQLite reports no changes to WITHOUT ROWID tables such as `owner_limits` to update hooks, so a
/// GRDB transaction observer could not do this.)
final class TokenMemo<Value: Sendable>: @unchecked Sendable {
    private let tokenSQL: String
    private let fetch: (Database) throws -> Value
    private let lock = NSLock()
    private var reading: (token: Int64, value: Value)?

    /// - Parameter token: the column of `settings_version` that changes with the value.
    init(token: String, fetch: @escaping (Database) throws -> Value) {
        tokenSQL = "SELECT \(token) FROM settings_version"
        self.fetch = fetch
    }

    func value(_ db: Database) throws -> Value {
        let token = try db.fetchOne(cachedSQL: tokenSQL, as: { $0.int64(0) }) ?? 0
        if let kept = lock.withLock({ reading }), kept.token == token { return kept.value }
        let fresh = try fetch(db)
        lock.withLock { reading = (token, fresh) }
        return fresh
    }
}

/// What every ownership change consults: the department tree, the pools with their rules, who
/// may use each pool, and the owner limits. Kept by a `TokenMemo` on `settings_version.token`.
struct Settings: Sendable {
    static let tables = ["departments", "pools", "pool_rule_versions", "pool_access", "owner_limits"]

    let tree: DepartmentTree
    let pools: [Pool]
    let access: PoolAccess
    let limits: [LimitScope: OwnerLimit]

    static func fetch(_ db: Database) throws -> Settings {
        Settings(
            tree: DepartmentTree(try SQLitePoolDatabase.fetchDepartments(db)),
            pools: try SQLitePoolDatabase.fetchPools(db), access: try SQLitePoolDatabase.fetchAccess(db),
            limits: try SQLitePoolDatabase.fetchLimits(db))
    }

    func pool(_ id: PoolID) -> Pool? { pools.first { $0.id == id } }
}

/// Every user, by id: owners, authors and actors named on every page. Kept by a `TokenMemo` on
/// `settings_version.directory_token`, which changes with the columns a `User` holds (not with
/// sign-in bookkeeping such as failed attempts).
struct Directory: Sendable {
    static let trackedColumns = ["name", "role", "department_id", "active", "on_leave"]

    let users: [UserID: User]

    static func fetch(_ db: Database) throws -> Directory {
        let users = try db.fetchAll(cachedSQL: "SELECT \(RowDecoding.userColumns) FROM users", as: RowDecoding.user)
        return Directory(users: Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }
}
