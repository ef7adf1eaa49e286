import Foundation
import PoolDomain
import PoolStore

/// Everything resolvers of one request share: who asks, the database, and per-request caches
/// that turn many small lookups into one query each.
public final class RequestContext: @unchecked Sendable {
    public let user: User
    public let actor: Actor
    let database: any PoolDatabase
    let requestID: String
    let limits: APILimits
    let log: @Sendable (String) -> Void

    private let lock = NSLock()
    private var usersByID: [UserID: User]
    private lazy var poolList = OnceValue { [database] in try database.pools() }
    private lazy var departmentList = OnceValue { [database] in try database.departments() }

    init(
        user: User, database: any PoolDatabase, requestID: String, limits: APILimits,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.user = user
        self.actor = Actor(user)
        self.database = database
        self.requestID = requestID
        self.limits = limits
        self.log = log
        self.usersByID = [user.id: user]
    }

    var scope: CustomerScope { .of(actor) }

    /// Loads whichever of `ids` are not cached yet, in one query.
    func preloadUsers(_ ids: some Sequence<UserID>) throws {
        lock.lock()
        defer { lock.unlock() }
        let missing = Set(ids).subtracting(usersByID.keys)
        guard !missing.isEmpty else { return }
        for (id, user) in try database.users(ids: Array(missing)) { usersByID[id] = user }
    }

    func user(_ id: UserID?) throws -> User? {
        guard let id else { return nil }
        try preloadUsers([id])
        return lock.withLock { usersByID[id] }
    }

    /// All pools, loaded once per request: there are few, and most pages name several.
    func pools() throws -> [Pool] { try lock.withLock { poolList }.get() }

    func pool(_ id: PoolID?) throws -> Pool? {
        guard let id else { return nil }
        return try pools().first { $0.id == id }
    }

    func departments() throws -> [Department] { try lock.withLock { departmentList }.get() }

    func department(_ id: DepartmentID?) throws -> Department? {
        guard let id else { return nil }
        return try departments().first { $0.id == id }
    }
}

/// Limits on what one request may ask for; all configurable.
public struct APILimits: Sendable {
    public var maxDepth: Int
    public var maxCost: Int
    public var maxPageSize: Int
    public var maxBatchIDs: Int

    public init(maxDepth: Int = 12, maxCost: Int = 10_000, maxPageSize: Int = 100, maxBatchIDs: Int = 100) {
        self.maxDepth = maxDepth
        self.maxCost = maxCost
        self.maxPageSize = maxPageSize
        self.maxBatchIDs = maxBatchIDs
    }
}

/// A value computed at most once, on first use, by whichever thread asks first.
final class OnceValue<T>: @unchecked Sendable {
    private let lock = NSLock()
    private let make: () throws -> T
    private var value: T?

    init(_ make: @escaping () throws -> T) { self.make = make }

    func get() throws -> T {
        lock.lock()
        defer { lock.unlock() }
        if let value { return value }
        let made = try make()
        value = made
        return made
    }
}
