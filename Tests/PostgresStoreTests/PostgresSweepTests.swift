import Foundation
import PoolDomain
import PoolStore
import PostgresStore
import TestSupport
import Testing

/// The sweep's batches on PostgreSQL, where any database error aborts the whole transaction:
/// a customer whose reclaim fails half-way makes the batch run again with a savepoint per
/// customer, so that customer stays as it was and the rest are reclaimed once.
@Suite struct PostgresSweepTests {
    let url: String
    let clock = ManualTimeSource(Date(timeIntervalSince1970: 1_790_000_000))
    let store: PostgresPoolDatabase
    let setup: PostgresConnection

    init() throws {
        url = try PostgresTestCluster.shared.get().migratedDatabase()
        store = try PostgresPoolDatabase(url: url, clock: clock, timeZone: TimeZone(identifier: "UTC")!, connections: 4)
        setup = try PostgresConnection(url)
    }

    private func rep() throws -> Actor { Actor(try store.createUser(name: "rep", role: .rep, departmentID: nil, by: nil)) }

    private func pool() throws {
        _ = try store.createPool(PoolDraft(
            name: "P", isDefault: true, rules: PoolRules(reclaim: ReclaimRules(days: ReclaimDays(noFollowUpDays: 1)))))
    }

    @Test func aCustomerFailingHalfWayIsLeftUntouchedAndTheRestOfItsBatchIsReclaimedOnce() throws {
        let rep = try rep()
        try pool()
        let customers = try (0..<9).map { try store.createCustomer(CustomerDraft(name: "C\($0)"), by: rep, intoPool: nil) }
        let doomed = customers[4]
        // The reclaim's UPDATE and event succeed; its notification then fails, aborting the
        // transaction as PostgreSQL does after any error.
        try setup.run("""
            CREATE FUNCTION refuse_one() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN IF NEW.customer_id = \(doomed.id.rawValue) THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$;
            CREATE TRIGGER refuse_one BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION refuse_one();
            """)
        clock.advance(days: 5)
        let report = try store.sweep(asOf: store.calendar.day(of: clock.now()), dryRun: false, trigger: "test", batchSize: 100)
        #expect(report.reclaimed == 8)
        #expect(report.failed == 1)
        let after = try store.customers(ids: customers.map(\.id))
        #expect(after[doomed.id]?.ownerID == rep.userID)
        let events = try store.ownershipEvents(of: customers.map(\.id))
        #expect(events[doomed.id]?.map(\.kind) == [.create])
        for customer in customers where customer.id != doomed.id {
            #expect(after[customer.id]?.ownerID == nil)
            #expect(events[customer.id]?.map(\.kind) == [.create, .reclaim])
        }
        let failed = try setup.query("SELECT customer_id FROM sweep_items WHERE outcome = 'failed'").rows.map { $0.int64(0) }
        #expect(failed == [doomed.id.rawValue])
        #expect(try setup.query("SELECT COUNT(*) FROM notifications WHERE kind = 'reclaimed'").rows.first?.int(0) == 8)
    }

    @Test func sweepsWorkInBoundedBatchesAndReadBackPageByPage() throws {
        let rep = try rep()
        try pool()
        for index in 0..<25 { _ = try store.createCustomer(CustomerDraft(name: "C\(index)"), by: rep, intoPool: nil) }
        clock.advance(days: 5)
        let report = try store.sweep(asOf: store.calendar.day(of: clock.now()), dryRun: false, trigger: "test", batchSize: 7)
        #expect(report.evaluated == 25 && report.reclaimed == 25 && report.status == "completed")
        let firstPage = try store.sweepItems(report.runId!, outcome: "reclaimed", after: 0, first: 10)
        let rest = try store.sweepItems(report.runId!, outcome: "reclaimed", after: firstPage.last!.customerId, first: 100)
        #expect(firstPage.count == 10 && rest.count == 15)
        #expect(rest.allSatisfy { $0.previousOwner == "rep" && $0.pool == "P" })
        #expect(try store.sweepRun(report.runId!)?.reclaimedCustomers.count == 25)
        #expect(try store.missedDays(through: store.calendar.day(of: clock.now())).isEmpty)
    }
}
