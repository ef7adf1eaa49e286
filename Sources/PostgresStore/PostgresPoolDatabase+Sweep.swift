import Foundation
import PoolDomain
import PoolStore

/// The sweep on PostgreSQL: the shared `SweepEngine` (through `SQLSweeping`), led by one
/// instance at a time.
extension PostgresPoolDatabase: SQLSweeping {
    /// `pg_try_advisory_lock`'s key for the sweep ("gonghai-s").
    static let sweepLock: Int64 = 0x676F_6E67_6861_6973

    /// Holds a session advisory lock on a connection of its own while `body` runs: of several
    /// instances (and `gonghai sweep` from any host) one sweeps; the others are told at once.
    /// If the holder dies, PostgreSQL ends its session and frees the lock, and the next holder
    /// marks the dead run failed before catching up.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        try pool.withConnection { connection in
            let held = try connection.fetchOne("SELECT pg_try_advisory_lock(CAST(? AS BIGINT))", [.int(Self.sweepLock)]) { $0.text(0) }
            guard held == "t" else { throw SweepInProgress() }
            defer { _ = try? connection.execute("SELECT pg_advisory_unlock(CAST(? AS BIGINT))", [.int(Self.sweepLock)]) }
            return try body()
        }
    }
}

/// Metrics on PostgreSQL: the shared `MetricsQueries`.
extension PostgresPoolDatabase {
    public func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics] {
        try read { try MetricsQueries($0, calendar: calendar).repMetrics(users: users, from: from, to: to) }
    }

    public func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics] {
        let now = clock.now()
        return try read { try MetricsQueries($0, calendar: calendar).poolMetrics(pools: pools, from: from, to: to, now: now) }
    }

    public func poolSizes() throws -> [PoolID: Int] {
        try read { try MetricsQueries($0, calendar: calendar).poolSizes() }
    }

    public func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness {
        try read { try MetricsQueries($0, calendar: calendar).assignmentFairness(writes($0), pool: pool, from: from, to: to) }
    }

    public func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]] {
        try read { try MetricsQueries($0, calendar: calendar).dailyEventCounts(days: days, through: through) }
    }
}
