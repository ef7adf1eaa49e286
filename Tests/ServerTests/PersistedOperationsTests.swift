import Crypto
import Foundation
import Testing

@testable import GraphQLAPI
import TestSupport

/// Automatic persisted queries as Apollo clients send them, trusted documents, and the
/// request-body rules both rely on, through the real server.
@Suite struct PersistedOperationsTests {
    static let query = "query Me { me { name } }"
    static let hash = SHA256.hash(data: Data(query.utf8)).map { String(format: "%02x", $0) }.joined()

    static func post(_ server: TestServer, _ object: [String: Any], accept: String? = nil) throws -> HTTPClient.Response {
        var headers = [("Content-Type", "application/json"), ("Authorization", "Bearer \(server.tokens["rep1"]!)")]
        if let accept { headers.append(("Accept", accept)) }
        return try server.client.send(
            method: "POST", path: "/graphql", headers: headers, body: [UInt8](try JSONSerialization.data(withJSONObject: object)))
    }

    static func persisted(_ hash: String) -> [String: Any] { ["persistedQuery": ["version": 1, "sha256Hash": hash]] }

    static func code(_ response: HTTPClient.Response) -> String? {
        response.json.at("errors", 0, "extensions", "code") as? String
    }

    @Test func aHashIsUnknownUntilItsQueryRegistersItThenRunsAlone() throws {
        let server = try TestServer()
        let unknown = try Self.post(server, ["extensions": Self.persisted(Self.hash)])
        #expect(Self.code(unknown) == "PERSISTED_QUERY_NOT_FOUND")
        #expect(unknown.json.at("errors", 0, "message") as? String == "PersistedQueryNotFound")
        let registered = try Self.post(server, ["query": Self.query, "extensions": Self.persisted(Self.hash)])
        #expect(registered.json.at("data", "me", "name") as? String == "rep1")
        let byHash = try Self.post(server, ["extensions": Self.persisted(Self.hash)])
        #expect(byHash.json.at("data", "me", "name") as? String == "rep1")
        // GET, as Apollo's link sends hashed queries with useGETForHashedQueries.
        let extensions = String(decoding: try JSONSerialization.data(withJSONObject: Self.persisted(Self.hash)), as: UTF8.self)
        let path = "/graphql?extensions=" + extensions.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let get = try server.client.send(method: "GET", path: path, headers: [("Authorization", "Bearer \(server.tokens["rep1"]!)")])
        #expect(get.json.at("data", "me", "name") as? String == "rep1")
    }

    @Test func aHashThatIsNotTheQuerysOrMalformedIsRefused() throws {
        let server = try TestServer()
        let other = String(repeating: "ab", count: 32)
        let mismatch = try Self.post(server, ["query": Self.query, "extensions": Self.persisted(other)])
        #expect(Self.code(mismatch) == "BAD_REQUEST")
        // The mismatched text was not registered under the other hash.
        #expect(Self.code(try Self.post(server, ["extensions": Self.persisted(other)])) == "PERSISTED_QUERY_NOT_FOUND")
        for bad: Any in ["ABC", String(repeating: "A", count: 64), 42] {
            let response = try Self.post(server, ["extensions": ["persistedQuery": ["version": 1, "sha256Hash": bad]]])
            #expect(Self.code(response) == "BAD_REQUEST")
        }
        let version = try Self.post(server, ["extensions": ["persistedQuery": ["version": 2, "sha256Hash": Self.hash]]])
        #expect(Self.code(version) == "BAD_REQUEST")
    }

    /// GraphQL over HTTP: an `extensions` that is not an object is a 400; null is none.
    @Test func extensionsMustBeAnObject() throws {
        let server = try TestServer()
        for value: Any in ["x", 1, [1, 2]] {
            let response = try Self.post(server, ["query": Self.query, "extensions": value], accept: "application/graphql-response+json")
            #expect(response.status == 400 && Self.code(response) == "BAD_REQUEST")
        }
        let none = try Self.post(server, ["query": Self.query, "extensions": NSNull()])
        #expect(none.json.at("data", "me", "name") as? String == "rep1")
        let missing = try Self.post(server, ["extensions": [String: Any]()])
        #expect(Self.code(missing) == "BAD_REQUEST", "no query and no persisted operation")
    }

    @Test func withTrustedDocumentsOnlyTheListedOperationsRun() throws {
        let server = try TestServer(trustedDocuments: [Self.hash: Self.query])
        #expect(try Self.post(server, ["extensions": Self.persisted(Self.hash)]).json.at("data", "me", "name") as? String == "rep1")
        #expect(try Self.post(server, ["query": Self.query]).json.at("data", "me", "name") as? String == "rep1")
        let other = try Self.post(server, ["query": "{ me { id } }"], accept: "application/graphql-response+json")
        #expect(other.status == 400 && Self.code(other) == "OPERATION_NOT_TRUSTED")
        // Nothing registers in this mode.
        let query = "{ me { id } }"
        let hash = SHA256.hash(data: Data(query.utf8)).map { String(format: "%02x", $0) }.joined()
        _ = try Self.post(server, ["query": query, "extensions": Self.persisted(hash)])
        #expect(Self.code(try Self.post(server, ["extensions": Self.persisted(hash)])) == "PERSISTED_QUERY_NOT_FOUND")
    }

    @Test func trustedDocumentFilesAreReadInBothFormatsAndCheckedWhole() throws {
        let plain = try JSONSerialization.data(withJSONObject: [Self.hash: Self.query])
        #expect(try PersistedOperations.loadTrusted(plain) == [Self.hash: Self.query])
        let manifest = try JSONSerialization.data(withJSONObject: [
            "format": "apollo-persisted-query-manifest", "version": 1,
            "operations": [["id": Self.hash, "body": Self.query, "name": "Me", "type": "query"]],
        ])
        #expect(try PersistedOperations.loadTrusted(manifest) == [Self.hash: Self.query])
        let wrongHash = try JSONSerialization.data(withJSONObject: [String(repeating: "0", count: 64): Self.query])
        #expect(throws: TrustedDocumentsError.self) { try PersistedOperations.loadTrusted(wrongHash) }
        let broken = "query {"
        let brokenHash = SHA256.hash(data: Data(broken.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(throws: TrustedDocumentsError.self) {
            try PersistedOperations.loadTrusted(try JSONSerialization.data(withJSONObject: [brokenHash: broken]))
        }
        #expect(throws: TrustedDocumentsError.self) { try PersistedOperations.loadTrusted(Data("[]".utf8)) }
    }
}
