import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Runs `body` in a write transaction with the facts of customer `id` as `actor` sees them.
    /// SQLite needs no lock of its own for the facts: the immediate transaction holds the
    /// database's only write lock until the change commits.
    func withFacts<T>(of id: CustomerID, by actor: Actor, _ body: (Database, SQLiteCustomerFacts) throws -> T) throws -> T {
        let now = clock.now()
        return try writeTransaction { db in
            let writes = writes(db)
            guard let customer = try writes.customer(id) else { throw PoolError.notFound(entity: "Customer") }
            let facts = SQLCustomerFacts(
                writes: writes, customer: customer, viewer: try writes.viewer(actor, customers: [id]), now: now, calendar: calendar)
            return try body(db, SQLiteCustomerFacts(facts))
        }
    }
}

/// The shared facts for SQLite's session, as a concrete type. The application layer calls
/// facts through `any CustomerFacts`; through a generic type's conformance those calls ran the
/// unspecialized code and looked generic metadata up at run time, inside the write lock, and
/// claims lost a seventh of their rate. Forwarding from a concrete type lets each call be
/// specialized for `Database`.
struct SQLiteCustomerFacts: CustomerFacts {
    let shared: SQLCustomerFacts<Database>

    init(_ shared: SQLCustomerFacts<Database>) { self.shared = shared }

    var customer: Customer { shared.customer }
    var viewer: Viewer { shared.viewer }
    var now: Date { shared.now }
    var calendar: LocalCalendar { shared.calendar }
    func user(_ id: UserID) throws -> User { try shared.user(id) }
    func ownerName() throws -> String? { try shared.ownerName() }
    func poolTarget(explicit: PoolID?) throws -> (PoolID, RoutingReason) { try shared.poolTarget(explicit: explicit) }
    func ownedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) { try shared.ownedLoad(of: user) }
    func lockedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) { try shared.lockedLoad(of: user) }
    func claimFacts(of claimant: User) throws -> (facts: ClaimFacts, rules: ClaimRules, limit: OwnerLimit)? {
        try shared.claimFacts(of: claimant)
    }
}
