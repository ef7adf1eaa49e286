import Foundation
import PoolDomain
import PoolStore
import TestSupport
import Testing

/// A statement past the time limit is cancelled as `StoreFault.timedOut` (the API's
/// QUERY_TIMEOUT), and the transaction it was part of leaves nothing behind, on both backends.
@Suite struct StatementTimeoutTests {
    static let slow = """
        WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 500000000) SELECT COUNT(*) FROM n
        """

    @Test(arguments: StoreBackend.allCases)
    func aTimedOutWriteLeavesNothingHalfWritten(_ backend: StoreBackend) throws {
        let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_793_000_000))
        let database = try backend.store(clock: clock, timeZone: TimeZone(identifier: "UTC")!, statementTimeout: .milliseconds(300))
        let started = Date()
        do {
            try database.timedOutWrite(slow: Self.slow)
            Issue.record("the slow statement was not cancelled")
        } catch let error as any StoreFaultReporting {
            #expect(error.storeFault == .timedOut)
        }
        #expect(Date().timeIntervalSince(started) < 20, "cancelled near its limit, not run to the end")
        #expect(try database.user(named: "written before the slow statement") == nil, "the whole transaction rolled back")
        // The connection is usable again, and reads are held to the limit too.
        #expect(try database.users().isEmpty)
        #expect(throws: (any Error).self) { try database.slowRead(Self.slow) }
    }
}

extension ForecastCheck where Self: SQLTransactions {
    func timedOutWrite(slow: String) throws {
        try writeTransaction { session in
            try session.execute(
                "INSERT INTO users (name, role, created_at) VALUES ('written before the slow statement', 'rep', 0)", [])
            _ = try session.fetchAll(slow) { $0.int64(0) }
        }
    }

    func slowRead(_ slow: String) throws {
        _ = try read { try $0.fetchAll(slow) { $0.int64(0) } }
    }
}
