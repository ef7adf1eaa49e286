import Foundation
import GRDB
import Testing

import PoolDomain
import TestSupport

/// Every claim rule and owner limit, through the HTTP endpoint.
@Suite struct ClaimLimitTests {
    let server = try! TestServer()
    let claim = "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { ok error { code message } } } }"

    func claimCodes(_ ids: [String], as user: String) throws -> [String?] {
        let result = try server.client.graphQL(claim, variables: ["ids": ids], token: server.tokens[user]).json
        return (result.at("data", "claimCustomers", "results") as? [[String: Any]] ?? []).map {
            ($0["error"] as? [String: Any])?["code"] as? String
        }
    }

    func setLimit(_ scope: [String: Any], _ limit: [String: Any]) throws {
        let result = try server.query(
            "mutation($s: LimitScopeInput!, $l: OwnerLimitInput) { setOwnerLimit(scope: $s, limit: $l) { scope limit { maxPrivate } } }",
            variables: ["s": scope, "l": limit])
        #expect(result["errors"] == nil, "\(result)")
    }

    @Test func theOwnedLimitStopsClaimsAndAssignmentsAndSaysTheLimit() throws {
        try setLimit(["kind": "USER", "userId": server.userID("rep1")], ["maxPrivate": 1])
        try server.createCustomer("Mine", owner: "rep1")
        let id = try server.createCustomer("Pooled", pool: "east")
        let result = try server.client.graphQL(claim, variables: ["ids": [id]], token: server.tokens["rep1"]).json
        #expect(result.at("data", "claimCustomers", "results", 0, "error", "code") as? String == "OWNED_LIMIT_REACHED")
        let assign = try server.query(
            "mutation($ids: [ID!]!, $to: ID!) { assignCustomers(ids: $ids, toUserId: $to) { results { error { code } } } }",
            as: "manager", variables: ["ids": [id], "to": server.userID("rep1")])
        #expect(assign.at("data", "assignCustomers", "results", 0, "error", "code") as? String == "OWNED_LIMIT_REACHED")
        #expect(try claimCodes([id], as: "rep2") == [nil])
        let me = try server.query("{ me { ownerLimit { maxPrivate countWon } } }", as: "rep1")
        #expect(me.at("data", "me", "ownerLimit", "maxPrivate") as? Int == 1)
    }

    @Test func wonCustomersCountOnlyWhenTheLimitSaysSo() throws {
        try setLimit(["kind": "EVERYONE"], ["maxPrivate": 1])
        let won = try server.createCustomer("Won", owner: "rep1")
        _ = try server.query("mutation($id: ID!) { updateCustomer(id: $id, input: {status: WON}) { id } }", as: "rep1", variables: ["id": won])
        let a = try server.createCustomer("A", pool: "east")
        #expect(try claimCodes([a], as: "rep1") == [nil])
        try setLimit(["kind": "EVERYONE"], ["maxPrivate": 2, "countWon": true])
        #expect(try claimCodes([try server.createCustomer("B", pool: "east")], as: "rep1") == ["OWNED_LIMIT_REACHED"])
    }

    @Test func theLockedLimitStopsLocking() throws {
        try setLimit(["kind": "EVERYONE"], ["maxLocked": 1])
        let a = try server.createCustomer("A", owner: "rep1")
        let b = try server.createCustomer("B", owner: "rep1")
        let lock = "mutation($id: ID!) { lockCustomer(id: $id) { locked } }"
        #expect(try server.query(lock, as: "rep1", variables: ["id": a])["errors"] == nil)
        #expect(try server.query(lock, as: "rep1", variables: ["id": b]).errorCodes == ["LOCKED_LIMIT_REACHED"])
    }

    @Test func theDailyClaimLimitResetsTheNextDay() throws {
        try server.setRules("east", ["claim": ["maxClaimsPerDay": 2]])
        let ids = try (0..<4).map { try server.createCustomer("Daily \($0)", pool: "east") }
        #expect(try claimCodes(Array(ids.prefix(3)), as: "rep1") == [nil, nil, "DAILY_CLAIM_LIMIT_REACHED"])
        let refused = try server.client.graphQL(claim, variables: ["ids": [ids[3]]], token: server.tokens["rep1"]).json
        #expect((refused.at("data", "claimCustomers", "results", 0, "error", "message") as? String)?.contains("2026-09-22T00:00:00.000Z") == true)
        #expect(try claimCodes([ids[3]], as: "rep2") == [nil], "the limit is per user")
        server.clock.advance(days: 1)
        #expect(try claimCodes([ids[2]], as: "rep1") == [nil])
    }

    @Test func aPreviousOwnerWaitsOutTheCooldownAndSoDoesTheirDepartmentIfSet() throws {
        try server.setRules("east", ["claim": ["cooldownDays": 5]])
        let id = try server.createCustomer("Cool Co", owner: "rep1", region: "上海")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"later\") { id } }", as: "rep1", variables: ["id": id])
        #expect(try claimCodes([id], as: "rep1") == ["CLAIM_COOLDOWN"])
        #expect(try claimCodes([id], as: "rep2") == [nil])
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { id } }", as: "rep2", variables: ["id": id])
        try server.setRules("east", ["claim": ["cooldownDays": 5, "cooldownIncludesDepartment": true]])
        #expect(try claimCodes([id], as: "rep3") == ["CLAIM_COOLDOWN"], "rep3 shares rep2's department")
        server.clock.advance(days: 6)
        #expect(try claimCodes([id], as: "rep1") == [nil])
    }

    @Test func newPoolCustomersAreUnderEmbargo() throws {
        try server.setRules("east", ["claim": ["embargoHours": 24]])
        let id = try server.createCustomer("Fresh Lead", pool: "east")
        #expect(try claimCodes([id], as: "rep1") == ["CLAIM_EMBARGO"])
        server.clock.advance(seconds: 25 * 3600)
        #expect(try claimCodes([id], as: "rep1") == [nil])
    }

    /// 32 reps, each allowed 5, race for 500 pool customers: nobody ends above 5, no customer
    /// has two owners, and every rep gets exactly 5.
    @Test func thirtyTwoRacingRepsNeverExceedTheirLimit() throws {
        try setLimit(["kind": "EVERYONE"], ["maxPrivate": 5])
        let ids = try (0..<500).map { try server.createCustomer("Race \($0)", pool: "general") }
        let racers = try (0..<32).map { try server.addUser("racer\($0)") }
        let group = DispatchGroup()
        let start = DispatchSemaphore(value: 0)
        for racer in racers {
            group.enter()
            Thread { [server] in
                defer { group.leave() }
                start.wait()
                var generator = SystemRandomNumberGenerator()
                let offset = Int.random(in: 0..<50, using: &generator)
                let order = Array(ids[offset...] + ids[..<offset])
                for chunk in stride(from: 0, to: order.count, by: 4).map({ Array(order[$0..<min($0 + 4, order.count)]) }) {
                    let response = try? server.client.graphQL(
                        "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { error { code } } } }",
                        variables: ["ids": chunk], token: server.tokens[racer.name])
                    let codes = (response?.json.at("data", "claimCustomers", "results") as? [[String: Any]] ?? [])
                        .map { ($0["error"] as? [String: Any])?["code"] as? String }
                    if codes.contains("OWNED_LIMIT_REACHED") { break }
                }
            }.start()
        }
        for _ in racers { start.signal() }
        group.wait()
        let counts = try server.rows("SELECT owner_id, COUNT(*) AS n FROM customers WHERE owner_id IS NOT NULL GROUP BY owner_id")
        #expect(counts.count == 32)
        #expect(counts.allSatisfy { $0[1] == "5" })
        let doubleClaims = try server.count(
            "SELECT COUNT(*) FROM (SELECT customer_id FROM ownership_events WHERE kind = 'claim' GROUP BY customer_id HAVING COUNT(*) > 1) twice")
        #expect(doubleClaims == 0)
        #expect(try server.count("SELECT COUNT(*) FROM customers WHERE owner_id IS NOT NULL") == 160)
    }
}
