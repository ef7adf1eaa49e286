import Testing

@testable import PoolDomain

@Suite struct PoolRouterTests {
    let router = PoolRouter(pools: [
        Pool(id: PoolID(1), name: "East", industries: [], regions: ["上海", "浙江"], priority: 10, isDefault: false),
        Pool(id: PoolID(2), name: "Health", industries: ["医疗健康"], regions: [], priority: 20, isDefault: false),
        Pool(id: PoolID(3), name: "East health", industries: ["医疗健康"], regions: ["上海"], priority: 20, isDefault: false),
        Pool(id: PoolID(4), name: "General", industries: [], regions: [], priority: 0, isDefault: true),
    ])

    @Test func regionMatchGoesToTheRegionalPool() throws {
        let (pool, reason) = try #require(router.route(industry: "教育", region: "浙江"))
        #expect(pool == PoolID(1))
        #expect(reason == .matched)
    }

    @Test func higherPriorityWinsAndMoreSpecificBreaksTies() throws {
        #expect(router.route(industry: "医疗健康", region: "浙江")?.0 == PoolID(2))
        #expect(router.route(industry: "医疗健康", region: "上海")?.0 == PoolID(3))
    }

    @Test func noMatchFallsBackToTheDefaultPool() throws {
        let (pool, reason) = try #require(router.route(industry: "金融", region: "四川"))
        #expect(pool == PoolID(4))
        #expect(reason == .defaultPool)
        #expect(router.route(industry: nil, region: nil)?.0 == PoolID(4))
    }

    @Test func withoutADefaultPoolAnUnmatchedCustomerHasNowhereToGo() {
        let router = PoolRouter(pools: [self.router.pools[0]])
        #expect(router.route(industry: nil, region: "四川") == nil)
    }
}
