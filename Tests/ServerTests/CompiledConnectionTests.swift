import Foundation
import GraphQL
import Testing

import GraphQLAdmission
@testable import GraphQLAPI
import TestSupport

/// Customer pages compiled into one statement (`ConnectionProgram`): every selection the
/// program takes must answer what the resolvers answer (each test server runs in `verify`
/// mode, so GraphQLSwift's executor answers each request too), and the program must really be
/// the one that ran.
@Suite struct CompiledConnectionTests {
    static let header = ExecutorMode.checkHeader.lowercased()

    /// The plan of `query`'s first root field, to see whether its page was compiled.
    static func rootProgram(_ server: TestServer, _ query: String) throws -> ConnectionProgram? {
        let document = try GraphQL.parse(source: Source(body: query))
        let operation = try #require(document.definitions.first as? OperationDefinition)
        let plan = try OperationPlan(
            document: document, operation: operation, schema: server.app.endpoint.schema, resolvers: Resolvers.table,
            readers: Resolvers.leafReaders
        ).variant(for: [:])
        return plan.root.fields.first(where: { $0.name != "__typename" })?.connection
    }

    private func seeded() throws -> TestServer {
        let server = try TestServer()
        let owned = try server.createCustomer("Owned \"quoted\" / slashed\n", owner: "rep1", region: "上海", industry: "制造业")
        try server.createCustomer("甲 Pooled", pool: "east", region: "上海")
        try server.createCustomer("乙 General")
        let released = try server.createCustomer("Released once", owner: "rep2", region: "浙江")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"test\") { id } }",
                             as: "rep2", variables: ["id": released])
        _ = try server.query("mutation($id: ID!) { updateCustomer(id: $id, input: { dealAmount: 1234.5, status: NEGOTIATING }) { id } }",
                             as: "rep1", variables: ["id": owned])
        return server
    }

    @Test func everyCompiledSelectionGivesTheReferenceResponse() throws {
        let server = try seeded()
        let compiled: [(String, [String: Any]?)] = [
            ("{ customers(first: 20) { nodes { id name industry owner { name } } } }", nil),
            ("""
             { customers { __typename totalCount nodes { __typename id name industry region level source status locked dealAmount
                 createdAt ownerSince lastFollowUpAt lastProgressAt updatedAt owner { id name role } previousOwner { name }
                 createdBy { name } pool { id name priority } } pageInfo { __typename hasNextPage endCursor } } }
             """, nil),
            ("{ customers(first: 2, orderBy: { field: NAME, direction: ASC }) { edges { __typename cursor node { name } } pageInfo { endCursor hasNextPage } } }", nil),
            ("{ customers(first: 0) { totalCount nodes { id } edges { cursor } pageInfo { hasNextPage endCursor } } }", nil),
            ("{ a: customers(first: 1) { x: nodes { id } y: nodes { name } edges { node { id status } } } }", nil),
            ("{ customers { nodes { name owner { name department { name } ownerLimit { maxPrivate } } } } }", nil),
            ("query($f: CustomerFilter) { customers(filter: $f) { totalCount nodes { name pool { name } } } }", ["f": ["search": "pooled"]]),
            ("query($f: CustomerFilter) { customers(filter: $f) { nodes { name } } }", ["f": ["inPool": false, "region": "上海"]]),
            ("{ customers(first: 500) { nodes { id } } }", nil),
            ("{ customers(after: \"not a cursor\") { nodes { id } } }", nil),
        ]
        for (query, variables) in compiled {
            #expect(try Self.rootProgram(server, query) != nil, "\(query) is compiled")
            for user in ["admin", "rep1", "rep2"] {
                let response = try server.client.graphQL(query, variables: variables, token: server.tokens[user])
                #expect(response.headers[Self.header] == "same", "\(user): \(query): \(response.text)")
            }
        }
    }

    /// A second page follows the first one's cursor, in each order, and pool pages too.
    @Test func cursorsAndPoolPagesGiveTheReferenceResponse() throws {
        let server = try seeded()
        for order in ["CREATED_AT", "NAME", "UPDATED_AT", "LAST_FOLLOW_UP_AT"] {
            let first = try server.client.graphQL(
                "{ customers(first: 2, orderBy: { field: \(order) }) { pageInfo { endCursor } } }", token: server.tokens["admin"])
            let cursor = try #require(first.json.at("data", "customers", "pageInfo", "endCursor") as? String)
            let next = try server.client.graphQL(
                "query($c: String) { customers(first: 2, after: $c, orderBy: { field: \(order) }) { edges { cursor node { name } } } }",
                variables: ["c": cursor], token: server.tokens["admin"])
            #expect(next.headers[Self.header] == "same", "\(order): \(next.text)")
            #expect((next.json.at("data", "customers", "edges") as? [Any])?.isEmpty == false, "\(order): \(next.text)")
        }
        let pools = try server.client.graphQL(
            "{ pools { name customers(first: 3) { totalCount nodes { name pool { name } } pageInfo { hasNextPage } } } }",
            token: server.tokens["rep1"])
        #expect(pools.headers[Self.header] == "same", "\(pools.text)")
        let east = try server.client.graphQL(
            "query($id: ID!) { pool(id: $id) { customers { nodes { name } } } }", variables: ["id": server.poolID("east")],
            token: server.tokens["admin"])
        #expect(east.headers[Self.header] == "same", "\(east.text)")
        #expect(east.text.contains("甲 Pooled"), "\(east.text)")
    }

    /// Contact details compiled: masked while their pool masks them, as the resolver masks
    /// them, for every caller.
    @Test func contactDetailsAreMaskedAsTheResolversMaskThem() throws {
        let server = try TestServer()
        try server.createCustomer("Owned", owner: "rep1", phone: "13900001111", email: "zhang.wei@example.com")
        try server.createCustomer("Pooled", pool: "east", phone: "13900003333", email: "li.na@example.com")
        try server.createCustomer("Short", pool: "east", phone: "12345")
        try server.createCustomer("General", phone: "13900004444")
        _ = try server.setRules("east", ["maskedFields": ["PHONE", "EMAIL"]])
        let query = "{ customers { nodes { name phone email masked pool { name } } } }"
        #expect(try Self.rootProgram(server, query) != nil)
        for user in ["admin", "rep1", "rep2"] {
            let response = try server.client.graphQL(query, token: server.tokens[user])
            #expect(response.headers[Self.header] == "same", "\(user): \(response.text)")
        }
        let answer = try server.client.graphQL(query, token: server.tokens["admin"])
        let nodes = try #require(answer.json.at("data", "customers", "nodes") as? [[String: Any]])
        let pooled = try #require(nodes.first { $0["name"] as? String == "Pooled" })
        #expect(pooled["phone"] as? String == "139****3333" && pooled["email"] as? String == "l***@example.com")
        #expect(pooled["masked"] as? Bool == true)
        let owned = try #require(nodes.first { $0["name"] as? String == "Owned" })
        #expect(owned["phone"] as? String == "13900001111" && owned["masked"] as? Bool == false)
    }

    /// A field without a column (follow-ups, history, forecasts, collaborators) is answered by
    /// its resolver in its place in the compiled row, on the page's batch: the rest of the page
    /// stays compiled, and every answer is the reference's, errors and paths included.
    @Test func fieldsWithoutAColumnAreResolvedInTheirPlaces() throws {
        let server = try seeded()
        let id = try server.createCustomer("Followed", owner: "rep1")
        for text in ["first call", "second / \"quoted\""] {
            _ = try server.query("mutation($id: ID!, $t: String!) { addFollowUp(customerId: $id, kind: CALL, text: $t) { id } }",
                                 as: "rep1", variables: ["id": id, "t": text])
        }
        _ = try server.query("mutation($id: ID!, $u: ID!) { setCollaborator(customerId: $id, userId: $u, access: READ) { id } }",
                             as: "rep1", variables: ["id": id, "u": server.userID("rep2")])
        let queries = [
            "{ customers { nodes { id reclaimForecast { daysLeft } } } }", "{ customers { nodes { collaborators { access user { name } } } } }",
            "{ customers { nodes { name lastFollowUp { text by { name } } owner { name } } } }",
            "{ customers { edges { cursor node { id ownershipHistory { kind reason } name } } } }",
            "{ customers(first: 3) { totalCount nodes { lastFollowUp { text } followUps(first: 1) { text } status } edges { node { id lastFollowUp { kind } } } } }",
            "{ customers(first: 1) { nodes { id followUps(first: 5000) { text } } } }",
            "{ pools { name customers(first: 2) { nodes { name ownershipHistory { kind } } } } }",
        ]
        for query in queries {
            if !query.contains("pools") { #expect(try Self.rootProgram(server, query)?.resolves == true, "\(query)") }
            for user in ["admin", "rep1", "rep2"] {
                let response = try server.client.graphQL(query, token: server.tokens[user])
                #expect(response.headers[Self.header] == "same", "\(user): \(query): \(response.text)")
            }
        }
        let answer = try server.client.graphQL(queries[2], token: server.tokens["rep1"])
        #expect(answer.text.contains(#""lastFollowUp":{"text":"second \/ \"quoted\"""#), "\(answer.text)")
        let tooMany = try server.client.graphQL(queries[5], token: server.tokens["admin"])
        #expect(tooMany.json.errorCodes.isEmpty == false, "an argument error is the field's: \(tooMany.text)")
    }

    /// Issue 21: once the token is cached, the lean page is one statement on both backends,
    /// for an administrator and for a rep. Its owners' directory, its pools' settings and the
    /// rep's scope (computed from the memos, `VouchedViewer`) are vouched for by that statement,
    /// so it needs no snapshot: no `BEGIN` or `COMMIT` either.
    @Test(arguments: ["admin", "rep1"]) func theLeanPageIsOneStatement(as user: String) throws {
        // Not in `verify` mode, where the reference executor reads the page again.
        let server = try TestServer(executor: .compiled)
        try server.createCustomer("Counted", owner: "rep1")
        try server.createCustomer("Pooled", pool: "east")
        let query = "{ customers(first: 20) { nodes { id name industry owner { name } pool { name } } } }"
        // Both worker threads warm (each opens its reader once), then counted.
        for _ in 0..<4 { _ = try server.client.graphQL(query, token: server.tokens[user]) }
        var answer: HTTPClient.Response?
        let statements = try server.statements.capture { answer = try server.client.graphQL(query, token: server.tokens[user]) }
        #expect(answer?.text.contains("Pooled") == true, "\(answer?.text ?? "")")
        let control = ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET "]
        let data = statements.filter { statement in !control.contains(where: statement.uppercased().hasPrefix) }
        let page = data.filter { $0.contains("FROM customers") }
        #expect(page.count == 1, "\(data)")
        // GRDB's probe when a worker thread opens its reader is the connection's, not the page's.
        let others = data.filter { !$0.contains("FROM customers") && !$0.contains("sqlite_master") && !$0.hasPrefix("PRAGMA") }
        #expect(others.isEmpty, "\(data)")
        // No transaction either: one statement is one moment on both backends.
        #expect(statements.filter { !$0.contains("sqlite_master") && !$0.hasPrefix("PRAGMA") }.count == 1, "\(statements)")
    }

    /// A rep's scope computed from the memos' last readings: pool access changed behind them
    /// (by another instance) is seen by the page's statement, and the page is read again in a
    /// snapshot under the new scope.
    @Test func aScopeChangedBehindTheMemosIsReadAgain() throws {
        let server = try TestServer(executor: .compiled)
        try server.createCustomer("Pooled", pool: "east")
        let query = "{ customers(first: 20) { nodes { name pool { name } } } }"
        for _ in 0..<4 {
            let before = try server.client.graphQL(query, token: server.tokens["rep1"])
            #expect(before.text.contains("Pooled"), "\(before.text)")
        }
        let east = server.poolID("east").dropFirst("pool_".count)
        let rep2 = server.userID("rep2").dropFirst("usr_".count)
        try server.execute("INSERT INTO pool_access (pool_id, principal_kind, principal_value, level) VALUES (\(east), 'user', '\(rep2)', 'member')")
        var answer: HTTPClient.Response?
        let statements = try server.statements.capture { answer = try server.client.graphQL(query, token: server.tokens["rep1"]) }
        #expect(answer?.json.at("data", "customers", "nodes") as? [Any] != nil, "\(answer?.text ?? "")")
        #expect(answer?.text.contains("Pooled") == false, "the east pool is rep2's alone now: \(answer?.text ?? "")")
        #expect(statements.filter { $0.contains("FROM customers") }.count == 2, "read once, then again in a snapshot: \(statements)")
        let rep2Page = try server.client.graphQL(query, token: server.tokens["rep2"])
        #expect(rep2Page.text.contains("Pooled"), "\(rep2Page.text)")
    }

    /// A user changed after the directory was kept: the page's own statement tells, and the
    /// owner is written as the change left them.
    @Test func aChangedOwnerIsSeenOnTheNextPage() throws {
        let server = try TestServer()
        try server.createCustomer("Owned", owner: "rep1")
        let query = "{ customers { nodes { name owner { name role } } } }"
        let before = try server.client.graphQL(query, token: server.tokens["admin"])
        #expect(before.json.at("data", "customers", "nodes", 0, "owner", "role") as? String == "REP", "\(before.text)")
        _ = try server.query("mutation($id: ID!) { updateUser(id: $id, role: MANAGER) { role } }", variables: ["id": server.userID("rep1")])
        let after = try server.client.graphQL(query, token: server.tokens["admin"])
        #expect(after.headers[Self.header] == "same", "\(after.text)")
        #expect(after.json.at("data", "customers", "nodes", 0, "owner", "role") as? String == "MANAGER", "\(after.text)")
    }

    /// Column text is copied as it is only when `String` would keep it unchanged.
    @Test func theUTF8CheckAgreesWithStringDecoding() {
        var generator = SystemRandomNumberGenerator()
        let interesting: [UInt8] = [0x00, 0x22, 0x2F, 0x41, 0x5C, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF, 0x9F, 0xA0, 0x90, 0x8F]
        var samples: [[UInt8]] = [Array("普通 text".utf8), Array("😀".utf8), [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82]]
        for _ in 0..<20_000 {
            let length = Int.random(in: 0...6, using: &generator)
            samples.append((0..<length).map { _ in
                Bool.random(using: &generator) ? interesting.randomElement(using: &generator)! : UInt8.random(in: 0...255, using: &generator)
            })
        }
        for bytes in samples {
            let kept = Array(String(decoding: bytes, as: UTF8.self).utf8) == bytes
            let checked = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
            #expect(checked == kept, "\(bytes)")
            // Written from the column's bytes in one pass, or decoded first: the same JSON.
            var direct = JSONBytes()
            bytes.withUnsafeBufferPointer { direct.string(utf8: $0) }
            var decoded = JSONBytes()
            decoded.string(String(decoding: bytes, as: UTF8.self))
            #expect(direct.bytes == decoded.bytes, "\(bytes)")
        }
    }

    /// Text of every length and mix (Latin runs the eight-byte path takes, CJK, emoji,
    /// escapes at every offset, invalid UTF-8) is written as GraphQLSwift's encoder writes the
    /// `String` it decodes to.
    @Test func textIsEscapedAsTheReferenceEncoderEscapesIt() throws {
        var generator = SystemRandomNumberGenerator()
        let pieces: [[UInt8]] = [
            Array("a".utf8), Array("Bluepeak".utf8), Array(" Co., Ltd.".utf8), Array("制造业".utf8), Array("😀".utf8),
            Array("é".utf8), [0x22], [0x5C], [0x2F], [0x0A], [0x09], [0x01], [0x1F], [0x7F], [0x20], [0xE2, 0x82], [0xFF], [0xED, 0xA0, 0x80],
            [0xEF, 0xBF, 0xBF], [0xE0, 0xA0, 0x80], [0xC2, 0x80],
        ]
        for _ in 0..<5_000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int.random(in: 0...14, using: &generator) { bytes += pieces.randomElement(using: &generator)! }
            var written = JSONBytes()
            bytes.withUnsafeBufferPointer { written.string(utf8: $0) }
            let text = String(decoding: bytes, as: UTF8.self)
            let reference = [UInt8](try GraphQLJSONEncoder().encode(Map.dictionary(["k": .string(text)])))
            #expect(Array(#"{"k":"#.utf8) + written.bytes + [UInt8(ascii: "}")] == reference, "\(bytes)")
            var fromString = JSONBytes()
            fromString.string(text)
            #expect(fromString.bytes == written.bytes, "\(bytes)")
        }
    }

    /// Ids are written digit by digit: the same text as `String(_:)` gave, at every length.
    @Test func digitsAreWrittenAsStringPrintsThem() {
        var generator = SystemRandomNumberGenerator()
        var values: [Int64] = [0, 1, -1, 9, 10, -10, 99, 100, Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        for digits in 1...19 { values += [Int64(pow(10, Double(digits - 1))), -Int64(pow(10, Double(digits - 1)))] }
        values += (0..<5000).map { _ in Int64.random(in: Int64.min...Int64.max, using: &generator) >> Int64.random(in: 0...62, using: &generator) }
        for value in values {
            var writer = JSONBytes()
            writer.digits(value)
            #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value), "\(value)")
        }
    }

    /// The byte writer of `DateTime` answers what `String(format:)` printed before it.
    @Test func dateTimesAreWrittenAsTheyWerePrinted() {
        func printed(_ millis: Int64) -> String {
            let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
            var time = time_t(seconds)
            var parts = tm()
            gmtime_r(&time, &parts)
            return String(
                format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis - seconds * 1000))
        }
        var generator = SystemRandomNumberGenerator()
        let edges: [Int64] = [0, 1, 999, -1, -999, -1000, -62_135_596_800_001, 253_402_300_799_999, 253_402_300_800_000, 1_796_487_354_705]
        for millis in edges + (0..<5000).map({ _ in Int64.random(in: -70_000_000_000_000...300_000_000_000_000, using: &generator) }) {
            var bytes: [UInt8] = []
            DateTimeFormat.write(millis: millis, into: &bytes)
            #expect(String(decoding: bytes, as: UTF8.self) == printed(millis), "\(millis)")
        }
    }
}
