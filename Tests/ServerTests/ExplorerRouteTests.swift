import Foundation
import Testing

import TestSupport

/// `GET /graphql` from a browser is the explorer; from a GraphQL client it stays the endpoint.
@Suite struct ExplorerRouteTests {
    @Test func aBrowserGetsTheExplorerAndAClientGetsJSON() throws {
        let server = try TestServer()
        let page = try server.client.send(method: "GET", path: "/graphql", headers: [("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")])
        #expect(page.status == 200 && page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.text.contains("/admin/static/explorer.js") && !page.text.contains("http"), "no external assets")
        #expect(page.headers["content-security-policy"]?.contains("default-src 'self'") == true)
        let client = try server.client.send(
            method: "GET", path: "/graphql?query=%7B%20me%20%7B%20name%20%7D%20%7D",
            headers: [("Accept", "text/html, application/json"), ("Authorization", "Bearer \(server.tokens["rep1"]!)")])
        #expect(client.json.at("data", "me", "name") as? String == "rep1")
        let anonymous = try server.client.send(method: "GET", path: "/graphql")
        #expect(anonymous.status == 401, "without text/html it is the endpoint, which wants a token")
        #expect(try server.client.send(method: "GET", path: "/admin/static/explorer.html").status == 404)
        #expect(try server.client.send(method: "GET", path: "/admin/static/explorer.js").status == 200)
    }
}
