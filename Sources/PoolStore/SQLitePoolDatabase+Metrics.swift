import Foundation
import GRDB
import PoolDomain

/// Metrics on SQLite: the shared `MetricsQueries` on this store's connections.
extension SQLitePoolDatabase {
    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        try read { db in try MetricsQueries(db, calendar: calendar).repMetrics(users: users, from: from, to: to) }
    }

    public func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics] {
        let now = clock.now()
        return try read { db in try MetricsQueries(db, calendar: calendar).poolMetrics(pools: pools, from: from, to: to, now: now) }
    }

    public func poolSizes() throws -> [PoolID: Int] {
        try read { db in try MetricsQueries(db, calendar: calendar).poolSizes() }
    }

    public func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness {
        try read { db in try MetricsQueries(db, calendar: calendar).assignmentFairness(writes(db), pool: pool, from: from, to: to) }
    }

    public func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]] {
        try read { db in try MetricsQueries(db, calendar: calendar).dailyEventCounts(days: days, through: through) }
    }
}
