import Foundation
import PoolDomain
import PoolServices
import PoolStore
import Synchronization

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
    /// One per request, shared by the request's contexts (see `reading(from:)`).
    let request: RequestIdentity

    /// Guards the values below, each read from the store on first use. One lock and plain
    /// optionals, not a lazily computed box per value: a request that reads none of them (a
    /// `__typename`, a mutation) paid a tenth of its time allocating five boxes and locks.
    /// A `Mutex` lives inside the object; an `NSLock` was an allocation and a mutex set up and
    /// torn down per request. A request runs on its one worker thread, so the lock is all but
    /// never contended: its uncontended path is atomics inlined here, which ThreadSanitizer
    /// follows (its contended path, inside the library, ThreadSanitizer would not see).
    private let lock = Mutex<Void>(())
    private var directory: [UserID: User]?
    private var poolList: [Pool]?
    private var departmentList: [Department]?
    private var viewerValue: Viewer?
    private var limitValues: [LimitScope: OwnerLimit]?
    private var accessEntries: [PoolID: [PoolAccessEntry]]?
    /// The memo readings the viewer came from, when `vouchesScope`.
    private var vouched: MemoTokens?
    /// The viewer is computed from the memos, not read, and the page's one statement vouches
    /// for it (`vouching`): a plan that reads once runs this way, without a snapshot.
    private let vouchesScope: Bool

    /// The operator's choices the services decide with.
    let settings: ServiceSettings

    init(
        user: User, scope: TokenScope = .full, tokenID: Int64? = nil, database: any PoolDatabase, requestID: String, limits: APILimits,
        clock: any TimeSource, settings: ServiceSettings = .standard, log: @escaping @Sendable (String) -> Void,
        request: RequestIdentity = RequestIdentity(), vouchesScope: Bool = false
    ) {
        self.request = request
        self.vouchesScope = vouchesScope
        self.settings = settings
        self.user = user
        self.actor = Actor(user, scope: scope, tokenID: tokenID)
        self.database = database
        self.requestID = requestID
        self.limits = limits
        self.clock = clock
        self.log = log
    }

    /// The same request reading from `snapshot`: every resolver of a query reads one moment.
    /// Made before any resolver runs, so there is nothing in the per-request memos to carry.
    func reading(from snapshot: any PoolDatabase) -> RequestContext {
        RequestContext(
            user: user, scope: actor.scope, tokenID: actor.tokenID, database: snapshot, requestID: requestID, limits: limits,
            clock: clock, settings: settings, log: log, request: request)
    }

    /// The same request with its scope computed from the memos (see `vouchesScope`).
    func vouchingScope() -> RequestContext {
        RequestContext(
            user: user, scope: actor.scope, tokenID: actor.tokenID, database: database, requestID: requestID, limits: limits,
            clock: clock, settings: settings, log: log, request: request, vouchesScope: true)
    }

    /// The use cases resolvers call, for this request's store and clock.
    var services: PoolServices { PoolServices(store: database, clock: clock, settings: settings) }

    /// The value in `slot`, made by `make` (a read of the store, which never calls back here)
    /// the first time any thread asks.
    private func once<T: Sendable>(_ slot: inout T?, _ make: () throws -> T) throws -> T {
        try lock.withLock { _ in
            if let value = slot { return value }
            let made = try make()
            slot = made
            return made
        }
    }

    /// What the caller may see, computed on first use.
    func viewer() throws -> Viewer {
        try once(&viewerValue) {
            guard vouchesScope else { return try database.viewer(for: actor) }
            // No reading of a memo yet: the snapshot's run reads it.
            guard let vouched = database.viewerFromMemos(for: actor) else { throw ScopeMoved() }
            self.vouched = vouched.tokens
            return vouched.viewer
        }
    }

    /// What a statement must see to vouch for this request's scope; nil when it read its viewer.
    var vouching: MemoTokens? {
        lock.withLock { _ in vouchesScope ? vouched ?? MemoTokens() : nil }
    }

    var scope: CustomerScope { get throws { try viewer().scope } }

    /// Visibility of one customer, collaborations included.
    func canSee(_ customer: Customer) throws -> Bool {
        try services.customers.canSee(customer, as: try viewer())
    }

    var today: Day { database.calendar.day(of: clock.now()) }

    func forecaster() throws -> ReclaimForecaster {
        ReclaimForecaster(pools: try pools(), calendar: database.calendar, today: today)
    }

    func user(_ id: UserID?) throws -> User? {
        guard let id else { return nil }
        return try users()[id]
    }

    /// Every user, read once per request from the store, which keeps them between requests
    /// (`userDirectory`): looking each page's owners up in it costs less than collecting their
    /// ids and asking for those.
    private func users() throws -> [UserID: User] { try once(&directory) { try database.userDirectory() } }

    /// All pools, loaded once per request: there are few, and most pages name several.
    func pools() throws -> [Pool] { try once(&poolList) { try database.pools() } }

    func pool(_ id: PoolID?) throws -> Pool? {
        guard let id else { return nil }
        return try pools().first { $0.id == id }
    }

    func departments() throws -> [Department] { try once(&departmentList) { try database.departments() } }

    func department(_ id: DepartmentID?) throws -> Department? {
        guard let id else { return nil }
        return try departments().first { $0.id == id }
    }

    func ownerLimits() throws -> [LimitScope: OwnerLimit] { try once(&limitValues) { try database.ownerLimits() } }

    func poolAccess() throws -> [PoolID: [PoolAccessEntry]] { try once(&accessEntries) { try database.poolAccess() } }

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

/// Tells one request's contexts from another's: a query's snapshot context is a second object.
final class RequestIdentity: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    /// Customers whose unmasked contact details this request read, in order, once each.
    private var contactReads: [CustomerID] = []
    private var contactSeen: Set<CustomerID> = []
    /// Customer list pages this request read that are recorded (`AccessRecords.recordsList`).
    private var lists: [(ids: [CustomerID], filter: String)] = []

    func noteContactRead(_ id: CustomerID) {
        lock.withLock { _ in if contactSeen.insert(id).inserted { contactReads.append(id) } }
    }

    func noteList(_ ids: [CustomerID], filter: String) {
        lock.withLock { _ in
            // The verifying executor runs a query twice; one page is one record.
            if !lists.contains(where: { $0.ids == ids && $0.filter == filter }) { lists.append((ids, filter)) }
        }
    }

    /// What to record for this request, once it has run: one record per recorded list page
    /// and one for all contact details read.
    func accessEntries(by actor: Actor) -> [AccessEntry] {
        lock.withLock { _ in
            var entries = lists.map {
                AccessEntry(userID: actor.userID, tokenID: actor.tokenID, kind: .bulkList, customerIDs: $0.ids, filter: $0.filter, rows: $0.ids.count)
            }
            if !contactReads.isEmpty {
                entries.append(
                    AccessEntry(
                        userID: actor.userID, tokenID: actor.tokenID, kind: .contactRead, customerIDs: contactReads, filter: nil,
                        rows: contactReads.count))
            }
            return entries
        }
    }
}
