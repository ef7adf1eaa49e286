import Foundation
import GRDB
import PoolDomain

/// Metrics on SQLite: the shared `MetricsQueries` on this store's connections.
extension SQLitePoolDatabase {
    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        try read { db in try MetricsQueries(db).repMetrics(users: users, from: from, to: to) }
    }

    public func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics] {
        let now = clock.now()
        return try read { db in try MetricsQueries(db).poolMetrics(pools: pools, from: from, to: to, now: now) }
    }

    public func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness {
        try read { db in try MetricsQueries(db).assignmentFairness(writes(db), pool: pool, from: from, to: to) }
    }

    public func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]] {
        try read { db in try MetricsQueries(db).dailyEventCounts(days: days, through: through, calendar: calendar) }
    }
}
