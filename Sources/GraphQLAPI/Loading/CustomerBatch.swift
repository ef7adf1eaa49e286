import Foundation
import PoolDomain

/// The customers resolved together (a page, a mutation's results). The first time any of them
/// needs related data, it is loaded for all of them in one query: a page of 100 customers with
/// owner, pool and last follow-up costs a fixed handful of statements, not 300.
final class CustomerBatch: @unchecked Sendable {
    let customers: [Customer]
    let context: RequestContext
    private let lock = NSLock()
    private var usersLoaded = false
    private var followUpsByLimit: [Int: [CustomerID: [FollowUp]]] = [:]
    private var events: [CustomerID: [OwnershipEvent]]?
    private var followUpBatches: [Int: FollowUpBatch] = [:]
    private var eventBatch: EventBatch?

    init(_ customers: [Customer], context: RequestContext) {
        self.customers = customers
        self.context = context
    }

    func nodes() -> [CustomerNode] { customers.map { CustomerNode(customer: $0, batch: self) } }

    /// Owners, previous owners and creators of every customer in the batch.
    func user(_ id: UserID?) throws -> User? {
        try withLock {
            if !usersLoaded {
                try context.preloadUsers(
                    customers.flatMap { [$0.ownerID, $0.previousOwnerID, $0.createdByID] }.compactMap { $0 })
                usersLoaded = true
            }
        }
        return try context.user(id)
    }

    func followUps(of id: CustomerID, limit: Int) throws -> ([FollowUp], FollowUpBatch) {
        try withLock {
            if followUpsByLimit[limit] == nil {
                let loaded = try context.database.followUps(of: customers.map(\.id), limitEach: limit)
                followUpsByLimit[limit] = loaded
                followUpBatches[limit] = FollowUpBatch(loaded.values.flatMap { $0 }, context: context)
            }
            return (followUpsByLimit[limit]?[id] ?? [], followUpBatches[limit]!)
        }
    }

    func events(of id: CustomerID) throws -> ([OwnershipEvent], EventBatch) {
        try withLock {
            if events == nil {
                let loaded = try context.database.ownershipEvents(of: customers.map(\.id))
                events = loaded
                eventBatch = EventBatch(loaded.values.flatMap { $0 }, context: context)
            }
            return (events?[id] ?? [], eventBatch!)
        }
    }

    private func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}

/// A customer as the resolvers see it: the record plus the batch it was loaded with.
struct CustomerNode: Sendable {
    let customer: Customer
    let batch: CustomerBatch
}

/// Follow-ups resolved together; their authors load in one query.
final class FollowUpBatch: @unchecked Sendable {
    let followUps: [FollowUp]
    let context: RequestContext
    private let once = NSLock()
    private var loaded = false

    init(_ followUps: [FollowUp], context: RequestContext) {
        self.followUps = followUps
        self.context = context
    }

    func user(_ id: UserID?) throws -> User? {
        once.lock()
        defer { once.unlock() }
        if !loaded {
            try context.preloadUsers(followUps.compactMap(\.byID))
            loaded = true
        }
        return try context.user(id)
    }
}

struct FollowUpNode: Sendable {
    let followUp: FollowUp
    let batch: FollowUpBatch
}

/// Ownership events resolved together; every user they name loads in one query.
final class EventBatch: @unchecked Sendable {
    let events: [OwnershipEvent]
    let context: RequestContext
    private let once = NSLock()
    private var loaded = false

    init(_ events: [OwnershipEvent], context: RequestContext) {
        self.events = events
        self.context = context
    }

    func user(_ id: UserID?) throws -> User? {
        once.lock()
        defer { once.unlock() }
        if !loaded {
            try context.preloadUsers(
                events.flatMap { [$0.fromOwnerID, $0.toOwnerID, $0.actorID] }.compactMap { $0 })
            loaded = true
        }
        return try context.user(id)
    }
}

struct EventNode: Sendable {
    let event: OwnershipEvent
    let batch: EventBatch
}
