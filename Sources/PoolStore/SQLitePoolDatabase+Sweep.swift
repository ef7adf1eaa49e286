import Foundation
import GRDB
import PoolDomain

/// The sweep on SQLite: the shared `SweepEngine` on this store's connections.
extension SQLitePoolDatabase: SQLTransactions {
    public func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int = 500) throws -> SweepReport {
        try SweepEngine(self, now: clock.now(), metrics: metrics).sweep(asOf: asOf, dryRun: dryRun, trigger: trigger, batchSize: batchSize)
    }

    public func missedDays(through: Day) throws -> [Day] {
        try SweepEngine(self, now: clock.now()).missedDays(through: through)
    }

    /// One process writes an SQLite file's sweep: a lock of this process is enough.
    public func exclusively<T>(_ body: () throws -> T) throws -> T {
        guard shared.sweeping.try() else { throw SweepInProgress() }
        defer { shared.sweeping.unlock() }
        return try body()
    }

    public func sweepRuns(first: Int) throws -> [SweepReport] {
        try SweepEngine(self, now: clock.now()).runs(first: first)
    }

    public func sweepRun(_ id: Int64) throws -> SweepReport? {
        try SweepEngine(self, now: clock.now()).run(id)
    }

    public func sweepItems(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item] {
        try SweepEngine(self, now: clock.now()).items(run, outcome: outcome, after: customerID, first: first)
    }

    public func previewRules(_ rules: PoolRules, for pool: PoolID, today: Day, batchSize: Int = 1000) throws -> RulePreview {
        try SweepEngine(self, now: clock.now()).preview(rules, for: pool, today: today, batchSize: batchSize)
    }
}
