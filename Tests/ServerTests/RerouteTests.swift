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

    @Test func anArchivedPoolHandsItsCustomersOnAndTakesNoMore() throws {
        let server = try TestServer()
        let created = try server.query("mutation { createPool(input: {name: \"华南公海\", regions: [\"广东\"], priority: 5}) { id } }")
        let pool = try #require(created.at("data", "createPool", "id") as? String)
        let routed = try server.createCustomer("广州客户", owner: "rep1", region: "广东")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"暂无需求\") { id } }", as: "rep1", variables: ["id": routed])
        let placed = try server.createCustomer("上海客户", pool: nil, region: "上海")
        _ = try server.query("mutation($id: ID!, $p: ID!) { releaseCustomer(id: $id, reason: \"x\", poolId: $p) { id } }", variables: ["id": placed, "p": pool])
        func poolName(_ id: String) throws -> String? {
            try server.query("query($id: ID!) { customer(id: $id) { pool { name } } }", variables: ["id": id]).at("data", "customer", "pool", "name") as? String
        }
        #expect(try poolName(routed) == "华南公海" && poolName(placed) == "华南公海")
        let archived = try server.query("mutation($p: ID!) { setPoolArchived(poolId: $p, archived: true) }", variables: ["p": pool])
        #expect(archived.at("data", "setPoolArchived") as? Int == 2, "\(archived)")
        #expect(try poolName(routed) == "General", "routed on, without the archived pool")
        #expect(try poolName(placed) == "East pool", "even one placed by name must leave")
        let history = try server.query("query($id: ID!) { customer(id: $id) { ownershipHistory { kind reason } } }", variables: ["id": placed])
        #expect((history.at("data", "customer", "ownershipHistory") as? [[String: Any]])?.last?["kind"] as? String == "MOVE")
        let again = try server.createCustomer("深圳客户", owner: "rep1", region: "广东")
        let released = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { pool { name } } }", as: "rep1", variables: ["id": again])
        #expect(released.at("data", "releaseCustomer", "pool", "name") as? String == "General", "an archived pool routes nothing")
        let named = try server.query("mutation($id: ID!, $p: ID!) { releaseCustomer(id: $id, reason: \"x\", poolId: $p) { id } }", variables: ["id": routed, "p": pool])
        #expect(named.errorCodes.first == "BAD_USER_INPUT" || named.errorCodes.first == "NOT_OWNER", "\(named)")
        let owned = try server.createCustomer("佛山客户", owner: "rep2", region: "广东")
        let intoArchived = try server.query("mutation($id: ID!, $p: ID!) { releaseCustomer(id: $id, reason: \"x\", poolId: $p) { id } }", as: "rep2", variables: ["id": owned, "p": pool])
        #expect(intoArchived.errorCodes == ["BAD_USER_INPUT"], "nobody puts a customer into an archived pool")
        #expect(try server.query("mutation { createCustomer(input: {name: \"新客户\", poolId: \"\(pool)\"}) { id } }").errorCodes == ["BAD_USER_INPUT"])
        let general = server.poolID("general")
        #expect(try server.query("mutation($p: ID!) { setPoolArchived(poolId: $p, archived: true) }", variables: ["p": general]).errorCodes == ["BAD_USER_INPUT"])
        let pools = try server.query("{ pools { name archived } }").at("data", "pools") as? [[String: Any]] ?? []
        #expect(pools.first { $0["name"] as? String == "华南公海" }?["archived"] as? Bool == true)
        let console = try server.console(as: "admin")
        #expect(try console.get("/admin/pools").text.contains("华南公海</a> <span class=\"tag\">Archived</span>"))
        try console.get("/admin/pools/\(pool.dropFirst(5))")
        let restored = try console.post("/admin/pools/\(pool.dropFirst(5))/archive", [("archived", "0")])
        #expect(restored.status == 303)
        let page = try console.get(try #require(restored.headers["location"]))
        #expect(page.text.contains("Pool restored") && page.text.contains("routing now matches: <strong>2</strong>"), "the two 广东 customers in General may come back")
        try console.get("/admin/pools/\(general.dropFirst(5))")
        #expect(try !console.get("/admin/pools/\(general.dropFirst(5))").text.contains("Archive this pool"), "the default pool is not offered")
    }
}
