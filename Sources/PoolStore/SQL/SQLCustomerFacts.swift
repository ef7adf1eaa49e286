import Foundation
import PoolDomain

/// `CustomerFacts` read on the connection of the change's open write transaction, on either
/// backend.
///
/// `serialize` is called with a user before anything counted against that user's limits is
/// read. On SQLite it does nothing: the immediate transaction already holds the only write
/// lock. On PostgreSQL it takes a transaction-scoped advisory lock on the user, so two claims
/// by one rep through two instances count one after the other (see `PostgresPoolDatabase`).
public struct SQLCustomerFacts<Session: SQLSession>: CustomerFacts {
    let writes: OwnershipWrites<Session>
    public let customer: Customer
    public let viewer: Viewer
    public let now: Date
    public let calendar: LocalCalendar
    let serialize: (UserID) throws -> Void

    public init(
        writes: OwnershipWrites<Session>, customer: Customer, viewer: Viewer, now: Date, calendar: LocalCalendar,
        serialize: @escaping (UserID) throws -> Void = { _ in }
    ) {
        self.writes = writes
        self.customer = customer
        self.viewer = viewer
        self.now = now
        self.calendar = calendar
        self.serialize = serialize
    }

    var session: Session { writes.session }

    public func user(_ id: UserID) throws -> User { try writes.requireUser(id) }

    public func ownerName() throws -> String? { try writes.ownerName(customer) }

    public func poolTarget(explicit: PoolID?) throws -> (PoolID, RoutingReason) {
        try writes.poolTarget(customer, explicit: explicit)
    }

    public func ownedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) {
        try serialize(user.id)
        let limit = try writes.effectiveLimit(for: user)
        return (try writes.ownedCount(user.id, limit), limit)
    }

    public func lockedLoad(of user: User) throws -> (count: Int, limit: OwnerLimit) {
        try serialize(user.id)
        let count = try session.fetchOne(
            "SELECT COUNT(*) FROM customers WHERE owner_id = ? AND locked = 1", [.int(user.id.rawValue)]) { $0.int(0) } ?? 0
        return (count, try writes.effectiveLimit(for: user))
    }

    public func claimFacts(of claimant: User) throws -> (facts: ClaimFacts, rules: ClaimRules, limit: OwnerLimit)? {
        guard let poolID = customer.poolID else { return nil }
        try serialize(claimant.id)
        let rules = try writes.settings().pool(poolID)?.rules ?? .standard
        let limit = try writes.effectiveLimit(for: claimant)
        let startOfToday = Timestamp.encode(calendar.start(of: calendar.day(of: now)))
        let claimsToday = try session.fetchOne(
            "SELECT COUNT(*) FROM ownership_events WHERE kind = 'claim' AND to_owner_id = ? AND from_pool_id = ? AND at >= ?",
            [.int(claimant.id.rawValue), .int(poolID.rawValue), .int(startOfToday)]) { $0.int(0) } ?? 0
        let losers: [Int64]
        if rules.claim.cooldownIncludesDepartment, let department = claimant.departmentID {
            losers = try session.fetchAll("SELECT id FROM users WHERE department_id = ?", [.int(department.rawValue)]) { $0.int64(0) }
        } else {
            losers = [claimant.id.rawValue]
        }
        let lastLost = try session.fetchOne(
            """
            SELECT max(at) FROM ownership_events WHERE customer_id = ?
              AND from_owner_id IN (\(Session.dialect.idList)) AND to_owner_id IS DISTINCT FROM from_owner_id
            """, [.int(customer.id.rawValue), SQLList.ids(losers)]) { $0.optionalInt64(0) } ?? nil
        let facts = ClaimFacts(
            ownedCount: try writes.ownedCount(claimant.id, limit), claimsToday: claimsToday,
            lastLostAt: Timestamp.decode(optional: lastLost), enteredPoolAt: customer.enteredPoolAt)
        return (facts, rules.claim, limit)
    }
}
