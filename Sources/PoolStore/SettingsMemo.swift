import Foundation
import GRDB
import PoolDomain

/// What every ownership change consults and an administrator changes rarely: the department
/// tree, the pools with their rules, who may use each pool, and the owner limits.
struct Settings: Sendable {
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

/// Keeps the last reading of the settings. A claim read them in five statements (viewer,
/// rules, limits), a fifth of its time in the writer's serial section, though they had almost
/// never changed.
///
/// A reading is reused while `settings_version.token` is what it was when it was read. Triggers
/// set that token to a fresh random number on every change to a settings table (migration v7),
/// so the check holds for every connection, for changes made by other processes, and inside a
/// transaction that changed a setting. A random token rather than a counter: a counter rolled
/// back with its transaction would come round again for different settings.
///
/// (SQLite reports no changes to WITHOUT ROWID tables such as `owner_limits` to update hooks, so a
/// GRDB transaction observer could not do this.)
final class SettingsMemo: @unchecked Sendable {
    static let tables = ["departments", "pools", "pool_rule_versions", "pool_access", "owner_limits"]

    private let lock = NSLock()
    private var reading: (token: Int64, settings: Settings)?

    func settings(_ db: Database) throws -> Settings {
        let token = try Int64.fetchOne(db, cachedSQL: "SELECT token FROM settings_version") ?? 0
        if let kept = lock.withLock({ reading }), kept.token == token { return kept.settings }
        let fresh = try Settings.fetch(db)
        lock.withLock { reading = (token, fresh) }
        return fresh
    }
}
