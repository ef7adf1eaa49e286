import Foundation
import PoolDomain
import Testing

import TestSupport

/// Owner limits (持有上限) and a pool's rule history in the console (issue 19).
@Suite struct ConsoleLimitsAndHistoryTests {
    @Test func anAdministratorSetsAndRemovesOwnerLimitsThatClaimsThenObey() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        #expect(try console.get("/admin/limits").text.contains("No limit is set"))
        let refused = try console.post("/admin/limits", [("scope", "user:\(server.users["rep1"]!.id.rawValue)"), ("max_private", "-1")])
        #expect(refused.status == 422 && refused.text.contains("0 to 100000"))
        let empty = try console.post("/admin/limits", [("scope", "everyone")])
        #expect(empty.status == 422, "a limit of nothing is a slip")
        let saved = try console.post("/admin/limits", [("scope", "user:\(server.users["rep1"]!.id.rawValue)"), ("max_private", "1"), ("max_locked", "0")])
        #expect(saved.status == 303)
        let page = try console.get("/admin/limits")
        #expect(page.text.contains("User: rep1"))
        #expect(try server.database.ownerLimits()[.user(server.users["rep1"]!.id)] == OwnerLimit(maxPrivate: 1, maxLocked: 0))
        try server.createCustomer("Held", owner: "rep1")
        let pooled = try server.createCustomer("Wanted", pool: "general")
        let claim = try server.query("mutation($id: ID!) { claimCustomers(ids: [$id]) { results { error { code } } } }", as: "rep1", variables: ["id": pooled])
        #expect(claim.at("data", "claimCustomers", "results", 0, "error", "code") as? String == "OWNED_LIMIT_REACHED", "the limit set in the console holds")
        try console.get("/admin/limits")
        #expect(try console.post("/admin/limits/remove", [("scope", "user:\(server.users["rep1"]!.id.rawValue)")]).status == 303)
        #expect(try server.database.ownerLimits().isEmpty)
        let manager = try server.console(as: "manager")
        #expect(try manager.get("/admin/limits").status == 403)
    }

    @Test func aPoolsRuleHistoryShowsWhatEachVersionChanged() throws {
        let server = try TestServer()
        try server.setRules("east", ["reclaim": ["noFollowUpDays": 30]])
        try server.setRules("east", ["reclaim": ["noFollowUpDays": 20, "warningDays": 3]])
        let console = try server.console(as: "admin")
        let page = try console.get("/admin/pools/\(server.pools["east"]!.id.rawValue)")
        let history = try #require(page.text.range(of: "id=\"history\"").map { String(page.text[$0.lowerBound...]) })
        #expect(history.contains("v3") && history.contains("v2") && history.contains("v1"))
        #expect(history.contains("Days without follow-up: <del>30</del> → <ins>20</ins>"))
        #expect(history.contains("Warning days: <del>0</del> → <ins>3</ins>"))
        #expect(history.contains("First version"))
        let rep = try server.console(as: "manager")
        #expect(try !rep.get("/admin/pools/\(server.pools["east"]!.id.rawValue)").text.contains("id=\"history\""), "only those who may change the rules")
    }
}
