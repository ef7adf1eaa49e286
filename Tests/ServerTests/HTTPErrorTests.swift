import Foundation
import Testing
import HTTPServer

import TestSupport

/// Bad input gets a clear error with a documented code and the right status, never a crash.
@Suite struct HTTPErrorTests {
    let server = try! TestServer(maxBodyBytes: 64 * 1024)
    var token: String { server.tokens["rep1"]! }
    let modern = "application/graphql-response+json"

    func post(_ body: String, contentType: String = "application/json", accept: String? = nil, auth: Bool = true) throws -> HTTPClient.Response {
        var headers = [("Content-Type", contentType)]
        if auth { headers.append(("Authorization", "Bearer \(token)")) }
        if let accept { headers.append(("Accept", accept)) }
        return try server.client.send(method: "POST", path: "/graphql", headers: headers, body: Array(body.utf8))
    }

    @Test func everyRequestNeedsAValidToken() throws {
        for headers in [[], [("Authorization", "Bearer gh_wrong")], [("Authorization", "Basic abc")], [("Authorization", "Bearer ")]] {
            let response = try server.client.send(
                method: "POST", path: "/graphql", headers: [("Content-Type", "application/json")] + headers,
                body: Array(#"{"query":"{ me { name } }"}"#.utf8))
            #expect(response.status == 401)
            #expect(response.json.errorCodes == ["UNAUTHENTICATED"])
            #expect(response.headers["www-authenticate"] == "Bearer")
        }
    }

    /// Header names, the `Bearer` scheme and media types compare without regard to ASCII case.
    @Test func headerNamesSchemesAndMediaTypesIgnoreCase() throws {
        let response = try server.client.send(
            method: "POST", path: "/graphql",
            headers: [("CONTENT-TYPE", "Application/JSON"), ("AUTHORIZATION", "bEaReR  \(token) "), ("ACCEPT", modern.uppercased())],
            body: Array(#"{"query":"{ me { name } }"}"#.utf8))
        #expect(response.status == 200)
        #expect(response.json.errorCodes == [])
        #expect(response.headers["content-type"]?.hasPrefix(modern) == true)
        #expect("Content-Type".asciiLowercased == "content-type")
        #expect("Ärger-ID".asciiLowercased == "Ärger-id", "only ASCII letters are lowered")
        #expect("X-Request-ID".equalsIgnoringASCIICase("x-request-id"))
        #expect(!"X-Request-ID".equalsIgnoringASCIICase("x-request-i"))
        #expect(!"Ä".equalsIgnoringASCIICase("ä"))
    }

    @Test func malformedBodiesAreBadRequests() throws {
        for body in ["{", "[]", "\"query\"", #"{"query": 5}"#, #"{"query":"{ me { name } }","variables":[1]}"#,
                     #"{"query":"{ me { name } }","operationName":7}"#, #"{"query":"{ me { name } }","extra":1}"#, ""] {
            let response = try post(body, accept: modern)
            #expect(response.status == 400, "\(body)")
            #expect(response.json.errorCodes == ["BAD_REQUEST"], "\(body)")
        }
        let invalidUTF8 = try server.client.send(
            method: "POST", path: "/graphql",
            headers: [("Content-Type", "application/json"), ("Authorization", "Bearer \(token)")],
            body: Array(#"{"query":""#.utf8) + [0xFF, 0xFE] + Array(#""}"#.utf8))
        #expect(invalidUTF8.json.errorCodes == ["BAD_REQUEST"])
    }

    @Test func deeplyNestedJSONIsRefusedNotRecursedInto() throws {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let response = try post(#"{"query":"{ me { name } }","variables":{"x":"# + deep + "}}")
        #expect(response.status == 413 || response.json.errorCodes == ["BAD_REQUEST"])
        let moderate = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        #expect(try post(#"{"query":"{ me { name } }","variables":{"x":"# + moderate + "}}").json.errorCodes == ["BAD_REQUEST"])
    }

    @Test func oversizedBodiesGet413() throws {
        let big = #"{"query":"{ me { name } }","variables":{"pad":""# + String(repeating: "x", count: 70 * 1024) + #""}}"#
        let response = try post(big, accept: modern)
        #expect(response.status == 413)
        #expect(response.json.errorCodes == ["PAYLOAD_TOO_LARGE"])
    }

    @Test func wrongContentTypeGets415() throws {
        let response = try post(#"{"query":"{ me { name } }"}"#, contentType: "text/plain")
        #expect(response.status == 415)
        #expect(response.json.errorCodes == ["UNSUPPORTED_MEDIA_TYPE"])
    }

    @Test func getServesQueriesButNotMutations() throws {
        let auth = [("Authorization", "Bearer \(token)")]
        let query = try server.client.send(method: "GET", path: "/graphql?query=%7B%20me%20%7B%20name%20%7D%20%7D", headers: auth)
        #expect(query.status == 200)
        #expect(query.json.at("data", "me", "name") as? String == "rep1")
        let mutation = "mutation%20%7B%20lockCustomer(id%3A%20%22cus_1%22)%20%7B%20id%20%7D%20%7D"
        let refused = try server.client.send(method: "GET", path: "/graphql?query=\(mutation)", headers: auth)
        #expect(refused.status == 405)
        #expect(refused.json.errorCodes == ["METHOD_NOT_ALLOWED"])
        let put = try server.client.send(method: "PUT", path: "/graphql", headers: auth)
        #expect(put.status == 405)
        #expect(put.headers["allow"] == "GET, POST")
    }

    /// The query string's names are read as sent: `operationName` picks one of a GET
    /// document's operations (it was once lower-cased with the header names, and ignored).
    @Test func getChoosesTheNamedOperation() throws {
        let auth = [("Authorization", "Bearer \(token)")]
        let document = "query%20Mine%20%7B%20me%20%7B%20name%20%7D%20%7D%20query%20Kind%20%7B%20__typename%20%7D"
        let kind = try server.client.send(method: "GET", path: "/graphql?query=\(document)&operationName=Kind", headers: auth)
        #expect(kind.status == 200)
        #expect(kind.json.at("data", "__typename") as? String == "Query")
        let mine = try server.client.send(method: "GET", path: "/graphql?query=\(document)&operationName=Mine", headers: auth)
        #expect(mine.json.at("data", "me", "name") as? String == "rep1")
    }

    @Test func parseAndValidationErrorsAre400UnderTheGraphQLResponseType() throws {
        let parse = try post(#"{"query":"{ me { name "}"#, accept: modern)
        #expect(parse.status == 400)
        #expect(parse.json.errorCodes == ["GRAPHQL_PARSE_FAILED"])
        #expect(parse.headers["content-type"]?.hasPrefix(modern) == true)
        let invalid = try post(#"{"query":"{ me { salary } }"}"#, accept: modern)
        #expect(invalid.status == 400)
        #expect(invalid.json.errorCodes == ["GRAPHQL_VALIDATION_FAILED"])
        let legacy = try post(#"{"query":"{ me { salary } }"}"#)
        #expect(legacy.status == 200)
        #expect(legacy.headers["content-type"]?.hasPrefix("application/json") == true)
        #expect(legacy.json.errorCodes == ["GRAPHQL_VALIDATION_FAILED"])
    }

    /// gonghai-fuzz found that GraphQLSwift's lexer traps on a `\u` escape cut short by the end
    /// of the text; the server must answer these with a parse error and stay up.
    @Test func unicodeEscapesCutShortAtTheEndAreParseErrors() throws {
        for query in [#""\u"#, #""\uzm"#, #"{ customers(filter: {search: "\u12"#, #""\\u"#] {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query]), as: UTF8.self)
            let response = try post(body, accept: modern)
            #expect(response.status == 400, "\(query)")
            #expect(response.json.errorCodes == ["GRAPHQL_PARSE_FAILED"], "\(query)")
        }
        let valid = try post(#"{"query":"{ me { name } } # \\u"}"#)
        #expect(valid.json.at("data", "me", "name") as? String == "rep1")
        #expect(try post(#"{"query":"{ me { name } }"}"#).status == 200)
    }

    /// gonghai-fuzz found that GraphQLSwift's validator can trap on two identical operations
    /// (they hash by identity but compare by structure); they are refused before it runs.
    @Test func repeatedOperationsAndFragmentsAreValidationErrors() throws {
        let copies = Array(repeating: "query B { pools { name } }", count: 40).joined(separator: " ")
        let fragments = "{ me { ...F } } " + Array(repeating: "fragment F on User { name }", count: 40).joined(separator: " ")
        let anonymous = Array(repeating: "{ me { name } }", count: 40).joined(separator: " ")
        for (query, message) in [(copies, "only one operation named \"B\""), (fragments, "only one fragment named \"F\""),
                                 (anonymous, "anonymous operation must be the only")] {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query]), as: UTF8.self)
            let response = try post(body, accept: modern)
            #expect(response.status == 400)
            #expect(response.json.errorCodes == ["GRAPHQL_VALIDATION_FAILED"])
            #expect((response.json.at("errors", 0, "message") as? String)?.contains(message) == true, "\(response.json)")
        }
    }

    @Test func longQueriesAreAnsweredButNotKeptInTheDocumentCache() throws {
        let before = server.app.endpoint.cachedDocuments
        let padding = "# " + String(repeating: "x", count: 40 * 1024) + "\n"
        for _ in 0..<2 {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": padding + "{ me { name } }"]), as: UTF8.self)
            #expect(try post(body).json.at("data", "me", "name") as? String == "rep1")
        }
        #expect(server.app.endpoint.cachedDocuments == before)
        _ = try post(#"{"query":"{ me { name role } }"}"#)
        #expect(server.app.endpoint.cachedDocuments == before + 1)
    }

    /// Found by hypothesis-graphql: an empty enum value in a variable trapped GraphQLSwift's
    /// suggestion code, and a 64-bit Int literal on a nested argument became INTERNAL.
    @Test func emptyEnumVariablesAndOutOfRangeIntsAreBadInputNotCrashes() throws {
        let cases: [(String, [String: Any])] = [
            ("query($s: DeliveryStatus) { webhookDeliveries(status: $s) { id } }", ["s": ""]),
            ("query($o: CustomerOrder) { customers(orderBy: $o) { totalCount } }", ["o": ["field": ""]]),
            ("query($f: CustomerFilter) { customers(filter: $f) { totalCount } }", ["f": ["status": [""]]]),
        ]
        for (query, variables) in cases {
            let body = String(decoding: try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables]), as: UTF8.self)
            let response = try post(body, accept: modern)
            #expect(response.status == 400, "\(variables)")
            #expect(response.json.errorCodes == ["BAD_USER_INPUT"], "\(response.json)")
        }
        let literal = try post(#"{"query":"{ customer(id: \"cus_1\") { followUps(first: -2147483649) { id } } }"}"#, accept: modern)
        #expect(literal.json.errorCodes == ["GRAPHQL_VALIDATION_FAILED"], "\(literal.json)")
        let amount = try post(#"{"query":"{ customers(first: 2147483647) { totalCount } }"}"#, accept: modern)
        #expect(amount.json.errorCodes == ["QUERY_TOO_COMPLEX"], "the largest Int32 passes validation: \(amount.json)")
    }

    @Test func unknownOperationNamesAndAmbiguousDocumentsAreRefused() throws {
        let doc = "query A { me { name } } query B { me { role } }"
        let unknown = try server.client.graphQL(doc, operationName: "C", token: token, accept: modern)
        #expect(unknown.status == 400)
        #expect(unknown.json.errorCodes == ["OPERATION_NOT_FOUND"])
        #expect(try server.client.graphQL(doc, token: token).json.errorCodes == ["OPERATION_NOT_FOUND"])
        let chosen = try server.client.graphQL(doc, operationName: "B", token: token)
        #expect(chosen.json.at("data", "me", "role") as? String == "REP")
    }

    @Test func invalidIdsAndVariablesSayWhichValue() throws {
        let invalid = try server.query("{ customer(id: \"usr_1\") { name } }", as: "rep1")
        #expect(invalid.errorCodes == ["INVALID_ID"])
        #expect(invalid.at("errors", 0, "path", 0) as? String == "customer")
        #expect(try server.query("{ customer(id: \"cus_x\") { name } }", as: "rep1").errorCodes == ["INVALID_ID"])
        let wrongType = try server.client.graphQL(
            "query($n: Int) { customers(first: $n) { totalCount } }", variables: ["n": "ten"], token: token, accept: modern)
        #expect(wrongType.status == 400)
        #expect(wrongType.json.errorCodes == ["BAD_USER_INPUT"])
        #expect(wrongType.json["data"] == nil)
        let missing = try server.client.graphQL("query($id: ID!) { customer(id: $id) { name } }", token: token)
        #expect(missing.json.errorCodes == ["BAD_USER_INPUT"])
    }

    @Test func pagesAboveOneHundredAreRefused() throws {
        let result = try server.query("{ customers(first: 101) { totalCount } }", as: "rep1")
        #expect(result.errorCodes == ["PAGE_SIZE_EXCEEDED"])
        #expect(result.at("errors", 0, "extensions", "limit") as? Int == 100)
        #expect(try server.query("{ customers(first: -1) { totalCount } }", as: "rep1").errorCodes == ["BAD_USER_INPUT"])
        #expect(try server.query("{ customers(first: 100) { totalCount } }", as: "rep1")["errors"] == nil)
    }

    @Test func deepQueriesAreRefusedButIntrospectionIsNot() throws {
        var deep = "{ me { department { " + String(repeating: "parent { ", count: 12) + "name"
        deep += String(repeating: " }", count: 12) + " } } }"
        let response = try server.client.graphQL(deep, token: token, accept: modern)
        #expect(response.status == 400)
        #expect(response.json.errorCodes == ["QUERY_TOO_DEEP"])
        #expect(response.json.at("errors", 0, "extensions", "limit") as? Int == 12)
        let introspection = try server.query(SchemaContractTests.introspection, as: "rep1")
        #expect(introspection["errors"] == nil)
        let absurd = String(repeating: "{ a ", count: 5000)
        #expect(try server.client.graphQL(absurd, token: token).json.errorCodes == ["QUERY_TOO_DEEP"])
    }

    @Test func expensiveQueriesAreRefused() throws {
        let query = "{ customers(first: 100) { nodes { followUps(first: 100) { by { name } text at } } } }"
        // Twice: the second time the verdict is the one kept for this text, with its figures.
        for _ in 0..<2 {
            let response = try server.client.graphQL(query, token: token, accept: modern)
            #expect(response.status == 400)
            #expect(response.json.errorCodes == ["QUERY_TOO_COMPLEX"])
            #expect(response.json.at("errors", 0, "extensions", "cost") as? Int ?? 0 > 1000)
        }
        // The same shape through a variable is judged by each request's value.
        let shape = "query($n: Int) { customers(first: 100) { nodes { followUps(first: $n) { text at kind } } } }"
        let viaVariable = try server.client.graphQL(shape, variables: ["n": 100], token: token)
        #expect(viaVariable.json.errorCodes == ["QUERY_TOO_COMPLEX"])
        #expect(try server.client.graphQL(shape, variables: ["n": 1], token: token).json.errorCodes == [])
        #expect(try server.client.graphQL(shape, variables: ["n": 100], token: token).json.errorCodes == ["QUERY_TOO_COMPLEX"])
    }

    @Test func healthAndUnknownPaths() throws {
        let health = try server.client.send(method: "GET", path: "/healthz")
        #expect(health.status == 200)
        #expect(health.text.contains("ok"))
        #expect(try server.client.send(method: "GET", path: "/nope").status == 404)
    }
}

@Suite struct RateLimitTests {
    @Test func aTokenOverItsRateGets429WithRetryAfterAndOtherTokensAreUnaffected() throws {
        let server = try TestServer(rateLimitPerMinute: 60)
        var statuses: [Int] = []
        for _ in 0..<12 {
            statuses.append(try server.client.graphQL("{ me { name } }", token: server.tokens["rep1"], accept: "application/graphql-response+json").status)
        }
        #expect(statuses.prefix(10).allSatisfy { $0 == 200 }, "a burst of a sixth of the minute's rate")
        let limited = try server.client.graphQL("{ me { name } }", token: server.tokens["rep1"], accept: "application/graphql-response+json")
        #expect(limited.status == 429)
        #expect(limited.json.errorCodes == ["RATE_LIMITED"])
        #expect(limited.headers["retry-after"] == "1")
        #expect(try server.client.graphQL("{ me { name } }", token: server.tokens["rep2"]).status == 200)
        server.clock.advance(seconds: 2)
        #expect(try server.client.graphQL("{ me { name } }", token: server.tokens["rep1"]).status == 200)
    }
}
