import Foundation
import PoolDomain

/// Counts over ownership history for reports, the same on both backends; reads only.
public struct MetricsQueries<Session: SQLSession> {
    public let session: Session
    public let calendar: LocalCalendar

    public init(_ session: Session, calendar: LocalCalendar) {
        self.session = session
        self.calendar = calendar
    }

    private var idList: String { Session.dialect.idList }

    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        guard !users.isEmpty else { return [] }
        var metrics = Dictionary(uniqueKeysWithValues: users.map { ($0, RepMetrics(userID: $0)) })
        for (user, row) in try DailyFacts(session, calendar: calendar).repTotals(from: from, to: to) where metrics[user] != nil {
            metrics[user]?.claimed = row.claimed
            metrics[user]?.assigned = row.assigned
            metrics[user]?.released = row.released
            metrics[user]?.reclaimed = row.reclaimed
            metrics[user]?.followUps = row.followUps
        }
        let (start, end) = (SQLValue.int(Timestamp.encode(from)), SQLValue.int(Timestamp.encode(to)))
        let won = try Self.converted(session, by: "owner_id", from: from, to: to) { row in (UserID(row.int64(0)), row.int(1), row.int64(2)) }
        for (user, count, cents) in won where metrics[user] != nil {
            metrics[user]?.convertedToWon = count
            metrics[user]?.wonAmountCents = cents
        }
        let delays = try session.fetchAll(
            """
            SELECT user_id, first_follow_up_at - claimed_at FROM claim_follow_ups
            WHERE claimed_at >= ? AND claimed_at < ? AND first_follow_up_at IS NOT NULL
            """, [start, end]
        ) { row in (UserID(row.int64(0)), row.int64(1)) }
        var hours: [UserID: [Double]] = [:]
        for (user, delay) in delays where metrics[user] != nil {
            hours[user, default: []].append(Double(delay) / 3_600_000)
        }
        for (user, values) in hours { metrics[user]?.medianHoursToFirstFollowUp = Median.of(values) }
        return users.compactMap { metrics[$0] }
    }

    public func poolMetrics(pools: [PoolID], from: Date, to: Date, now: Date) throws -> [PoolMetrics] {
        guard !pools.isEmpty else { return [] }
        let day: Int64 = 86_400_000
        let nowMillis = Timestamp.encode(now)
        let (week, month, quarter) = (SQLValue.int(nowMillis - 7 * day), SQLValue.int(nowMillis - 30 * day), SQLValue.int(nowMillis - 90 * day))
        // Sizes and ages in one pass over the pools' entries of `customers_pool_entered`.
        let ages = Dictionary(uniqueKeysWithValues: try session.fetchAll(
            """
            SELECT pool_id, COUNT(*),
              SUM(CASE WHEN coalesce(entered_pool_at, created_at) > ? THEN 1 ELSE 0 END),
              SUM(CASE WHEN coalesce(entered_pool_at, created_at) > ? THEN 1 ELSE 0 END),
              SUM(CASE WHEN coalesce(entered_pool_at, created_at) > ? THEN 1 ELSE 0 END)
            FROM customers WHERE pool_id IS NOT NULL AND pool_id IN (\(idList)) GROUP BY pool_id
            """,
            [week, month, quarter, SQLList.ids(pools.map(\.rawValue))]
        ) { row in (PoolID(row.int64(0)), (1...4).map { row.int(Int32($0)) }) })
        let order = try session.fetchAll(
            "SELECT id FROM pools WHERE id IN (\(idList)) ORDER BY priority DESC, id", [SQLList.ids(pools.map(\.rawValue))]
        ) { PoolID($0.int64(0)) }
        var metrics = order.map { id in
            var metrics = PoolMetrics(poolID: id)
            let counts = ages[id] ?? [0, 0, 0, 0]
            let (size, underWeek, underMonth, underQuarter) = (counts[0], counts[1], counts[2], counts[3])
            metrics.size = size
            metrics.ageBuckets = [underWeek, underMonth - underWeek, underQuarter - underMonth, size - underQuarter]
            return metrics
        }
        let flows = try DailyFacts(session, calendar: calendar).poolTotals(from: from, to: to)
        let converted = Dictionary(uniqueKeysWithValues: try Self.converted(session, by: "acquired_from_pool_id", from: from, to: to) {
            (PoolID($0.int64(0)), $0.int(1))
        })
        for index in metrics.indices {
            let id = metrics[index].poolID
            let flow = flows[id] ?? PoolCounts()
            metrics[index].inflow = flow.inflow
            metrics[index].outflow = flow.outflow
            metrics[index].claimed = flow.claimed
            metrics[index].reclaimedInto = flow.reclaimedInto
            metrics[index].convertedToWon = converted[id] ?? 0
        }
        return metrics
    }

    /// Customers per pool, from the tallies the customer triggers keep.
    public func poolSizes() throws -> [PoolID: Int] {
        Dictionary(uniqueKeysWithValues: try session.fetchAll(
            "SELECT pool_id, SUM(customers) FROM customer_tallies WHERE pool_id <> 0 GROUP BY pool_id"
        ) { (PoolID($0.int64(0)), $0.int(1)) })
    }

    /// Won customers whose current owner took them from a pool in the period, grouped by
    /// `column` (the owner, or the pool they came from), with their count and deal amounts: read
    /// from `customers_won_since` alone, not from the period's history.
    private static func converted<T>(
        _ session: Session, by column: String, from: Date, to: Date, _ decode: (Session.Row) throws -> T
    ) throws -> [T] {
        try session.fetchAll(
            """
            SELECT \(column), COUNT(*), coalesce(SUM(deal_amount_cents), 0) FROM customers
            WHERE status = 'won' AND owner_since >= ? AND owner_since < ? AND acquired_from_pool_id IS NOT NULL
            GROUP BY \(column)
            """, [.int(Timestamp.encode(from)), .int(Timestamp.encode(to))], decode)
    }

    /// Auto-assignments per eligible member of the pool in the period, zeros included.
    public func assignmentFairness(_ writes: OwnershipWrites<Session>, pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness {
        guard let pool = try writes.settings().pools.first(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
        var counts = Dictionary(uniqueKeysWithValues: try writes.assignmentCandidates(pool: pool, excluding: nil).map { ($0.userID, 0) })
        let rows = try session.fetchAll(
            """
            SELECT to_owner_id, COUNT(*) FROM ownership_events
            WHERE kind = 'assign' AND actor_id IS NULL AND from_pool_id = ? AND at >= ? AND at < ?
            GROUP BY to_owner_id
            """, [.int(pool.id.rawValue), .int(Timestamp.encode(from)), .int(Timestamp.encode(to))]
        ) { (UserID($0.int64(0)), $0.int(1)) }
        for (user, count) in rows { counts[user] = count }
        return AssignmentFairness(perMember: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
    }

    /// Ownership events per day and kind for the console's charts: "inflow" and "outflow" of
    /// pools, and "claim" and "reclaim", for the `days` days through `through`, from the pools'
    /// daily facts (every claim leaves a pool and every reclaim enters one).
    public func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]] {
        let first = calendar.adding(-(days - 1), to: through)
        let byOrdinal = Dictionary(uniqueKeysWithValues: (0..<days).map { offset in
            let day = calendar.adding(offset, to: first)
            return (day.ordinal, day)
        })
        let rows = try session.fetchAll(
            """
            SELECT day, SUM(inflow), SUM(outflow), SUM(claimed), SUM(reclaimed_into)
            FROM pool_day_facts WHERE day >= ? AND day <= ? GROUP BY day
            """, [.int(Int64(first.ordinal)), .int(Int64(through.ordinal))]
        ) { row in (row.int(0), (1...4).map { row.int(Int32($0)) }) }
        var counts: [Day: [String: Int]] = [:]
        for (ordinal, values) in rows {
            guard let day = byOrdinal[ordinal] else { continue }
            counts[day] = Dictionary(uniqueKeysWithValues: zip(["inflow", "outflow", "claim", "reclaim"], values).filter { $0.1 > 0 })
        }
        return counts
    }
}
