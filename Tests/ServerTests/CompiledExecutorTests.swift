import Foundation
import GraphQL
import Testing

@testable import GraphQLAPI
import TestSupport

/// The compiled executor against GraphQLSwift's. Every test server runs in `verify` mode, so
/// each request of every suite is already compared; these tests aim at the executor's own
/// features and prove the comparison is real.
@Suite struct CompiledExecutorTests {
    static let header = ExecutorMode.checkHeader

    /// Queries that exercise field collection, merging, fragments, directives, coercion,
    /// nested errors and null propagation: each must be run by the compiled executor (not left
    /// to the reference) and give the same response.
    @Test func everyExecutorFeatureGivesTheReferenceResponse() throws {
        let server = try TestServer()
        let owned = try server.createCustomer("Owned", owner: "rep1", region: "上海", industry: "制造业")
        try server.createCustomer("Pooled \"quoted\" / slashed", pool: "east", region: "上海")
        _ = try server.query(
            "mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"line\\nbreak\") { id } }", as: "rep1",
            variables: ["id": owned])
        let cases: [(String, [String: Any]?, String)] = [
            ("{ __typename a: me { name } a: me { id } b: me { __typename name } }", nil, "admin"),
            ("query { me { ...U ...U ... on User { id } } } fragment U on User { name role department { name } }", nil, "rep1"),
            ("query($s: Boolean!, $i: Boolean!) { me { name @skip(if: $s) id @include(if: $i) ... @include(if: $s) { role } } }",
             ["s": true, "i": false], "rep1"),
            ("query($s: Boolean!, $i: Boolean!) { me { name @skip(if: $s) id @include(if: $i) ... @include(if: $s) { role } } }",
             ["s": false, "i": true], "rep1"),
            ("query($st: [CustomerStatus!]) { customers(filter: { status: $st }) { totalCount } }", ["st": "LEAD"], "admin"),
            ("query($f: CustomerFilter, $n: Int) { customers(filter: $f, first: $n) { edges { cursor node { id name } } nodes { id name dealAmount owner { name } pool { name } followUps(first: 2) { kind text by { name } } ownershipHistory { kind fromOwner { name } toPool { name } } } pageInfo { hasNextPage endCursor } } }",
             ["f": ["region": "上海"], "n": 5], "admin"),
            ("{ users { name } }", nil, "rep1"),
            ("{ customer(id: \"cus_999\") { name } me { name } }", nil, "admin"),
            ("{ customers(first: 500) { totalCount } me { name } }", nil, "admin"),
            ("query($id: ID!) { customer(id: $id) { name followUps(first: -1) { text } } }", ["id": owned], "rep1"),
            ("query($id: ID!) { customer(id: $id) { name phone masked reclaimForecast { daysLeft warning } } }", ["id": owned], "rep2"),
        ]
        for (query, variables, user) in cases {
            let response = try server.client.graphQL(query, variables: variables, token: server.tokens[user])
            #expect(response.headers[Self.header.lowercased()] == "same", "\(query): \(response.headers) \(response.text)")
        }
    }

    /// Serial root mutations, the second failing: compared, and the database changed once.
    @Test func mutationsAreComparedYetRunOnce() throws {
        let server = try TestServer()
        let id = try server.createCustomer("Pool one", pool: "east", region: "上海")
        let response = try server.client.graphQL(
            "mutation($ids: [ID!]!) { a: claimCustomers(ids: $ids) { succeeded } b: claimCustomers(ids: $ids) { succeeded results { ok customerId error { code message } customer { name } } } }",
            variables: ["ids": [id]], token: server.tokens["rep1"])
        #expect(response.headers[Self.header.lowercased()] == "same", "\(response.text)")
        #expect(response.json.at("data", "a", "succeeded") as? Int == 1)
        #expect(response.json.at("data", "b", "succeeded") as? Int == 0)
        let history = try server.query(
            "query($id: ID!) { customer(id: $id) { ownershipHistory { kind } } }", as: "rep1", variables: ["id": id])
        let kinds = (history.at("data", "customer", "ownershipHistory") as? [[String: Any]])?.compactMap { $0["kind"] as? String }
        #expect(kinds?.filter { $0 == "CLAIM" }.count == 1, "\(history)")
    }

    @Test func introspectionIsLeftToTheReferenceExecutor() throws {
        let server = try TestServer()
        let response = try server.client.graphQL("{ __schema { queryType { name } } }", token: server.tokens["admin"])
        #expect(response.headers[Self.header.lowercased()] == "reference")
        #expect(response.json.at("data", "__schema", "queryType", "name") as? String == "Query")
    }

    /// The compiled path alone (no verification) answers byte for byte what the reference
    /// path answers, through HTTP, on two servers seeded the same way.
    @Test func compiledAndReferenceServersAnswerTheSameBytes() throws {
        let compiled = try TestServer(executor: .compiled)
        let reference = try TestServer(executor: .reference)
        for server in [compiled, reference] {
            try server.createCustomer("甲 company", owner: "rep1", region: "上海", industry: "制造业")
            try server.createCustomer("乙 company", pool: "east", region: "浙江")
        }
        let query = "{ customers(first: 20) { totalCount nodes { id name industry region status owner { id name } pool { id name } createdAt } } }"
        let a = try compiled.client.graphQL(query, token: compiled.tokens["admin"])
        let b = try reference.client.graphQL(query, token: reference.tokens["admin"])
        #expect(a.headers[Self.header.lowercased()] == nil)
        #expect(a.text == b.text)
        #expect(a.text.contains("甲 company"))
        #expect(compiled.app.endpoint.cachedPlans == 1)
        #expect(reference.app.endpoint.cachedPlans == 0)
    }

    /// The benchmark's floor (no GraphQL) must answer exactly what the page query answers, or
    /// comparing their speed means nothing.
    @Test func theFloorRouteAnswersThePageQuerysBytes() throws {
        let server = try TestServer(benchRoutes: true)
        try server.createCustomer("Owned", owner: "rep1", region: "上海", industry: "制造业")
        try server.createCustomer("Pooled", pool: "east", region: "浙江")
        let query = "{ customers(first: 20) { nodes { id name industry region status owner { id name } pool { id name } } } }"
        let graphQL = try server.client.graphQL(query, token: server.tokens["admin"])
        let floor = try server.client.send(
            method: "GET", path: "/bench/floor", headers: [("Authorization", "Bearer \(server.tokens["admin"]!)")])
        #expect(floor.status == 200)
        #expect(floor.text == graphQL.text)
        #expect(graphQL.text.contains("Pooled"))
        let without = try TestServer()
        #expect(try without.client.send(method: "GET", path: "/bench/floor").status == 404)
    }

    /// The benchmark's statement count: what `bench/run` reports per request must be what the
    /// server ran, reads and writes apart from transaction control.
    @Test func theStatementsRouteCountsWhatTheServerRan() throws {
        let server = try TestServer(countStatements: true)
        try server.createCustomer("Counted", owner: "rep1")
        func tally() throws -> (data: Int, control: Int) {
            let answer = try server.client.send(method: "GET", path: "/bench/statements")
            let object = try JSONSerialization.jsonObject(with: Data(answer.text.utf8)) as? [String: Int] ?? [:]
            return (object["statements"] ?? -1, object["transactionControl"] ?? -1)
        }
        let query = "{ customers(first: 5) { nodes { id owner { name } } } }"
        _ = try server.client.graphQL(query, token: server.tokens["admin"])
        let before = try tally()
        let captured = try server.statements.capture { _ = try server.client.graphQL(query, token: server.tokens["admin"]) }
        let after = try tally()
        let control = captured.filter { ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET "].contains(where: $0.uppercased().hasPrefix) }
        #expect(after.data - before.data == captured.count - control.count, "\(captured)")
        #expect(after.control - before.control == control.count, "\(captured)")
        #expect(after.data > before.data, "the page reads something")
        // The timed server (`--bench-routes` alone) must not trace its statements.
        let timed = try TestServer(benchRoutes: true)
        #expect(try timed.client.send(method: "GET", path: "/bench/statements").status == 404)
    }

    @Test func aDifferenceIsReported() throws {
        let data = Map.dictionary(["me": .dictionary(["name": .string("a")])])
        let bytes = [UInt8](try GraphQLJSONEncoder().encode(data))
        let same = CompiledExecutor.Result(data: bytes, errors: [GraphQLError(message: "x")])
        let other = CompiledExecutor.Result(data: Array(#"{"me":{"name":"b"}}"#.utf8), errors: [GraphQLError(message: "x")])
        let fewer = CompiledExecutor.Result(data: bytes, errors: [])
        let reference = GraphQLResult(data: data, errors: [GraphQLError(message: "x")])
        #expect(ExecutorComparison.difference(compiled: same, reference: reference, replay: RootReplay()) == nil)
        #expect(ExecutorComparison.difference(compiled: other, reference: reference, replay: RootReplay()) != nil)
        #expect(ExecutorComparison.difference(compiled: fewer, reference: reference, replay: RootReplay()) != nil)
    }

    /// Below a null that an error propagated into, GraphQLSwift's concurrent siblings may
    /// report another error than the compiled executor's first in document order; elsewhere
    /// errors must match.
    @Test func errorsBelowAPropagatedNullMayDifferButNothingElse() {
        func error(_ message: String, _ path: GraphQL.IndexPath) -> GraphQLError { GraphQLError(message: message, path: path) }
        let deep = error("bad cursor", ["pools", 0, "customers"])
        let sibling = error("forbidden", ["webhooks"])
        #expect(ExecutorComparison.propagatedErrorsAgree([deep], [sibling], data: nil))
        let data = Array(#"{"me":{"name":"a"},"pools":null}"#.utf8)
        #expect(ExecutorComparison.propagatedErrorsAgree([deep], [error("other", ["pools", 1, "customers"])], data: data))
        #expect(!ExecutorComparison.propagatedErrorsAgree([deep], [], data: data))
        #expect(!ExecutorComparison.propagatedErrorsAgree([deep, sibling], [deep], data: data))
        #expect(!ExecutorComparison.propagatedErrorsAgree([error("x", ["me", "name"])], [error("y", ["me", "name"])], data: data))
    }

    /// The byte writer and GraphQLSwift's encoder agree on escapes and numbers.
    @Test func theByteWriterEncodesLikeGraphQLSwift() throws {
        let strings = ["", "plain", "quote \" backslash \\ slash /", "\u{0}\u{1}\u{8}\u{9}\u{a}\u{c}\u{d}\u{1f}", "中文 emoji 🎉 é"]
        let numbers: [Double] = [0, -1, 7, 2_147_483_647, -2_147_483_648, 0.1, 12345.67, 100, -0.5, 1e21, 1.5e-7]
        let map = Map.dictionary(
            .init(uniqueKeysWithValues: strings.enumerated().map { ("s\($0.offset)", Map.string($0.element)) }
                + numbers.enumerated().map { ("n\($0.offset)", Map.number(Number($0.element))) }
                + [("t", .bool(true)), ("f", .bool(false)), ("z", .null), ("l", .array([.string("/"), .null]))]))
        var writer = JSONBytes()
        try writer.map(map)
        #expect(writer.bytes == [UInt8](try GraphQLJSONEncoder().encode(map)))
        var ints = JSONBytes()
        for value in [0, -1, 42, 2_147_483_647, -2_147_483_648, 1 << 40] {
            ints.number(value)
            ints.raw(UInt8(ascii: ","))
        }
        var viaDouble = JSONBytes()
        for value in [0, -1, 42, 2_147_483_647, -2_147_483_648, 1 << 40] {
            viaDouble.number(Double(value))
            viaDouble.raw(UInt8(ascii: ","))
        }
        #expect(ints.bytes == viaDouble.bytes)
    }

    /// Least recently used plans go first; the cache never holds more than its capacity.
    /// Leaves read without their resolvers answer what the resolvers answer, nulls included,
    /// and only leaves without arguments below the root are read that way.
    @Test func leafReadersAnswerWhatTheResolversAnswer() throws {
        let server = try TestServer()
        try server.createCustomer("Owned", owner: "rep1", region: "上海", industry: "制造业")
        try server.createCustomer("Pooled", pool: "east")
        let query = """
            { customers(first: 5) { nodes { id name industry region level source status locked
                owner { id name role active onLeave } pool { id name priority isDefault ruleVersion } } } }
            """
        let response = try server.client.graphQL(query, token: server.tokens["admin"])
        #expect(response.headers[Self.header.lowercased()] == "same", "\(response.text)")
        #expect(response.json.at("data", "customers", "nodes", 0, "industry") is NSNull)
        #expect(response.json.at("data", "customers", "nodes", 1, "owner", "role") as? String == "REP")

        let endpoint = server.app.endpoint
        let document = try GraphQL.parse(source: Source(body: query))
        let operation = try #require(document.definitions.first as? OperationDefinition)
        let plan = try OperationPlan(
            document: document, operation: operation, schema: endpoint.schema, resolvers: Resolvers.table,
            readers: Resolvers.leafReaders
        ).variant(for: [:])
        let customers = try #require(plan.root.fields.first)
        #expect(customers.reader == nil, "a root field, with arguments")
        func object(_ output: OutputPlan) -> ObjectPlan? {
            switch output {
            case .nonNull(let inner), .list(let inner): return object(inner)
            case .object(let plan): return plan
            case .leaf: return nil
            }
        }
        let connection = try #require(object(customers.output))
        let customer = try #require(object(connection.fields[0].output))
        #expect(customer.fields.filter { $0.reader != nil }.map(\.name) == ["id", "name", "industry", "region", "level", "source", "status", "locked"])
    }

    /// The executor removes one `Optional` a resolver's value carries inside its existential,
    /// as GraphQLSwift does, and remembers per type whether it is one, so a value of a type
    /// already met as non-optional is passed through and an optional one still unwrapped.
    @Test func oneOptionalInsideAValueIsRemoved() {
        final class Node: Sendable {}
        let node = Node()
        var types = OptionalTypes()
        for _ in 0..<2 {
            #expect(types.unwrap(Int?.some(3) as any Sendable) as? Int == 3)
            #expect(types.unwrap(Int?.none as any Sendable) == nil)
            #expect(types.unwrap(String??.some("x") as any Sendable) as? String == "x")
            #expect(types.unwrap(String??.some(nil) as any Sendable).map { $0 as? String } == .some(nil))
            #expect(types.unwrap(node as any Sendable) as? Node === node)
            #expect(types.unwrap(Node?.some(node) as any Sendable) as? Node === node)
            #expect(types.unwrap(Node?.none as any Sendable) == nil)
            #expect(types.unwrap("text" as any Sendable) as? String == "text")
            #expect(types.unwrap([Int?]([1, nil]) as any Sendable) as? [Int?] == [1, nil])
        }
    }

    @Test func eachOperationOfAQueryTextIsPlannedOnceInTheTextsCacheEntry() throws {
        let server = try TestServer(executor: .compiled)
        let query = "query A { me { name } } query B { me { role } }"
        for name in ["A", "B", "A", "B"] {
            let response = try server.client.graphQL(query, operationName: name, token: server.tokens["rep1"])
            #expect(response.json["errors"] == nil, "\(response.text)")
        }
        #expect(server.app.endpoint.cachedDocuments == 1, "one entry for the text")
        #expect(server.app.endpoint.cachedPlans == 2, "a plan per operation of the text")
    }

    @Test func thePlanCacheIsABoundedLRU() {
        let cache = LRUCache<OperationPlan?>(capacity: 2)
        var builds: [String] = []
        func use(_ query: String) { _ = cache.value(for: query) { builds.append(query); return nil } }
        for query in ["a", "b", "a", "c", "a", "b"] { use(query) }
        #expect(builds == ["a", "b", "c", "b"])
        #expect(cache.count == 2)
        use(String(repeating: "x", count: LRUCache<OperationPlan?>.maxKeyBytes + 1))
        #expect(cache.count == 2)
    }
}
