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
///
/// The same on both backends: on PostgreSQL the token is read in the request's own snapshot
/// too, so a change committed through another instance is seen by this instance's next read.
public final class TokenMemo<Value: MemoReading>: @unchecked Sendable {
    private let token: KeyPath<VersionTokens, Int64>
    private let lock = NSLock()
    private var reading: (token: Int64, value: Value)?

    /// - Parameter token: the token of `settings_version` that changes with the value.
    public init(token: KeyPath<VersionTokens, Int64>) {
        self.token = token
    }

    public func value<Session: SQLSession>(_ session: Session) throws -> Value {
        let token = try session.versionTokens()[keyPath: self.token]
        if let kept = lock.withLock({ reading }), kept.token == token { return kept.value }
        let fresh = try Value.fetch(session)
        lock.withLock { reading = (token, fresh) }
        return fresh
    }

    /// The last reading, unchecked: for a query that reads the token in its own statement and
    /// compares it with this one (see `CustomerRowQueries`).
    public func latest() -> (token: Int64, value: Value)? {
        lock.withLock { reading }
    }
}

/// A value a `TokenMemo` keeps: read whole from a session.
public protocol MemoReading: Sendable {
    static func fetch<Session: SQLSession>(_ session: Session) throws -> Self
}

/// What every ownership change consults: the department tree, the pools with their rules, who
/// may use each pool, and the owner limits. Kept by a `TokenMemo` on `settings_version.token`.
public struct Settings: MemoReading {
    static let tables = ["departments", "pools", "pool_rule_versions", "pool_access", "owner_limits"]

    public let tree: DepartmentTree
    public let pools: [Pool]
    public let access: PoolAccess
    public let limits: [LimitScope: OwnerLimit]

    public static func fetch<Session: SQLSession>(_ session: Session) throws -> Settings {
        Settings(
            tree: DepartmentTree(try SettingsQueries.departments(session)),
            pools: try SettingsQueries.pools(session), access: try SettingsQueries.access(session),
            limits: try SettingsQueries.limits(session))
    }

    public func pool(_ id: PoolID) -> Pool? { pools.first { $0.id == id } }
}

/// Every user, by id: owners, authors and actors named on every page. Kept by a `TokenMemo` on
/// `settings_version.directory_token`, which changes with the columns a `User` holds (not with
/// sign-in bookkeeping such as failed attempts).
public struct Directory: MemoReading {
    static let trackedColumns = ["name", "role", "department_id", "active", "on_leave"]

    public let users: [UserID: User]

    public static func fetch<Session: SQLSession>(_ session: Session) throws -> Directory {
        let users = try session.fetchAll("SELECT \(RowDecoding.userColumns) FROM users", RowDecoding.user)
        return Directory(users: Dictionary(users.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first }))
    }
}

/// Both change tokens of `settings_version`, read in one statement (see `SQLSession.versionTokens`).
public struct VersionTokens: Sendable, Equatable {
    /// Changes with departments, pools, rules, pool access and owner limits.
    public let settings: Int64
    /// Changes with what a `User` holds.
    public let directory: Int64

    public init(settings: Int64, directory: Int64) {
        self.settings = settings
        self.directory = directory
    }

    public static let sql = "SELECT token, directory_token FROM settings_version"
}

extension SQLSession {
    /// Reads both tokens: one statement whichever memos a request consults.
    public func readVersionTokens() throws -> VersionTokens {
        try fetchOne(VersionTokens.sql) { VersionTokens(settings: $0.int64(0), directory: $0.int64(1)) }
            ?? VersionTokens(settings: 0, directory: 0)
    }

    public func versionTokens() throws -> VersionTokens { try readVersionTokens() }
}
