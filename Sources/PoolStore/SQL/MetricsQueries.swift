import Foundation
import PoolDomain

/// Counts over ownership history for reports, the same on both backends; reads only.
public struct MetricsQueries<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    private var idList: String { Session.dialect.idList }

    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        guard !users.isEmpty else { return [] }
        let ids = SQLList.ids(users.map(\.rawValue))
        let (start, end) = (SQLValue.int(Timestamp.encode(from)), SQLValue.int(Timestamp.encode(to)))
        var metrics = Dictionary(uniqueKeysWithValues: users.map { ($0, RepMetrics(userID: $0)) })
        let rows = try session.fetchAll(
            """
            WITH ev AS (SELECT * FROM ownership_events WHERE at >= ? AND at < ?),
                 taken AS (SELECT DISTINCT customer_id, to_owner_id FROM ev
                           WHERE kind IN ('claim', 'assign') AND from_pool_id IS NOT NULL)
            SELECT u.id,
              (SELECT COUNT(*) FROM ev WHERE kind = 'claim' AND to_owner_id = u.id),
              (SELECT COUNT(*) FROM ev WHERE kind = 'assign' AND to_owner_id = u.id),
              (SELECT COUNT(*) FROM ev WHERE kind = 'release' AND from_owner_id = u.id),
              (SELECT COUNT(*) FROM ev WHERE kind = 'reclaim' AND from_owner_id = u.id),
              (SELECT COUNT(*) FROM follow_ups f WHERE f.by_user_id = u.id AND f.at >= ? AND f.at < ?),
              (SELECT COUNT(*) FROM taken t JOIN customers c ON c.id = t.customer_id
                WHERE t.to_owner_id = u.id AND c.owner_id = u.id AND c.status = 'won'),
              (SELECT coalesce(SUM(c.deal_amount_cents), 0) FROM taken t JOIN customers c ON c.id = t.customer_id
                WHERE t.to_owner_id = u.id AND c.owner_id = u.id AND c.status = 'won')
            FROM users u WHERE u.id IN (\(idList))
            """, [start, end, start, end, ids]
        ) { row in (UserID(row.int64(0)), (1...7).map { row.int64(Int32($0)) }) }
        for (id, counts) in rows {
            metrics[id]?.claimed = Int(counts[0])
            metrics[id]?.assigned = Int(counts[1])
            metrics[id]?.released = Int(counts[2])
            metrics[id]?.reclaimed = Int(counts[3])
            metrics[id]?.followUps = Int(counts[4])
            metrics[id]?.convertedToWon = Int(counts[5])
            metrics[id]?.wonAmountCents = counts[6]
        }
        let delays = try session.fetchAll(
            """
            SELECT e.to_owner_id,
              (SELECT min(f.at) FROM follow_ups f WHERE f.customer_id = e.customer_id
                 AND f.by_user_id = e.to_owner_id AND f.at >= e.at) - e.at
            FROM ownership_events e WHERE e.kind = 'claim' AND e.at >= ? AND e.at < ?
              AND e.to_owner_id IN (\(idList))
            """, [start, end, ids]
        ) { row in (UserID(row.int64(0)), row.optionalInt64(1)) }
        var hours: [UserID: [Double]] = [:]
        for (user, delay) in delays {
            guard let delay else { continue }
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
        return try session.fetchAll(
            """
            WITH ev AS (SELECT * FROM ownership_events WHERE at >= ? AND at < ?)
            SELECT p.id,
              (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id),
              (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND coalesce(c.entered_pool_at, c.created_at) > ?),
              (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND coalesce(c.entered_pool_at, c.created_at) <= ?
                 AND coalesce(c.entered_pool_at, c.created_at) > ?),
              (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND coalesce(c.entered_pool_at, c.created_at) <= ?
                 AND coalesce(c.entered_pool_at, c.created_at) > ?),
              (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND coalesce(c.entered_pool_at, c.created_at) <= ?),
              (SELECT COUNT(*) FROM ev WHERE to_pool_id = p.id),
              (SELECT COUNT(*) FROM ev WHERE from_pool_id = p.id AND to_owner_id IS NOT NULL),
              (SELECT COUNT(*) FROM ev WHERE from_pool_id = p.id AND kind = 'claim'),
              (SELECT COUNT(*) FROM ev WHERE to_pool_id = p.id AND kind = 'reclaim'),
              (SELECT COUNT(DISTINCT ev.customer_id) FROM ev JOIN customers c ON c.id = ev.customer_id
                 WHERE ev.from_pool_id = p.id AND ev.to_owner_id IS NOT NULL AND c.status = 'won')
            FROM pools p WHERE p.id IN (\(idList)) ORDER BY p.priority DESC, p.id
            """,
            [.int(Timestamp.encode(from)), .int(Timestamp.encode(to)), week, week, month, month, quarter, quarter,
             SQLList.ids(pools.map(\.rawValue))]
        ) { row in
            var metrics = PoolMetrics(poolID: PoolID(row.int64(0)))
            metrics.size = row.int(1)
            metrics.ageBuckets = [row.int(2), row.int(3), row.int(4), row.int(5)]
            metrics.inflow = row.int(6)
            metrics.outflow = row.int(7)
            metrics.claimed = row.int(8)
            metrics.reclaimedInto = row.int(9)
            metrics.convertedToWon = row.int(10)
            return metrics
        }
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
    /// pools, and "claim" and "reclaim", for the `days` days through `through`.
    public func dailyEventCounts(days: Int, through: Day, calendar: LocalCalendar) throws -> [Day: [String: Int]] {
        let first = calendar.adding(-(days - 1), to: through)
        let start = Timestamp.encode(calendar.start(of: first))
        let end = Timestamp.encode(calendar.start(of: calendar.adding(1, to: through)))
        let rows = try session.fetchAll(
            """
            SELECT at, kind, CASE WHEN to_pool_id IS NOT NULL THEN 1 ELSE 0 END,
              CASE WHEN from_pool_id IS NOT NULL AND to_owner_id IS NOT NULL THEN 1 ELSE 0 END
            FROM ownership_events WHERE at >= ? AND at < ?
            """, [.int(start), .int(end)]
        ) { row in (row.int64(0), row.text(1), row.bool(2), row.bool(3)) }
        var counts: [Day: [String: Int]] = [:]
        for (at, kind, inflow, outflow) in rows {
            let day = calendar.day(of: Timestamp.decode(at))
            if inflow { counts[day, default: [:]]["inflow", default: 0] += 1 }
            if outflow { counts[day, default: [:]]["outflow", default: 0] += 1 }
            if kind == "claim" || kind == "reclaim" { counts[day, default: [:]][kind, default: 0] += 1 }
        }
        return counts
    }
}
