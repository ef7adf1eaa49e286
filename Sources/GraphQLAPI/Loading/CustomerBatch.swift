import Foundation
import PoolDomain

/// The customers resolved together (a page, a mutation's results). The first time any of them
/// needs related data, it is loaded for all of them in one query: a page of 100 customers with
/// owner, pool and last follow-up costs a fixed handful of statements, not 300.
final class CustomerBatch: @unchecked Sendable {
    let customers: [Customer]
    let context: RequestContext
    private let lock = NSLock()
    private var followUpsByLimit: [Int: [CustomerID: [FollowUp]]] = [:]
    private var events: [CustomerID: [OwnershipEvent]]?
    private var collaboratorLists: [CustomerID: [(UserID, CollaboratorAccess)]]?
    private var followUpUsers: [Int: UserPrefetch] = [:]
    private var eventUsers: UserPrefetch?

    init(_ customers: [Customer], context: RequestContext) {
        self.customers = customers
        self.context = context
    }

    func nodes() -> [CustomerNode] { customers.map { CustomerNode(customer: $0, batch: self) } }

    /// Owners, previous owners and creators of every customer in the batch.
    func user(_ id: UserID?) throws -> User? {
        try context.user(id)
    }

    func followUps(of id: CustomerID, limit: Int) throws -> [FollowUpNode] {
        try withLock {
            if followUpsByLimit[limit] == nil {
                let loaded = try context.database.followUps(of: customers.map(\.id), limitEach: limit)
                followUpsByLimit[limit] = loaded
                followUpUsers[limit] = UserPrefetch(loaded.values.flatMap { $0 }.compactMap(\.byID), context: context)
            }
            let users = followUpUsers[limit]!
            return (followUpsByLimit[limit]?[id] ?? []).map { FollowUpNode(followUp: $0, users: users) }
        }
    }

    func events(of id: CustomerID) throws -> [EventNode] {
        try withLock {
            if events == nil {
                let loaded = try context.database.ownershipEvents(of: customers.map(\.id))
                events = loaded
                eventUsers = UserPrefetch.forEvents(loaded.values.flatMap { $0 }, context: context)
            }
            let users = eventUsers!
            return (events?[id] ?? []).map { EventNode(event: $0, users: users) }
        }
    }

    func collaborators(of id: CustomerID) throws -> [CollaboratorValue] {
        try withLock {
            if collaboratorLists == nil {
                let loaded = try context.database.collaborators(of: customers.map(\.id))
                try context.preloadUsers(loaded.values.flatMap { $0.map(\.0) })
                collaboratorLists = loaded
            }
            return (collaboratorLists?[id] ?? []).map { CollaboratorValue(userID: $0.0, access: $0.1, context: context) }
        }
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A customer as the resolvers see it: the record plus the batch it was loaded with.
///
/// A class: every field's resolver casts its parent out of an existential, and copying a
/// `Customer` out of one retained each of its dozen strings, a third of a page's executor time.
final class CustomerNode: Sendable {
    let customer: Customer
    let batch: CustomerBatch

    init(customer: Customer, batch: CustomerBatch) {
        self.customer = customer
        self.batch = batch
    }
}

/// The users a group of sibling values names (authors of follow-ups, actors of events), looked
/// up in the request's users, and the customers events name, loaded once for all of them.
final class UserPrefetch: @unchecked Sendable {
    let context: RequestContext
    private let ids: [UserID]
    fileprivate let once = NSLock()
    private var loaded = false
    fileprivate var customerIDs: [CustomerID] = []
    fileprivate var customerNodes: [CustomerID: CustomerNode]?

    init(_ ids: [UserID], context: RequestContext) {
        self.ids = ids
        self.context = context
    }

    func user(_ id: UserID?) throws -> User? {
        once.lock()
        defer { once.unlock() }
        if !loaded {
            try context.preloadUsers(ids)
            loaded = true
        }
        return try context.user(id)
    }
}

struct FollowUpNode: Sendable {
    let followUp: FollowUp
    let users: UserPrefetch

    static func nodes(_ followUps: [FollowUp], context: RequestContext) -> [FollowUpNode] {
        let users = UserPrefetch(followUps.compactMap(\.byID), context: context)
        return followUps.map { FollowUpNode(followUp: $0, users: users) }
    }
}

struct EventNode: Sendable {
    let event: OwnershipEvent
    let users: UserPrefetch
}

extension UserPrefetch {
    static func forEvents(_ events: [OwnershipEvent], context: RequestContext) -> UserPrefetch {
        let prefetch = UserPrefetch(events.flatMap { [$0.fromOwnerID, $0.toOwnerID, $0.actorID] }.compactMap { $0 }, context: context)
        prefetch.customerIDs = Array(Set(events.map(\.customerID)))
        return prefetch
    }

    /// The customers the events name, loaded once for all of them and shown only if visible.
    func customer(_ id: CustomerID) throws -> CustomerNode? {
        once.lock()
        defer { once.unlock() }
        if customerNodes == nil {
            let loaded = try context.database.customers(ids: customerIDs)
            let visible = try loaded.values.filter { try context.canSee($0) }.sorted { $0.id < $1.id }
            customerNodes = Dictionary(uniqueKeysWithValues: CustomerBatch(visible, context: context).nodes().map { ($0.customer.id, $0) })
        }
        return customerNodes?[id]
    }
}
