import Foundation
import Testing

import TestSupport

/// A batch client (`claimCustomers`, `assignCustomers`) gets each refusal's data as typed
/// fields, the same a field error carries in `extensions`: who owns the customer, the limit,
/// the current count and when the refusal ends.
@Suite struct BatchErrorTests {
    let server = try! TestServer()
    let claim = """
        mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { ok error { code owner limit current freesAt duplicate { field } } } } }
        """

    /// `TestServer.start` plus `hours`, as the API writes a DateTime.
    func later(hours: Double) -> String {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return format.string(from: TestServer.start.addingTimeInterval(hours * 3600))
    }

    /// The error of each id, as the batch client reads it.
    func errors(_ ids: [String], as user: String) throws -> [[String: Any]] {
        let answer = try server.query(claim, as: user, variables: ["ids": ids])
        return (answer.at("data", "claimCustomers", "results") as? [[String: Any]] ?? []).map { $0["error"] as? [String: Any] ?? [:] }
    }

    @Test func eachClaimRefusalCarriesItsData() throws {
        // ALREADY_OWNED names the owner.
        let owned = try server.createCustomer("Owned Co", owner: "rep2")
        let taken = try errors([owned], as: "rep1")[0]
        #expect(taken["code"] as? String == "ALREADY_OWNED" && taken["owner"] as? String == "rep2", "\(taken)")
        #expect(taken["limit"] is NSNull && taken["freesAt"] is NSNull && taken["duplicate"] is NSNull)

        // DAILY_CLAIM_LIMIT_REACHED: the limit and the start of tomorrow.
        try server.setRules("east", ["claim": ["maxClaimsPerDay": 1]])
        let daily = try (0..<2).map { try server.createCustomer("Daily \($0)", pool: "east") }
        let dailyErrors = try errors(daily, as: "rep1")
        #expect(dailyErrors[0].isEmpty)
        #expect(dailyErrors[1]["code"] as? String == "DAILY_CLAIM_LIMIT_REACHED")
        #expect(dailyErrors[1]["limit"] as? Int == 1 && dailyErrors[1]["freesAt"] as? String == "2026-09-22T00:00:00.000Z", "\(dailyErrors[1])")

        // CLAIM_EMBARGO: the hours and when the customer may be claimed.
        try server.setRules("east", ["claim": ["embargoHours": 24]])
        let fresh = try server.createCustomer("Fresh Lead", pool: "east")
        let embargo = try errors([fresh], as: "rep3")[0]
        #expect(embargo["code"] as? String == "CLAIM_EMBARGO" && embargo["limit"] as? Int == 24)
        #expect(embargo["freesAt"] as? String == later(hours: 24), "\(embargo)")
    }

    @Test func theOwnedLimitSaysTheLimitAndTheCurrentCountToClaimsAndAssignments() throws {
        _ = try server.query(
            "mutation($s: LimitScopeInput!, $l: OwnerLimitInput) { setOwnerLimit(scope: $s, limit: $l) { scope } }",
            variables: ["s": ["kind": "USER", "userId": server.userID("rep1")], "l": ["maxPrivate": 1]])
        try server.createCustomer("Mine", owner: "rep1")
        let pooled = try server.createCustomer("Pooled", pool: "east")
        let refused = try errors([pooled], as: "rep1")[0]
        #expect(refused["code"] as? String == "OWNED_LIMIT_REACHED" && refused["limit"] as? Int == 1 && refused["current"] as? Int == 1, "\(refused)")
        let assign = try server.query(
            "mutation($ids: [ID!]!, $to: ID!) { assignCustomers(ids: $ids, toUserId: $to) { results { error { code limit current } } } }",
            as: "manager", variables: ["ids": [pooled], "to": server.userID("rep1")])
        #expect(assign.at("data", "assignCustomers", "results", 0, "error", "limit") as? Int == 1)
        #expect(assign.at("data", "assignCustomers", "results", 0, "error", "current") as? Int == 1)
    }

    @Test func aCooldownSaysWhenItEnds() throws {
        try server.setRules("east", ["claim": ["cooldownDays": 5]])
        let id = try server.createCustomer("Cool Co", owner: "rep1", region: "上海")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"later\") { id } }", as: "rep1", variables: ["id": id])
        let refused = try errors([id], as: "rep1")[0]
        #expect(refused["code"] as? String == "CLAIM_COOLDOWN" && refused["limit"] as? Int == 5)
        #expect(refused["freesAt"] as? String == later(hours: 5 * 24), "\(refused)")
    }
}
