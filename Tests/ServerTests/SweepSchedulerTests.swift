import Foundation
import Logging
import Testing

@testable import GonghaiServer
import TestSupport

@Suite struct SweepSchedulerTests {
    let server = try! TestServer()

    func scheduler(at time: String) throws -> SweepScheduler {
        try SweepScheduler(
            database: server.database, clock: server.clock, at: time,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    }

    @Test func theDailyRunIsDueOnlyAfterTheConfiguredLocalTime() throws {
        let now = server.clock.now()  // 2026-09-21 14:13 UTC
        #expect(try scheduler(at: "14:00").dueThrough(now).description == "2026-09-21")
        #expect(try scheduler(at: "14:30").dueThrough(now).description == "2026-09-20")
        #expect(throws: SweepScheduler.SchedulerError.self) { try scheduler(at: "25:00") }
    }

    @Test func eachTickRunsTheDaysMissedSinceTheLastRunAndNothingTwice() throws {
        let scheduler = try scheduler(at: "02:00")
        scheduler.tick()
        scheduler.tick()
        #expect(try server.database.sweepRuns(first: 10).map(\.asOf) == ["2026-09-21"])
        server.clock.advance(days: 3)
        scheduler.tick()
        #expect(try server.database.sweepRuns(first: 10).map(\.asOf) == ["2026-09-24", "2026-09-23", "2026-09-22", "2026-09-21"])
    }

    @Test func scheduledRunsAreAuditedAsTheServersOwn() throws {
        try scheduler(at: "02:00").tick()
        let audit = try server.database.auditLog(first: 10).filter { $0.action == "run_sweep" }
        #expect(audit.count == 1)
        #expect(audit.first?.userID == nil, "no user asked for it")
        #expect(audit.first?.after?.contains("\"trigger\":\"schedule\"") == true)
    }
}
