import Foundation
import GRDB
import PoolDomain
import PoolServices
import PoolStore
import Testing

@Suite struct OwnershipStoreTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    @Test func aClaimMovesTheCustomerAndAppendsExactlyOneEvent() throws {
        let rep = try fixture.actor("rep")
        let admin = try fixture.actor("admin", .admin)
        let pool = try database.createPool(PoolDraft(name: "P", isDefault: true))
        let created = try database.createCustomer(CustomerDraft(name: "ACME"), by: admin, intoPool: pool.id)
        fixture.clock.advance(days: 1)
        let claimed = try fixture.services.operations.claim(created.id, by: rep)
        #expect(claimed.placement == .owned(by: rep.userID))
        #expect(claimed.ownerSince == fixture.clock.now())
        let events = try database.ownershipEvents(of: [created.id])[created.id] ?? []
        #expect(events.map(\.kind) == [.create, .claim])
        #expect(events[1].fromPoolID == pool.id)
        #expect(events[1].toOwnerID == rep.userID)
        #expect(throws: PoolError.alreadyOwned(ownerName: "rep")) { try fixture.services.operations.claim(created.id, by: fixture.actor("late")) }
    }

    @Test func theDatabaseRefusesACustomerThatIsBothOwnedAndPooledOrNeither() throws {
        let rep = try fixture.actor("rep")
        let pool = try database.createPool(PoolDraft(name: "P", isDefault: true))
        let customer = try database.createCustomer(CustomerDraft(name: "ACME"), by: rep, intoPool: nil)
        #expect(throws: DatabaseError.self) {
            try database.writeForTests { db in
                try db.execute(sql: "UPDATE customers SET pool_id = ? WHERE id = ?", arguments: [pool.id.rawValue, customer.id.rawValue])
            }
        }
        #expect(throws: DatabaseError.self) {
            try database.writeForTests { db in
                try db.execute(sql: "UPDATE customers SET owner_id = NULL WHERE id = ?", arguments: [customer.id.rawValue])
            }
        }
    }

    @Test func ownershipEventsAreAppendOnly() throws {
        let rep = try fixture.actor("rep")
        let customer = try database.createCustomer(CustomerDraft(name: "ACME"), by: rep, intoPool: nil)
        #expect(throws: DatabaseError.self) {
            try database.writeForTests { db in try db.execute(sql: "UPDATE ownership_events SET reason = 'x'") }
        }
        #expect(throws: DatabaseError.self) {
            try database.writeForTests { db in try db.execute(sql: "DELETE FROM ownership_events") }
        }
        #expect(try database.ownershipEvents(of: [customer.id])[customer.id]?.count == 1)
    }

    @Test func twoRecordsOfOneCompanyCannotExistEvenIfTheCheckIsBypassed() throws {
        let rep = try fixture.actor("rep")
        _ = try database.createCustomer(CustomerDraft(name: "星辰科技有限公司"), by: rep, intoPool: nil)
        #expect(throws: DatabaseError.self) {
            try database.writeForTests { db in
                try db.execute(sql: """
                    INSERT INTO customers (name, name_key, owner_id, created_at, updated_at)
                    VALUES ('星辰科技', ?, ?, 0, 0)
                    """, arguments: [DuplicateKeys.normalizeName("星辰科技"), rep.userID.rawValue])
            }
        }
    }

    @Test func tokensAreStoredHashedAndRevealedOnce() throws {
        let rep = try fixture.actor("rep")
        let token = try database.issueToken(for: rep.userID, label: "x")
        #expect(token.hasPrefix("gh_"))
        #expect(try database.authenticate(token: token)?.id == rep.userID)
        #expect(try database.authenticate(token: token + "x") == nil)
        let stored = try database.readForTests { db in try Data.fetchAll(db, sql: "SELECT token_hash FROM api_tokens") }
        #expect(stored.count == 1)
        #expect(stored[0] == TokenDigest.digest(token))
        #expect(!stored[0].elementsEqual(Data(token.utf8)))
    }

    @Test func theDemoDataIsARealisticSalesOrganisation() throws {
        let summary = try DemoSeeder(database: database).seed(now: fixture.clock.now())
        #expect(summary.customers == 2000)
        #expect(summary.users == 15)
        let counts = try database.readForTests { db in
            try Row.fetchOne(db, sql: """
                SELECT COUNT(*) AS total, SUM(owner_id IS NULL) AS pooled, COUNT(DISTINCT owner_id) AS owners,
                  (SELECT COUNT(*) FROM follow_ups) AS follow_ups,
                  (SELECT COUNT(*) FROM ownership_events WHERE kind = 'release') AS releases,
                  SUM(name GLOB '*[A-Za-z]*') AS english,
                  MIN(created_at) AS oldest
                FROM customers
                """)!
        }
        let total: Int = counts["total"]
        let pooled: Int = counts["pooled"]
        let english: Int = counts["english"]
        let releases: Int = counts["releases"]
        let oldest: Int64 = counts["oldest"]
        #expect(total == 2000)
        #expect((600...1000).contains(pooled))
        #expect(counts["owners"] as Int == 12)
        #expect(counts["follow_ups"] as Int > 2000)
        #expect(releases == pooled)
        #expect(english == 0, "a Chinese sales team's customers have Chinese names")
        // Steady state: under the demo rules the first sweep takes few private customers.
        let today = fixture.clock.now()
        let overdue = try database.readForTests { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL AND status NOT IN ('won')
                  AND COALESCE(last_follow_up_at, created_at) < ?
                """, arguments: [Int64((today.timeIntervalSince1970 - 30 * 86_400) * 1000)]) ?? 0
        }
        #expect(overdue < (total - pooled) / 10, "\(overdue) of \(total - pooled) private customers are overdue")
        let ageDays = (fixture.clock.now().timeIntervalSince1970 * 1000 - Double(oldest)) / 86_400_000
        #expect(ageDays > 100 && ageDays <= 120)
        #expect(try database.departments().contains { $0.parentID != nil })
        #expect(try DemoSeeder(database: database).isEmpty() == false)
    }
}
