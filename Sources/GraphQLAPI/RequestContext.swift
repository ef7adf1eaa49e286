import Foundation
import PoolDomain
import PoolStore

/// Everything resolvers of one request share: who asks, what they may see, the database, and
/// per-request caches that turn many small lookups into one query each.
public final class RequestContext: @unchecked Sendable {
    public let user: User
    public let actor: Actor
    let database: any PoolDatabase
    let requestID: String
    let limits: APILimits
    let clock: any TimeSource
    let log: @Sendable (String) -> Void
    /// Set in `verify` mode before the reference executor runs (see `RootReplay`).
    var rootReplay: RootReplay?

    private let lock = NSLock()
    private var usersByID: [UserID: User]
    private let poolList: OnceValue<[Pool]>
    private let departmentList: OnceValue<[Department]>
    private let viewerValue: OnceValue<Viewer>
    private let limitValues: OnceValue<[LimitScope: OwnerLimit]>
    private let accessEntries: OnceValue<[PoolID: [PoolAccessEntry]]>

    init(
        user: User, database: any PoolDatabase, requestID: String, limits: APILimits, clock: any TimeSource,
        log: @escaping @Sendable (String) -> Void
    ) {
        self.user = user
        self.actor = Actor(user)
        self.database = database
        self.requestID = requestID
        self.limits = limits
        self.clock = clock
        self.log = log
        self.usersByID = [user.id: user]
        let actor = self.actor
        poolList = OnceValue { try database.pools() }
        departmentList = OnceValue { try database.departments() }
        viewerValue = OnceValue { try database.viewer(for: actor) }
        limitValues = OnceValue { try database.ownerLimits() }
        accessEntries = OnceValue { try database.poolAccess() }
    }

    /// What the caller may see, computed on first use.
    func viewer() throws -> Viewer { try viewerValue.get() }

    var scope: CustomerScope { get throws { try viewer().scope } }

    /// Visibility of one customer, collaborations included.
    func canSee(_ customer: Customer) throws -> Bool {
        if try viewer().scope.contains(customer.placement) { return true }
        return try database.collaborators(of: [customer.id])[customer.id]?.contains { $0.0 == actor.userID } ?? false
    }

    var today: Day { database.calendar.day(of: clock.now()) }

    func forecaster() throws -> ReclaimForecaster {
        ReclaimForecaster(pools: try pools(), calendar: database.calendar, today: today)
    }

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
        if let user = lock.withLock({ usersByID[id] }) { return user }
        try preloadUsers([id])
        return lock.withLock { usersByID[id] }
    }

    /// All pools, loaded once per request: there are few, and most pages name several.
    func pools() throws -> [Pool] { try poolList.get() }

    func pool(_ id: PoolID?) throws -> Pool? {
        guard let id else { return nil }
        return try pools().first { $0.id == id }
    }

    func departments() throws -> [Department] { try departmentList.get() }

    func department(_ id: DepartmentID?) throws -> Department? {
        guard let id else { return nil }
        return try departments().first { $0.id == id }
    }

    func ownerLimits() throws -> [LimitScope: OwnerLimit] { try limitValues.get() }

    func poolAccess() throws -> [PoolID: [PoolAccessEntry]] { try accessEntries.get() }

    func effectiveLimit(of user: User) throws -> OwnerLimit {
        OwnerLimits.effective(
            for: user.id, departments: DepartmentTree(try departments()).ancestry(of: user.departmentID),
            in: try ownerLimits())
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
