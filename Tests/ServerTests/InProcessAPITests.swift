import Foundation
import Testing

import TestSupport

/// The API in process, table-driven as graphql-go's gqltesting does: caller, operation →
/// the exact JSON. No socket and no token: `GraphQLEndpoint.handle(_:as:)`.
@Suite struct InProcessAPITests {
    struct Case: Sendable, CustomTestStringConvertible {
        let caller: String
        let query: String
        let expected: String
        var testDescription: String { "\(caller): \(query)" }
    }

    static let cases: [Case] = [
        Case(caller: "admin", query: "{ me { name role } }", expected: #"{"data":{"me":{"name":"admin","role":"ADMIN"}}}"#),
        Case(caller: "rep1", query: "{ me { name role } }", expected: #"{"data":{"me":{"name":"rep1","role":"REP"}}}"#),
        Case(
            caller: "rep1", query: "{ ownerLimits { __typename } }",
            expected: #"{"errors":[{"message":"Forbidden: only administrators may manage users.","locations":[{"line":1,"column":3}],"path":["ownerLimits"],"extensions":{"code":"FORBIDDEN"}}]}"#),
        Case(caller: "manager", query: "{ pools { name } }", expected: #"{"data":{"pools":[{"name":"East pool"},{"name":"General"}]}}"#),
        Case(
            caller: "rep1", query: "mutation { runSweep(dryRun: true) { evaluated } }",
            expected: #"{"errors":[{"message":"Forbidden: only administrators may run the reclaim sweep.","locations":[{"line":1,"column":12}],"path":["runSweep"],"extensions":{"code":"FORBIDDEN"}}]}"#),
    ]

    @Test(arguments: cases)
    func eachCallerGetsExactlyThisJSON(_ test: Case) throws {
        let server = try TestServer()
        let body = try JSONSerialization.data(withJSONObject: try server.inProcess(test.query, as: test.caller), options: [.sortedKeys])
        let expected = try JSONSerialization.data(
            withJSONObject: try JSONSerialization.jsonObject(with: Data(test.expected.utf8)), options: [.sortedKeys])
        #expect(String(decoding: body, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}
