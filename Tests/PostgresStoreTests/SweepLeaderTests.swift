import Foundation
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// One instance sweeps at a time (`pg_try_advisory_lock`); a run its dead leader left
/// `running` is reported failed by the next leader, which catches up.
@Suite struct SweepLeaderTests {
    let url: String
    let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_790_000_000))

    init() throws { url = try PostgresTestCluster.shared.get().migratedDatabase() }

    @Test func whileOneInstanceSweepsAnotherIsToldAndRecordsNothing() throws {
        let (first, second) = (try PostgresPoolDatabase(url: url, clock: clock), try PostgresPoolDatabase(url: url, clock: clock))
        defer { [first, second].forEach { $0.close() } }
        let today = SweepService(store: first, clock: clock).today
        try first.exclusively {
            #expect(throws: SweepInProgress.self) { _ = try SweepService(store: second, clock: clock).catchUp(through: today) }
            #expect(throws: SweepInProgress.self) { _ = try second.exclusively { 0 } }
        }
        let runs = try SweepService(store: second, clock: clock).catchUp(through: today)
        #expect(runs.count == 1 && runs.first?.status == "completed")
        #expect(try SweepService(store: first, clock: clock).catchUp(through: today).isEmpty, "the day already ran")
        #expect(try first.sweepRuns(first: 10).count == 1)
    }

    @Test func aRunLeftRunningByADeadLeaderIsReportedFailedAndCaughtUp() throws {
        let store = try PostgresPoolDatabase(url: url, clock: clock)
        defer { store.close() }
        let today = SweepService(store: store, clock: clock).today
        let yesterday = store.calendar.adding(-1, to: today)
        let setup = try PostgresConnection(url)
        try setup.run("INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES ('\(yesterday)', 0, 'running', 'schedule')")
        let runs = try SweepService(store: store, clock: clock).catchUp(through: today)
        let days: [String] = runs.map { $0.asOf }
        #expect(days == [today.description])
        let recorded = try store.sweepRuns(first: 10)
        let statuses: [String] = recorded.map { $0.status }
        #expect(statuses == ["completed", "failed"], "the dead run reads as failed")
    }
}
