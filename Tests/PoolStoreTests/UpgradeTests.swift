import Foundation
import GRDB
import Testing

@testable import PoolDomain
import PoolServices
@testable import PoolStore

/// A database made by an earlier schema version upgrades in place with its data intact.
@Suite struct UpgradeTests {
    @Test func aVersionOneDatabaseUpgradesKeepingCustomersEventsAndTokens() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-upgrade-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("old.sqlite").path
        let token = TokenDigest.newToken()
        do {
            let old = try DatabaseQueue(path: path)
            try Migrations.migrator.migrate(old, upTo: "v1-foundation")
            try old.write { db in
                try db.execute(sql: "INSERT INTO users (name, role, active, created_at) VALUES ('old.rep', 'rep', 1, 0)")
                try db.execute(sql: "INSERT INTO api_tokens (user_id, token_hash, created_at) VALUES (1, ?, 0)", arguments: [TokenDigest.digest(token)])
                try db.execute(sql: "INSERT INTO pools (name, is_default) VALUES ('Old pool', 1)")
                try db.execute(sql: """
                    INSERT INTO customers (name, name_key, pool_id, created_at, updated_at) VALUES ('Old Co', 'oldco', 1, 0, 0)
                    """)
                try db.execute(sql: "INSERT INTO ownership_events (customer_id, kind, to_pool_id, at) VALUES (1, 'create', 1, 0)")
            }
            #expect(try old.read { db in try Migrations.migrator.hasCompletedMigrations(db) } == false)
        }
        let upgraded = try SQLitePoolDatabase(path: path)
        let user = try #require(try upgraded.authenticate(token: token))
        #expect(user.name == "old.rep")
        let pool = try #require(try upgraded.pools().first)
        #expect(pool.ruleVersion == 1 && pool.rules == .standard)
        let customer = try #require(try upgraded.customers(ids: [CustomerID(1)])[CustomerID(1)])
        #expect(customer.poolID == pool.id && customer.enteredPoolAt != nil)
        #expect(try upgraded.countCustomers(CustomerFilter(inPool: true), scope: .all) == 1, "tallies start from the rows already there")
        #expect(try upgraded.ownershipEvents(of: [customer.id])[customer.id]?.count == 1)
        let claimed = try PoolServices(store: upgraded, clock: SystemTimeSource()).operations.claim(customer.id, by: Actor(user))
        #expect(claimed.ownerID == user.id)
    }
}
