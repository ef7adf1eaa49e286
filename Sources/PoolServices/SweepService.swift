import Foundation
import PoolDomain
import PoolStore

/// The reclaim sweep as one use case for every entry: the server's scheduler, `gonghai sweep`,
/// GraphQL's `runSweep` and the console's sweep page. Who may run it, which days run, the
/// refusal of a day that has not come, and the audit record of each run live here alone.
public struct SweepService: Sendable {
    /// Where a run was asked for; recorded with the run and in the audit log.
    public enum Trigger: String, Sendable {
        case schedule, cli, api, console
    }

    let store: any PoolDatabase
    let clock: any TimeSource

    public init(store: any PoolDatabase, clock: any TimeSource) {
        self.store = store
        self.clock = clock
    }

    /// Today in the team's calendar.
    public var today: Day { store.calendar.day(of: clock.now()) }

    /// Runs the sweep as of `day` (default today) for `actor`; nil stands for the server itself
    /// or an operator at the database file (the command line), who need no role.
    ///
    /// A dry run changes and records nothing and may look at any day. A real run first catches
    /// up the days missed since the last completed run, then runs `day` unless the catch-up just
    /// did; it is refused for a day after today, which would reclaim customers that are not
    /// due (and run again, reclaiming what was just assigned, each time it is repeated).
    /// - Returns: every run made, oldest first (one report for a dry run).
    public func run(
        asOf day: Day? = nil, dryRun: Bool, trigger: Trigger, by actor: Actor?, batchSize: Int = 500
    ) throws -> [SweepReport] {
        if let actor { try AccessPolicy.require(.runSweep, by: actor) }
        let day = day ?? today
        if dryRun {
            return [try store.sweep(asOf: day, dryRun: true, trigger: trigger.rawValue, batchSize: batchSize)]
        }
        try refuseFuture(day)
        return try store.exclusively {
            var days = try store.missedDays(through: day)
            if days.last != day { days.append(day) }
            return try days.map { try runRecorded($0, trigger: trigger, by: actor, batchSize: batchSize) }
        }
    }

    /// The scheduler's run: only the days due through `day` that have not run yet, so a server
    /// that checks every few seconds runs each day once, and of several instances checking at
    /// once one sweeps (the others get `SweepInProgress`, and find the days done next time).
    public func catchUp(through day: Day, batchSize: Int = 500) throws -> [SweepReport] {
        try refuseFuture(day)
        return try store.exclusively {
            try store.missedDays(through: day).map { try runRecorded($0, trigger: .schedule, by: nil, batchSize: batchSize) }
        }
    }

    /// The recorded runs, newest first.
    public func history(first: Int, by actor: Actor) throws -> [SweepReport] {
        try AccessPolicy.require(.viewMetrics, by: actor)
        return try store.sweepRuns(first: first)
    }

    /// One recorded run with its items, or nil when there is none with that id.
    public func run(_ id: Int64, by actor: Actor) throws -> SweepReport? {
        try AccessPolicy.require(.viewMetrics, by: actor)
        return try store.sweepRun(id)
    }

    /// The reclaimed or skipped customers of a report, in order: a recorded run's are read back
    /// page by page (a sweep of 1M customers reclaims 100k), a dry run's are in the report.
    public func forEachItem(
        of report: SweepReport, outcome: SweepItemOutcome, by actor: Actor?, _ body: (SweepReport.Item) throws -> Void
    ) throws {
        try require(.viewMetrics, by: actor)
        guard let run = report.runId, !report.dryRun else {
            return try (outcome == .reclaimed ? report.reclaimedCustomers : report.skippedCustomers).forEach(body)
        }
        var after: Int64 = 0
        while true {
            let page = try store.sweepItems(run, outcome: outcome.rawValue, after: after, first: 1000)
            guard let last = page.last else { return }
            try page.forEach(body)
            after = last.customerId
        }
    }

    private func runRecorded(_ day: Day, trigger: Trigger, by actor: Actor?, batchSize: Int) throws -> SweepReport {
        let report = try store.sweep(asOf: day, dryRun: false, trigger: trigger.rawValue, batchSize: batchSize)
        try store.recordAudit(actor, "run_sweep", "sweep run \(report.runId ?? 0)", before: nil, after: Self.describe(report, trigger))
        return report
    }

    private func refuseFuture(_ day: Day) throws {
        let today = self.today
        guard day <= today else {
            throw PoolError.invalidInput(
                field: "asOf",
                message: "a sweep that changes owners cannot run as of \(day), after today (\(today)); a dry run can preview that day")
        }
    }

    static func describe(_ report: SweepReport, _ trigger: Trigger) -> String {
        "{\"asOf\":\"\(report.asOf)\",\"trigger\":\"\(trigger.rawValue)\",\"status\":\"\(report.status)\",\"evaluated\":\(report.evaluated),\"reclaimed\":\(report.reclaimed),\"skipped\":\(report.skipped),\"failed\":\(report.failed),\"warned\":\(report.warned)}"
    }
}

/// Which of a sweep run's item lists to read.
public enum SweepItemOutcome: String, Sendable {
    case reclaimed, skipped
}
