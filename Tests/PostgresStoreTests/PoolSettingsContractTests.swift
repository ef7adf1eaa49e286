import Foundation
import PoolDomain
import PoolStore
import Testing

/// Pools, rule versions, access and owner limits on both backends, through two handles.
@Suite struct PoolSettingsContractTests {
    @Test(arguments: StoreBackend.allCases)
    func poolsRulesAndLimitsChangedThroughOneHandleAreWhatTheOtherReads(_ backend: StoreBackend) throws {
        let (first, second) = try backend.pair()
        let admin = Actor(try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil))
        let east = try first.createPool(PoolDraft(name: " 华东公海 ", industries: ["制造", " "], regions: ["浙江"], priority: 5, isDefault: true), by: admin)
        #expect(east.name == "华东公海" && east.industries == ["制造"] && east.isDefault && east.ruleVersion == 1)
        #expect(try second.pools().map(\.id) == [east.id])
        let west = try second.createPool(PoolDraft(name: "西部公海", priority: 1, isDefault: true), by: admin)
        #expect(try first.pools().filter(\.isDefault).map(\.id) == [west.id], "one default pool")
        #expect(throws: PoolError.invalidInput(field: "name", message: "a pool with this name exists")) {
            try second.createPool(PoolDraft(name: "华东公海"), by: admin)
        }

        var rules = PoolRules()
        rules.claim.maxClaimsPerDay = 7
        let saved = try second.setRules(rules, for: east.id, by: admin)
        #expect(saved.ruleVersion == 2 && saved.rules.claim.maxClaimsPerDay == 7)
        #expect(try first.pools().first { $0.id == east.id }?.rules.claim.maxClaimsPerDay == 7, "the other handle reads the new version")

        let department = try first.createDepartment(name: "杭州分部", parentID: nil, by: nil)
        var draft = PoolDraft(name: "华东公海", industries: ["制造"], regions: ["浙江"], priority: 5)
        draft.access = [PoolAccessEntry(principal: .department(department.id), level: .member)]
        _ = try first.updatePool(east.id, draft, by: admin)
        #expect(try second.poolAccess()[east.id] == [PoolAccessEntry(principal: .department(department.id), level: .member)])
        draft.access = [PoolAccessEntry(principal: .department(DepartmentID(999)), level: .member)]
        #expect(throws: PoolError.notFound(entity: "Department")) { try second.updatePool(east.id, draft, by: admin) }
        #expect(try first.poolAccess()[east.id]?.count == 1, "a refused change leaves the access as it was")

        try first.setOwnerLimit(OwnerLimit(maxPrivate: 30, countWon: true, maxLocked: 3), for: .department(department.id), by: admin)
        #expect(try second.ownerLimits()[.department(department.id)] == OwnerLimit(maxPrivate: 30, countWon: true, maxLocked: 3))
        #expect(throws: PoolError.invalidInput(field: "maxPrivate", message: "must not be negative")) {
            try second.setOwnerLimit(OwnerLimit(maxPrivate: -1), for: .everyone, by: admin)
        }
        try second.setOwnerLimit(nil, for: .department(department.id), by: admin)
        #expect(try first.ownerLimits().isEmpty)
    }
}
