import Foundation
import Testing

import TestSupport

/// `GET /schema.graphql`: the SDL the server runs, for code generators, behind a token.
@Suite struct SchemaDocumentTests {
    @Test func theSchemaFileIsServedToAnyTokenAndToNobodyWithout() throws {
        let server = try TestServer()
        let file = try String(contentsOf: TestServer.schemaURL, encoding: .utf8)
        for user in ["admin", "rep1"] {
            let response = try server.client.send(
                method: "GET", path: "/schema.graphql", headers: [("Authorization", "Bearer \(server.tokens[user]!)")])
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/plain; charset=utf-8")
            #expect(response.text == file, "the served document is the schema file, byte for byte")
        }
        let anonymous = try server.client.send(method: "GET", path: "/schema.graphql")
        #expect(anonymous.status == 401)
        #expect(anonymous.json.at("errors", 0, "extensions", "code") as? String == "UNAUTHENTICATED")
        let wrong = try server.client.send(
            method: "POST", path: "/schema.graphql", headers: [("Authorization", "Bearer \(server.tokens["admin"]!)")])
        #expect(wrong.status == 405)
    }
}
