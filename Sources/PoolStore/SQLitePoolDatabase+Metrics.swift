import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        guard !users.isEmpty else { return [] }
        let ids = Self.jsonIDs(users.map(\.rawValue))
        let (start, end) = (Timestamp.encode(from), Timestamp.encode(to))
        return try read { db in
            var metrics = Dictionary(uniqueKeysWithValues: users.map { ($0, RepMetrics(userID: $0)) })
            for row in try Row.fetchAll(
                db,
                cachedSQL: """
                    WITH ev AS (SELECT * FROM ownership_events WHERE at >= :start AND at < :end),
                         taken AS (SELECT DISTINCT customer_id, to_owner_id FROM ev
                                   WHERE kind IN ('claim', 'assign') AND from_pool_id IS NOT NULL)
                    SELECT u.id,
                      (SELECT COUNT(*) FROM ev WHERE kind = 'claim' AND to_owner_id = u.id) AS claimed,
                      (SELECT COUNT(*) FROM ev WHERE kind = 'assign' AND to_owner_id = u.id) AS assigned,
                      (SELECT COUNT(*) FROM ev WHERE kind = 'release' AND from_owner_id = u.id) AS released,
                      (SELECT COUNT(*) FROM ev WHERE kind = 'reclaim' AND from_owner_id = u.id) AS reclaimed,
                      (SELECT COUNT(*) FROM follow_ups f WHERE f.by_user_id = u.id AND f.at >= :start AND f.at < :end) AS follow_ups,
                      (SELECT COUNT(*) FROM taken t JOIN customers c ON c.id = t.customer_id
                        WHERE t.to_owner_id = u.id AND c.owner_id = u.id AND c.status = 'won') AS converted,
                      (SELECT coalesce(SUM(c.deal_amount_cents), 0) FROM taken t JOIN customers c ON c.id = t.customer_id
                        WHERE t.to_owner_id = u.id AND c.owner_id = u.id AND c.status = 'won') AS won_amount
                    FROM users u WHERE u.id IN (SELECT value FROM json_each(:ids))
                    """, arguments: ["start": start, "end": end, "ids": ids])
            {
                let id = UserID(row["id"])
                metrics[id]?.claimed = row["claimed"]
                metrics[id]?.assigned = row["assigned"]
                metrics[id]?.released = row["released"]
                metrics[id]?.reclaimed = row["reclaimed"]
                metrics[id]?.followUps = row["follow_ups"]
                metrics[id]?.convertedToWon = row["converted"]
                metrics[id]?.wonAmountCents = row["won_amount"]
            }
            var delays: [UserID: [Double]] = [:]
            for row in try Row.fetchAll(
                db,
                cachedSQL: """
                    SELECT e.to_owner_id AS user_id,
                      (SELECT min(f.at) FROM follow_ups f WHERE f.customer_id = e.customer_id
                         AND f.by_user_id = e.to_owner_id AND f.at >= e.at) - e.at AS delay
                    FROM ownership_events e WHERE e.kind = 'claim' AND e.at >= ? AND e.at < ?
                      AND e.to_owner_id IN (SELECT value FROM json_each(?))
                    """, arguments: [start, end, ids])
            {
                guard let delay = row["delay"] as Int64? else { continue }
                delays[UserID(row["user_id"]), default: []].append(Double(delay) / 3_600_000)
            }
            for (user, values) in delays { metrics[user]?.medianHoursToFirstFollowUp = Median.of(values) }
            return users.compactMap { metrics[$0] }
        }
    }

    public func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics] {
        guard !pools.isEmpty else { return [] }
        let (start, end, now) = (Timestamp.encode(from), Timestamp.encode(to), nowMillis)
        let day: Int64 = 86_400_000
        return try read { db in
            try Row.fetchAll(
                db,
                cachedSQL: """
                    WITH ev AS (SELECT * FROM ownership_events WHERE at >= :start AND at < :end)
                    SELECT p.id,
                      (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id) AS size,
                      (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND :now - coalesce(c.entered_pool_at, c.created_at) < 7 * :day) AS age0,
                      (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND :now - coalesce(c.entered_pool_at, c.created_at) >= 7 * :day
                         AND :now - coalesce(c.entered_pool_at, c.created_at) < 30 * :day) AS age1,
                      (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND :now - coalesce(c.entered_pool_at, c.created_at) >= 30 * :day
                         AND :now - coalesce(c.entered_pool_at, c.created_at) < 90 * :day) AS age2,
                      (SELECT COUNT(*) FROM customers c WHERE c.pool_id = p.id AND :now - coalesce(c.entered_pool_at, c.created_at) >= 90 * :day) AS age3,
                      (SELECT COUNT(*) FROM ev WHERE to_pool_id = p.id) AS inflow,
                      (SELECT COUNT(*) FROM ev WHERE from_pool_id = p.id AND to_owner_id IS NOT NULL) AS outflow,
                      (SELECT COUNT(*) FROM ev WHERE from_pool_id = p.id AND kind = 'claim') AS claimed,
                      (SELECT COUNT(*) FROM ev WHERE to_pool_id = p.id AND kind = 'reclaim') AS reclaimed_into,
                      (SELECT COUNT(DISTINCT ev.customer_id) FROM ev JOIN customers c ON c.id = ev.customer_id
                         WHERE ev.from_pool_id = p.id AND ev.to_owner_id IS NOT NULL AND c.status = 'won') AS converted
                    FROM pools p WHERE p.id IN (SELECT value FROM json_each(:ids)) ORDER BY p.priority DESC, p.id
                    """,
                arguments: ["start": start, "end": end, "now": now, "day": day, "ids": Self.jsonIDs(pools.map(\.rawValue))]
            ).map { row in
                var metrics = PoolMetrics(poolID: PoolID(row["id"]))
                metrics.size = row["size"]
                metrics.ageBuckets = [row["age0"], row["age1"], row["age2"], row["age3"]]
                metrics.inflow = row["inflow"]
                metrics.outflow = row["outflow"]
                metrics.claimed = row["claimed"]
                metrics.reclaimedInto = row["reclaimed_into"]
                metrics.convertedToWon = row["converted"]
                return metrics
            }
        }
    }

    /// Auto-assignments per eligible member of the pool in the period, zeros included.
    public func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness {
        try read { db in
            guard let pool = try SettingsQueries.pools(db).first(where: { $0.id == pool }) else { throw PoolError.notFound(entity: "Pool") }
            var counts = Dictionary(
                uniqueKeysWithValues: try assignmentCandidates(db, pool: pool, excluding: nil).map { ($0.userID, 0) })
            for row in try Row.fetchAll(
                db,
                cachedSQL: """
                    SELECT to_owner_id, COUNT(*) AS n FROM ownership_events
                    WHERE kind = 'assign' AND actor_id IS NULL AND from_pool_id = ? AND at >= ? AND at < ?
                    GROUP BY to_owner_id
                    """, arguments: [pool.id.rawValue, Timestamp.encode(from), Timestamp.encode(to)])
            {
                counts[UserID(row["to_owner_id"])] = row["n"]
            }
            return AssignmentFairness(perMember: counts.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
        }
    }
}

extension SQLitePoolDatabase {
    /// Ownership events per day and kind for the console's charts: "inflow" and "outflow" of
    /// pools, and "claim" and "reclaim", for the `days` days through `through`.
    public func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]] {
        let first = calendar.adding(-(days - 1), to: through)
        let start = Timestamp.encode(calendar.start(of: first))
        let end = Timestamp.encode(calendar.start(of: calendar.adding(1, to: through)))
        let rows = try read { db in
            try Row.fetchAll(
                db,
                cachedSQL: """
                    SELECT at, kind, to_pool_id IS NOT NULL AS inflow, from_pool_id IS NOT NULL AND to_owner_id IS NOT NULL AS outflow
                    FROM ownership_events WHERE at >= ? AND at < ?
                    """, arguments: [start, end])
        }
        var counts: [Day: [String: Int]] = [:]
        for row in rows {
            let day = calendar.day(of: Timestamp.decode(row["at"] as Int64))
            if row["inflow"] as Bool { counts[day, default: [:]]["inflow", default: 0] += 1 }
            if row["outflow"] as Bool { counts[day, default: [:]]["outflow", default: 0] += 1 }
            let kind: String = row["kind"]
            if kind == "claim" || kind == "reclaim" { counts[day, default: [:]][kind, default: 0] += 1 }
        }
        return counts
    }
}
