import Foundation
import GRDB
import PoolDomain
import PoolServices
import Testing

@testable import PoolStore

/// Claims reuse the last reading of pools, access, departments and limits; these tests hold
/// every claim to the settings as they are now.
@Suite struct SettingsMemoTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    private func poolOfThree() throws -> (Actor, [CustomerID]) {
        let admin = try fixture.actor("admin", .admin)
        let pool = try database.createPool(PoolDraft(name: "P", isDefault: true))
        let customers = try (0..<3).map {
            try database.createCustomer(CustomerDraft(name: "C\($0)"), by: admin, intoPool: pool.id).id
        }
        return (try fixture.actor("rep"), customers)
    }

    /// A rep who owns one customer, refused a second by a limit of one.
    static let ownedLimitOfOne = PoolError.limit(LimitRefusal(kind: .ownedLimit, limit: 1, current: 1, freesAt: nil))

    @Test func aLimitSetByThisProcessAppliesToTheNextClaim() throws {
        let (rep, customers) = try poolOfThree()
        _ = try fixture.services.operations.claim(customers[0], by: rep)
        try database.setOwnerLimit(OwnerLimit(maxPrivate: 1), for: .everyone, by: nil)
        #expect(throws: Self.ownedLimitOfOne) { try fixture.services.operations.claim(customers[1], by: rep) }
        try database.setOwnerLimit(nil, for: .everyone, by: nil)
        #expect(try fixture.services.operations.claim(customers[1], by: rep).ownerID == rep.userID)
    }

    @Test func aLimitSetByAnotherProcessOnTheSameFileAppliesToTheNextClaim() throws {
        let (rep, customers) = try poolOfThree()
        _ = try fixture.services.operations.claim(customers[0], by: rep)
        let other = try SQLitePoolDatabase(path: fixture.directory.appendingPathComponent("db.sqlite").path, clock: fixture.clock)
        try other.setOwnerLimit(OwnerLimit(maxPrivate: 1), for: .everyone, by: nil)
        #expect(throws: Self.ownedLimitOfOne) { try fixture.services.operations.claim(customers[1], by: rep) }
    }

    /// Inside the transaction that changes a setting the change is seen; once it rolls back,
    /// neither the change nor anything read during it is reused.
    @Test func aTransactionSeesItsOwnChangeAndARollbackLeavesNothingBehind() throws {
        _ = try poolOfThree()
        let before = try database.writeTransaction { db in try database.settingsMemo.value(db).limits }
        #expect(before.isEmpty)
        struct Abandon: Error {}
        #expect(throws: Abandon.self) {
            try database.writeTransaction { db in
                #expect(try database.settingsMemo.value(db).limits.isEmpty)
                try db.execute(sql: "INSERT INTO owner_limits (scope_kind, scope_id, max_private, count_won) VALUES ('everyone', 0, 5, 0)")
                #expect(try database.settingsMemo.value(db).limits[.everyone]?.maxPrivate == 5)
                throw Abandon()
            }
        }
        #expect(try database.writeTransaction { db in try database.settingsMemo.value(db).limits }.isEmpty)
    }
}
