import Foundation
import PoolDomain
@testable import PoolStore
import PostgresStore
import TestSupport
import Testing

/// Which pools the forecasts were computed for is marked by whoever finishes a refresh; stores
/// opened together (instances starting, `gonghai users add` run in parallel) each refresh and
/// mark, and none may fail on another's mark.
@Suite struct ForecastStateTests {
    @Test func twoTransactionsMarkingAtOnceBothSucceed() throws {
        let url = try PostgresTestCluster.shared.get().migratedDatabase()
        let first = try PostgresConnection(url)
        let second = try PostgresConnection(url)
        let calendar = LocalCalendar(timeZone: TimeZone(identifier: "Asia/Shanghai")!)
        try first.run("DELETE FROM forecast_state")
        try first.run("BEGIN")
        try ForecastState(first, calendar: calendar).mark(token: 1)
        // The second waits on the first's uncommitted row; a DELETE then INSERT failed here on
        // the primary key once the first committed.
        let outcome = Locked<Result<Void, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            outcome.mutate { $0 = Result { try second.transaction { try ForecastState(second, calendar: calendar).mark(token: 2) } } }
            done.signal()
        }
        Thread.sleep(forTimeInterval: 0.3)
        try first.run("COMMIT")
        done.wait()
        #expect(throws: Never.self) { try outcome.value?.get() }
        #expect(try first.query("SELECT settings_token FROM forecast_state")[0].int(0) == 2)
        #expect(try first.query("SELECT count(*) FROM forecast_state")[0].int(0) == 1)
    }
}
