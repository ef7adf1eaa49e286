import Foundation
import GRDB
import PoolDomain
import PoolServices
import Testing

@testable import PoolStore

/// `totalCount` for an administrator's list by industry, region and pool is read from tallies the
/// database keeps; these tests hold it to what counting the rows gives.
@Suite struct CustomerTallyTests {
    let fixture = try! StoreFixture()
    var database: SQLitePoolDatabase { fixture.database }

    @Test func talliedCountsEqualCountedRowsAfterClaimsReleasesAssignmentsEditsAndSweeps() throws {
        let admin = try fixture.actor("admin", .admin)
        let reps = try (0..<4).map { try fixture.actor("rep\($0)") }
        let pools = [
            try database.createPool(PoolDraft(name: "Default", isDefault: true)),
            try database.createPool(PoolDraft(name: "Makers", industries: ["制造业"])),
        ]
        let industries: [String?] = ["制造业", "教育", nil]
        let regions: [String?] = ["上海", "北京", nil]
        var random = SeededGenerator(seed: 7)
        var customers: [CustomerID] = []
        for index in 0..<60 {
            let draft = CustomerDraft(
                name: "Company \(index)", industry: industries.randomElement(using: &random)!,
                region: regions.randomElement(using: &random)!)
            let pool = Bool.random(using: &random) ? pools.randomElement(using: &random)!.id : nil
            customers.append(try database.createCustomer(draft, by: pool == nil ? reps[index % 4] : admin, intoPool: pool).id)
        }
        for step in 0..<300 {
            let id = customers.randomElement(using: &random)!
            let rep = reps.randomElement(using: &random)!
            switch step % 5 {
            case 0: _ = try? fixture.services.operations.claim(id, by: rep)
            case 1:
                guard let owner = try database.customers(ids: [id])[id]?.ownerID else { continue }
                let actor = try #require(([admin] + reps).first { $0.userID == owner })
                _ = try? fixture.services.operations.release(id, reason: "no budget", into: pools.randomElement(using: &random)!.id, by: actor)
            case 2: _ = try? fixture.services.operations.assign(id, to: rep.userID, reason: nil, by: admin)
            case 3:
                var draft = CustomerDraft(try #require(try database.customers(ids: [id])[id]))
                draft.industry = industries.randomElement(using: &random)!
                draft.region = regions.randomElement(using: &random)!
                _ = try fixture.services.operations.update(id, by: admin) { _ in draft }
            default:
                fixture.clock.advance(days: 20)
                _ = try database.sweep(asOf: database.calendar.day(of: fixture.clock.now()), dryRun: false, trigger: "test")
            }
        }
        try database.writeForTests { db in
            try db.execute(sql: "INSERT INTO customers (name, name_key, pool_id, industry, created_at, updated_at) VALUES ('Gone', 'gone', ?, '教育', 0, 0)", arguments: [pools[0].id.rawValue])
            try db.execute(sql: "DELETE FROM customers WHERE name_key = 'gone'")
        }
        let everyone = CustomerScope.restricted(
            owners: Set(reps.map(\.userID) + [admin.userID]), pools: Set(pools.map(\.id)), collaborator: nil)
        var nonZero = 0
        for industry in ["制造业", "教育", "物流", nil] as [String?] {
            for region in ["上海", "北京", nil] as [String?] {
                for inPool in [nil, true, false] as [Bool?] {
                    for pool in [nil] + pools.map(\.id) as [PoolID?] {
                        let filter = CustomerFilter(poolID: pool, inPool: inPool, industry: industry, region: region)
                        let tallied = try database.countCustomers(filter, scope: .all)
                        #expect(tallied == (try database.countCustomers(filter, scope: everyone)), "\(filter)")
                        if tallied > 0 { nonZero += 1 }
                    }
                }
            }
        }
        #expect(nonZero > 40, "the filters must find customers for the comparison to mean something")
    }

    @Test func anEmptyIndustryIsNotConfusedWithAMissingOne() throws {
        let rep = try fixture.actor("rep")
        _ = try database.createPool(PoolDraft(name: "Default", isDefault: true))
        _ = try database.createCustomer(CustomerDraft(name: "No industry"), by: rep, intoPool: nil)
        #expect(try database.countCustomers(CustomerFilter(industry: ""), scope: .all) == 0)
        #expect(try database.countCustomers(CustomerFilter(), scope: .all) == 1)
    }
}
