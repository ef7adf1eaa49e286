import PoolDomain

/// The daily reclaim sweep and its recorded runs.
///
/// A run streams candidates in batches; each batch is one transaction in which every reclaim is
/// a conditional write on the facts it was decided on (a customer followed up meanwhile is
/// skipped, not reclaimed). A run is recorded before its first batch and completed after its
/// last, so a run the process did not finish reads as failed. A dry run writes nothing.
public protocol SweepStore: Sendable {
    func sweep(asOf: Day, dryRun: Bool, trigger: String, batchSize: Int) throws -> SweepReport
    /// The days a catch-up through `through` runs: every day after the last completed run (at
    /// most 31), `through` alone when there was none, none when `through` already ran.
    func missedDays(through: Day) throws -> [Day]
    /// Newest first.
    func sweepRuns(first: Int) throws -> [SweepReport]
    func sweepRun(_ id: Int64) throws -> SweepReport?
    /// One page of a run's items with one outcome (`reclaimed`, `skipped`, `failed`), by customer id.
    func sweepItems(_ run: Int64, outcome: String, after customerID: Int64, first: Int) throws -> [SweepReport.Item]
    /// Runs `body` while this process alone sweeps: a recorded run (and the catch-up that
    /// chooses its days) holds this, so of several instances one sweeps and a run left
    /// `running` is known dead. Throws `SweepInProgress` at once when another holds it.
    func exclusively<T>(_ body: () throws -> T) throws -> T
    /// The team's calendar: "N days" in rules count its dates.
    var calendar: LocalCalendar { get }
}
