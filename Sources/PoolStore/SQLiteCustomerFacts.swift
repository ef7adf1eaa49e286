import Foundation
import GRDB
import PoolDomain

/// `CustomerFacts` read on the connection of the change's open write transaction.
struct SQLiteCustomerFacts: CustomerFacts {
    let store: SQLitePoolDatabase
    let db: Database
    let customer: Customer
    let viewer: Viewer
    let now: Date
    var calendar: LocalCalendar { store.calendar }

    func user(_ id: UserID) throws -> User { try store.requireUser(db, id) }

    func ownerName() throws -> String? { try store.ownerName(db, customer) }

    func poolTarget(explicit: PoolID?) throws -> (PoolID, RoutingReason) {
        try store.poolTarget(db, customer, explicit: explicit)
    }

    func ownedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) {
        let limit = try store.effectiveLimit(db, for: user)
        return (try store.ownedCount(db, user.id, limit), limit)
    }

    func lockedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) {
        let count = try Int.fetchOne(
            db, cachedSQL: "SELECT COUNT(*) FROM customers WHERE owner_id = ? AND locked = 1", arguments: [user.id.rawValue]) ?? 0
        return (count, try store.effectiveLimit(db, for: user))
    }

    func claimFacts(of claimant: User) throws -> (facts: ClaimFacts, rules: ClaimRules, limit: OwnerLimit)? {
        guard let poolID = customer.poolID else { return nil }
        let rules = try store.settingsMemo.value(db).pool(poolID)?.rules ?? .standard
        let limit = try store.effectiveLimit(db, for: claimant)
        let startOfToday = Timestamp.encode(calendar.start(of: calendar.day(of: now)))
        let claimsToday = try Int.fetchOne(
            db,
            cachedSQL: "SELECT COUNT(*) FROM ownership_events WHERE kind = 'claim' AND to_owner_id = ? AND from_pool_id = ? AND at >= ?",
            arguments: [claimant.id.rawValue, poolID.rawValue, startOfToday]) ?? 0
        let losers: [Int64]
        if rules.claim.cooldownIncludesDepartment, let department = claimant.departmentID {
            losers = try Int64.fetchAll(db, cachedSQL: "SELECT id FROM users WHERE department_id = ?", arguments: [department.rawValue])
        } else {
            losers = [claimant.id.rawValue]
        }
        let lastLost = try Int64.fetchOne(
            db,
            cachedSQL: """
                SELECT max(at) FROM ownership_events WHERE customer_id = ?
                  AND from_owner_id IN (SELECT value FROM json_each(?)) AND to_owner_id IS NOT from_owner_id
                """, arguments: [customer.id.rawValue, SQLitePoolDatabase.jsonIDs(losers)])
        let facts = ClaimFacts(
            ownedCount: try store.ownedCount(db, claimant.id, limit), claimsToday: claimsToday,
            lastLostAt: Timestamp.decode(optional: lastLost), enteredPoolAt: customer.enteredPoolAt)
        return (facts, rules.claim, limit)
    }
}

extension SQLitePoolDatabase {
    /// Runs `body` in a write transaction with the facts of customer `id` as `actor` sees them.
    func withFacts<T>(of id: CustomerID, by actor: Actor, _ body: (Database, SQLiteCustomerFacts) throws -> T) throws -> T {
        let now = clock.now()
        return try writeTransaction { db in
            guard let customer = try Self.fetchCustomer(db, id) else { throw PoolError.notFound(entity: "Customer") }
            let facts = SQLiteCustomerFacts(
                store: self, db: db, customer: customer, viewer: try viewer(db, actor, customers: [id]), now: now)
            return try body(db, facts)
        }
    }
}
