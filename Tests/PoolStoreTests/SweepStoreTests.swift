import Foundation
import GRDB
import Testing

@testable import PoolDomain
import PoolServices
@testable import PoolStore

@Suite struct SweepStoreTests {
    let fixture = try! StoreFixture()

    /// The sweep's write is conditional on the facts it evaluated: a follow-up recorded between
    /// evaluation and write keeps the customer with its owner.
    @Test func aReclaimDecidedOnStaleFactsIsRefusedAndTheCustomerStays() throws {
        let database = fixture.database
        let rep = try fixture.actor("rep")
        let pool = try database.createPool(PoolDraft(name: "P", isDefault: true))
        let customer = try database.createCustomer(CustomerDraft(name: "ACME"), by: rep, intoPool: nil)
        fixture.clock.advance(days: 10)
        let calendar = database.calendar
        let rules = ReclaimRules(days: ReclaimDays(noFollowUpDays: 3))
        let due = try #require(ReclaimEvaluator.assess(ReclaimFacts(customer), rules: rules, calendar: calendar).due)
        let decision = Ownership.reclaim(customer, due: due, ruleVersion: 1, into: pool.id, routedBy: .defaultPool, at: fixture.clock.now())
        fixture.clock.advance(seconds: 60)
        _ = try fixture.services.operations.addFollowUp(to: customer.id, kind: .call, text: "called just now", at: nil, by: rep)
        #expect(throws: StaleDecision.self) {
            try database.writeTransaction { db in try database.apply(decision, db) }
        }
        #expect(try database.customers(ids: [customer.id])[customer.id]?.ownerID == rep.userID)
        #expect(try database.ownershipEvents(of: [customer.id])[customer.id]?.map(\.kind) == [.create])
    }

    @Test func sweepsWorkInBoundedBatchesAndAnInterruptedRunIsReportedFailed() throws {
        let database = fixture.database
        let rep = try fixture.actor("rep")
        _ = try database.createPool(PoolDraft(
            name: "P", isDefault: true, rules: PoolRules(reclaim: ReclaimRules(days: ReclaimDays(noFollowUpDays: 1)))))
        for index in 0..<25 { _ = try database.createCustomer(CustomerDraft(name: "C\(index)"), by: rep, intoPool: nil) }
        try database.writeForTests { db in
            try db.execute(sql: "INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES ('2026-09-20', 0, 'running', 'test')")
        }
        fixture.clock.advance(days: 5)
        let report = try database.sweep(asOf: database.calendar.day(of: fixture.clock.now()), dryRun: false, trigger: "test", batchSize: 7)
        #expect(report.evaluated == 25)
        #expect(report.reclaimed == 25)
        let statuses = try database.readForTests { db in try String.fetchAll(db, sql: "SELECT status FROM sweep_runs ORDER BY id") }
        #expect(statuses == ["failed", "completed"])
        #expect(try database.sweepRun(report.runId!)?.reclaimedCustomers.count == 25)
        // The run holds counts, not items: they are in sweep_items, read back page by page.
        #expect(report.reclaimedCustomers.isEmpty)
        let firstPage = try database.sweepItems(report.runId!, outcome: "reclaimed", after: 0, first: 10)
        let rest = try database.sweepItems(report.runId!, outcome: "reclaimed", after: firstPage.last!.customerId, first: 100)
        #expect(firstPage.count == 10)
        #expect(rest.count == 15)
        #expect(Set((firstPage + rest).map(\.customerName)) == Set((0..<25).map { "C\($0)" }))
        #expect(rest.allSatisfy { $0.previousOwner == "rep" && $0.pool == "P" })
    }

    /// A batch runs without a savepoint per customer until a customer fails half-way; then the
    /// batch is rolled back and run again guarded, so that customer stays as it was, entirely,
    /// and every other customer of the batch is reclaimed once.
    @Test func aCustomerFailingHalfWayIsLeftUntouchedAndTheRestOfItsBatchIsReclaimedOnce() throws {
        let database = fixture.database
        let rep = try fixture.actor("rep")
        _ = try database.createPool(PoolDraft(
            name: "P", isDefault: true, rules: PoolRules(reclaim: ReclaimRules(days: ReclaimDays(noFollowUpDays: 1)))))
        let customers = try (0..<9).map { try database.createCustomer(CustomerDraft(name: "C\($0)"), by: rep, intoPool: nil) }
        let doomed = customers[4]
        // The reclaim's UPDATE and event succeed; its notification then fails.
        try database.writeForTests { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_one BEFORE INSERT ON notifications WHEN new.customer_id = \(doomed.id.rawValue)
                BEGIN SELECT RAISE(ABORT, 'refused by the test'); END
                """)
        }
        fixture.clock.advance(days: 5)
        let report = try database.sweep(asOf: database.calendar.day(of: fixture.clock.now()), dryRun: false, trigger: "test", batchSize: 100)
        #expect(report.reclaimed == 8)
        #expect(report.failed == 1)
        let after = try database.customers(ids: customers.map(\.id))
        #expect(after[doomed.id]?.ownerID == rep.userID)
        #expect(try database.ownershipEvents(of: [doomed.id])[doomed.id]?.map(\.kind) == [.create])
        let events = try database.ownershipEvents(of: customers.map(\.id))
        for customer in customers where customer.id != doomed.id {
            #expect(after[customer.id]?.ownerID == nil)
            #expect(events[customer.id]?.map(\.kind) == [.create, .reclaim])
        }
        let items = try database.readForTests { db in
            try Row.fetchAll(db, sql: "SELECT customer_id, outcome FROM sweep_items WHERE run_id = ?", arguments: [report.runId!])
        }
        #expect(items.count == 9)
        #expect(items.filter { $0["outcome"] as String == "failed" }.map { $0["customer_id"] as Int64 } == [doomed.id.rawValue])
        let notified = try database.readForTests { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM notifications WHERE kind = 'reclaimed'") }
        #expect(notified == 8)
    }
}
