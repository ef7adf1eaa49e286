import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Runs `body` in a write transaction with the facts of customer `id` as `actor` sees them.
    /// SQLite needs no lock of its own for the facts: the immediate transaction holds the
    /// database's only write lock until the change commits.
    func withFacts<T>(of id: CustomerID, by actor: Actor, _ body: (Database, SQLCustomerFacts<Database>) throws -> T) throws -> T {
        let now = clock.now()
        return try writeTransaction { db in
            let writes = writes(db)
            guard let customer = try writes.customer(id) else { throw PoolError.notFound(entity: "Customer") }
            let facts = SQLCustomerFacts(
                writes: writes, customer: customer, viewer: try writes.viewer(actor, customers: [id]), now: now, calendar: calendar)
            return try body(db, facts)
        }
    }
}
