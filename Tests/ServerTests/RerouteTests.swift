import Foundation
import PoolDomain
import Testing

import TestSupport

/// A new pool's routing draws the pool customers it now matches (issue 19): moved on request,
/// each as an ownership event, never one someone placed by name.
@Suite struct RerouteTests {
    @Test func aNewPoolOffersAndMovesTheCustomersItsRoutingNowMatches() throws {
        let server = try TestServer()
        let routed = try server.createCustomer("广州客户", owner: "rep1", region: "广东")
        let released = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"暂无需求\") { pool { name } } }", as: "rep1", variables: ["id": routed])
        #expect(released.at("data", "releaseCustomer", "pool", "name") as? String == "General", "no pool matched 广东 yet")
        let placed = try server.createCustomer("深圳客户", pool: "general", region: "广东")
        let elsewhere = try server.createCustomer("上海客户", owner: "rep1", region: "上海")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { id } }", as: "rep1", variables: ["id": elsewhere])
        let created = try server.query("mutation { createPool(input: {name: \"华南公海\", regions: [\"广东\"], priority: 5}) { id } }")
        let pool = try #require(created.at("data", "createPool", "id") as? String)
        let console = try server.console(as: "admin")
        let page = try console.get("/admin/pools/\(pool.dropFirst(5))")
        #expect(page.text.contains("routing now matches: <strong>1</strong>"))
        try console.get("/admin/pools/\(pool.dropFirst(5))")
        let moved = try console.post("/admin/pools/\(pool.dropFirst(5))/reroute", [])
        #expect(moved.status == 303 && moved.headers["location"]?.contains("count=1") == true)
        func poolName(_ id: String) throws -> String? {
            try server.query("query($id: ID!) { customer(id: $id) { pool { name } } }", variables: ["id": id]).at("data", "customer", "pool", "name") as? String
        }
        #expect(try poolName(routed) == "华南公海")
        #expect(try poolName(placed) == "General", "placed there by name: stays")
        #expect(try poolName(elsewhere) == "East pool")
        let history = try server.query("query($id: ID!) { customer(id: $id) { ownershipHistory { kind fromPool { name } toPool { name } } } }", variables: ["id": routed])
        let last = (history.at("data", "customer", "ownershipHistory") as? [[String: Any]])?.last
        #expect(last?["kind"] as? String == "MOVE")
        #expect((last?["toPool"] as? [String: Any])?["name"] as? String == "华南公海")
        #expect(try server.query("mutation($p: ID!) { reroutePoolCustomers(poolId: $p) }", variables: ["p": pool]).at("data", "reroutePoolCustomers") as? Int == 0, "nothing left to move")
        #expect(try !console.get("/admin/pools/\(pool.dropFirst(5))").text.contains("id=\"reroute\""))
        // The kinds stay a closed list with `move` added (SQLite's CHECK was loosened in place).
        #expect(throws: (any Error).self) {
            try server.rows("INSERT INTO ownership_events (customer_id, kind, at) VALUES (\(routed.dropFirst(4)), 'steal', 0)")
        }
    }
}
