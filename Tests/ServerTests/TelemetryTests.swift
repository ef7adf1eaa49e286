import Foundation
import Testing

import TestSupport

@Suite struct TelemetryTests {
    @Test func metricsCountRequestsAndOwnershipChangesAndNeedTheirToken() throws {
        let server = try TestServer(metricsToken: "metrics-secret")
        let ids = try (0..<3).map { try server.createCustomer("Metric \($0)", pool: "general") }
        // Twice: the second request counts in the same series.
        for _ in 0..<2 {
            _ = try server.client.graphQL(
                "mutation Claim($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded } }", variables: ["ids": ids],
                operationName: "Claim", token: server.tokens["rep1"])
        }
        _ = try server.client.graphQL("{ me { salary } }", token: server.tokens["rep1"])
        // A field's error beside data is counted by its code too.
        _ = try server.client.graphQL("query Partial { me { name } webhookDeliveries(status: DEAD) { id } }", operationName: "Partial", token: server.tokens["rep1"])
        _ = try server.client.graphQL("{ me { name } }", operationName: "Forged\nlevel=critical", token: server.tokens["rep1"])
        #expect(try server.client.send(method: "GET", path: "/metrics").status == 401)
        #expect(try server.client.send(method: "GET", path: "/metrics", headers: [("Authorization", "Bearer wrong")]).status == 401)
        let metrics = try server.client.send(method: "GET", path: "/metrics", headers: [("Authorization", "Bearer metrics-secret")])
        #expect(metrics.status == 200)
        let text = metrics.text
        #expect(text.contains(#"gonghai_ownership_changes_total{kind="claim"} 3"#))
        #expect(text.contains(#"gonghai_requests_total{operation="Claim",outcome="ok"} 2"#))
        #expect(text.contains(#"gonghai_requests_total{operation="Partial",outcome="FORBIDDEN"} 1"#), "\(text)")
        #expect(text.contains(#"gonghai_requests_total{operation="anonymous",outcome="GRAPHQL_VALIDATION_FAILED"} 1"#))
        #expect(text.contains(#"gonghai_requests_total{operation="invalid",outcome="OPERATION_NOT_FOUND"} 1"#), "\(text)")
        #expect(!text.contains("Forged"))
        #expect(text.contains("gonghai_request_duration_seconds_bucket{route=\"graphql\""))
        #expect(text.contains("gonghai_pool_size{pool=\"\(server.pools["general"]!.id.rawValue)\"} 0"))
        #expect(text.contains("gonghai_database_bytes"))
        #expect(text.contains("gonghai_document_cache_hit_ratio"))
    }

    @Test func metricsAreOffWithoutAToken() throws {
        let server = try TestServer()
        #expect(try server.client.send(method: "GET", path: "/metrics").status == 404)
    }

    @Test func sweepsAreCounted() throws {
        let server = try TestServer(metricsToken: "t")
        try server.setRules("general", ["reclaim": ["noFollowUpDays": 1]])
        try server.createCustomer("Sweep Metric", owner: "rep1", region: "四川")
        server.moveClock(toDay: "2026-09-30")
        _ = try server.query("mutation { runSweep(asOf: \"2026-09-30\") { reclaimed } }")
        let text = try server.client.send(method: "GET", path: "/metrics", headers: [("Authorization", "Bearer t")]).text
        #expect(text.contains(#"gonghai_sweep_customers_total{outcome="reclaimed"} 1"#))
        #expect(text.contains("gonghai_sweep_duration_seconds"))
        #expect(text.contains(#"gonghai_ownership_changes_total{kind="reclaim"} 1"#))
    }
}
