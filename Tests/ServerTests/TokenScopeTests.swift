import Foundation
import Testing

import PoolDomain
import TestSupport

/// API tokens that expire, that only read, or that are limited to named pools: issued through
/// the API, enforced on every request by the application layer.
@Suite struct TokenScopeTests {
    static func issue(_ server: TestServer, for user: String, _ extra: String = "", _ variables: [String: Any] = [:]) throws -> (String, [String: Any]) {
        let response = try server.query(
            "mutation($u: ID!\(variables.keys.contains("p") ? ", $p: [ID!]" : "")\(variables.keys.contains("e") ? ", $e: DateTime" : "")) "
                + "{ issueApiToken(userId: $u, label: \"scoped\"\(extra)) { token apiToken { id expiresAt readOnly pools { name } } } }",
            variables: variables.merging(["u": server.userID(user)]) { $1 })
        let token = try #require(response.at("data", "issueApiToken", "token") as? String, "\(response)")
        return (token, try #require(response.at("data", "issueApiToken", "apiToken") as? [String: Any]))
    }

    @Test func anExpiringTokenWorksUntilItsMomentThenIsRefused() throws {
        let server = try TestServer()
        let expiry = server.clock.now().addingTimeInterval(3600)
        let (token, listed) = try Self.issue(server, for: "rep1", ", expiresAt: $e", ["e": ISO8601DateFormatter().string(from: expiry)])
        #expect(listed["expiresAt"] as? String != nil)
        #expect(try server.client.graphQL("{ me { name } }", token: token).json.at("data", "me", "name") as? String == "rep1")
        server.clock.advance(seconds: 3601)
        #expect(try server.client.graphQL("{ me { name } }", token: token).json.errorCodes == ["UNAUTHENTICATED"])
        let past = try server.query(
            "mutation($u: ID!) { issueApiToken(userId: $u, label: \"late\", expiresAt: \"2020-01-01T00:00:00.000Z\") { token } }",
            variables: ["u": server.userID("rep1")])
        #expect(past.errorCodes == ["BAD_USER_INPUT"])
    }

    @Test func aReadOnlyTokenReadsAndChangesNothing() throws {
        let server = try TestServer()
        let pooled = try server.createCustomer("Pooled Co", pool: "east")
        let (token, listed) = try Self.issue(server, for: "rep1", ", scope: { readOnly: true }")
        #expect(listed["readOnly"] as? Bool == true && listed["pools"] is NSNull)
        let read = try server.client.graphQL("{ customers(first: 5) { totalCount } }", token: token).json
        #expect(read.at("data", "customers", "totalCount") as? Int == 1)
        let claim = try server.client.graphQL("mutation($c: [ID!]!) { claimCustomers(ids: $c) { succeeded } }", variables: ["c": [pooled]], token: token).json
        #expect(claim.errorCodes == ["FORBIDDEN"])
        #expect(try server.count("SELECT count(*) FROM customers WHERE owner_id IS NOT NULL") == 0, "nothing was claimed")
    }

    @Test func aPoolLimitedTokenSeesAndWorksOnlyThatPool() throws {
        let server = try TestServer()
        let east = try server.createCustomer("East Co", pool: "east")
        _ = try server.createCustomer("General Co", pool: "general")
        _ = try server.createCustomer("Own Co", owner: "rep1")
        let (token, listed) = try Self.issue(server, for: "rep1", ", scope: { poolIds: $p }", ["p": [server.poolID("east")]])
        #expect((listed["pools"] as? [[String: Any]])?.map { $0["name"] as? String } == ["East pool"])
        let seen = try server.client.graphQL("{ customers(first: 10) { totalCount nodes { name } } }", token: token).json
        #expect(seen.at("data", "customers", "totalCount") as? Int == 1)
        #expect(seen.at("data", "customers", "nodes", 0, "name") as? String == "East Co")
        let claimed = try server.client.graphQL("mutation($c: [ID!]!) { claimCustomers(ids: $c) { succeeded } }", variables: ["c": [east]], token: token).json
        #expect(claimed.at("data", "claimCustomers", "succeeded") as? Int == 1)
        let create = try server.client.graphQL(#"mutation { createCustomer(input: {name: "Side Co"}) { id } }"#, token: token).json
        #expect(create.errorCodes == ["FORBIDDEN"], "a private customer would leave the token's pools")

        // An administrator's limited token administers nothing and sees only its pools.
        let (adminToken, _) = try Self.issue(server, for: "admin", ", scope: { poolIds: $p }", ["p": [server.poolID("general")]])
        let pools = try server.client.graphQL(#"mutation { createPool(input: {name: "Side pool"}) { id } }"#, token: adminToken).json
        #expect(pools.errorCodes == ["FORBIDDEN"])
        let metrics = try server.client.graphQL(
            #"{ poolMetrics(from: "2026-01-01T00:00:00.000Z", to: "2026-02-01T00:00:00.000Z") { pool { id } } }"#, token: adminToken).json
        #expect(metrics.errorCodes == ["FORBIDDEN"])
        let adminSees = try server.client.graphQL("{ customers(first: 10) { totalCount } }", token: adminToken).json
        #expect(adminSees.at("data", "customers", "totalCount") as? Int == 1)

        let empty = try server.query(
            "mutation($u: ID!) { issueApiToken(userId: $u, label: \"none\", scope: { poolIds: [] }) { token } }", variables: ["u": server.userID("rep1")])
        #expect(empty.errorCodes == ["BAD_USER_INPUT"])
        let unknown = try server.query(
            "mutation($u: ID!) { issueApiToken(userId: $u, label: \"x\", scope: { poolIds: [\"pool_999\"] }) { token } }", variables: ["u": server.userID("rep1")])
        #expect(unknown.errorCodes == ["NOT_FOUND"])
    }
}
