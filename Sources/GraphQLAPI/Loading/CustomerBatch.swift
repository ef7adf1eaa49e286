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
    private var eventCustomers: EventCustomers?

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
            }
            return (followUpsByLimit[limit]?[id] ?? []).map { FollowUpNode(followUp: $0, context: context) }
        }
    }

    func events(of id: CustomerID) throws -> [EventNode] {
        try withLock {
            if events == nil {
                let loaded = try context.database.ownershipEvents(of: customers.map(\.id))
                events = loaded
                eventCustomers = EventCustomers(loaded.values.flatMap { $0 }, context: context)
            }
            let customers = eventCustomers!
            return (events?[id] ?? []).map { EventNode(event: $0, customers: customers) }
        }
    }

    func collaborators(of id: CustomerID) throws -> [CollaboratorValue] {
        try withLock {
            if collaboratorLists == nil {
                collaboratorLists = try context.database.collaborators(of: customers.map(\.id))
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

/// A follow-up as the resolvers see it; its author comes from the request's users.
struct FollowUpNode: Sendable {
    let followUp: FollowUp
    let context: RequestContext

    static func nodes(_ followUps: [FollowUp], context: RequestContext) -> [FollowUpNode] {
        followUps.map { FollowUpNode(followUp: $0, context: context) }
    }
}

/// An ownership event as the resolvers see it; its owners and actor come from the request's
/// users, its customer from the customers its sibling events name.
struct EventNode: Sendable {
    let event: OwnershipEvent
    let customers: EventCustomers

    var context: RequestContext { customers.context }
}

/// The customers a group of events names, loaded once for all of them.
final class EventCustomers: @unchecked Sendable {
    let context: RequestContext
    private let ids: [CustomerID]
    private let lock = NSLock()
    private var nodes: [CustomerID: CustomerNode]?

    init(_ events: [OwnershipEvent], context: RequestContext) {
        self.ids = Array(Set(events.map(\.customerID)))
        self.context = context
    }

    /// The customers the events name, loaded once for all of them and shown only if visible.
    func customer(_ id: CustomerID) throws -> CustomerNode? {
        lock.lock()
        defer { lock.unlock() }
        if nodes == nil {
            let loaded = try context.database.customers(ids: ids)
            let visible = try loaded.values.filter { try context.canSee($0) }.sorted { $0.id < $1.id }
            nodes = Dictionary(uniqueKeysWithValues: CustomerBatch(visible, context: context).nodes().map { ($0.customer.id, $0) })
        }
        return nodes?[id]
    }
}
