import Foundation
import GraphQL
import Testing

@testable import GraphQLAdmission

/// The request-body parser accepts exactly the JSON Foundation's decoder accepts and builds the
/// same values, for the bodies clients send and for the malformed ones they should not.
@Suite struct JSONValueParserTests {
    static let valid = [
        #"{"query":"{ me { name } }","variables":{"a":1,"b":-2.5e3,"c":[true,false,null],"d":{"e":"\u4e2d\\\"\/\n"}}}"#,
        #"  {"query" : "q" , "operationName" : null }  "#,
        #"{"s":"😀 \ud83d\ude00 tab\there","n":0,"m":-0.0,"x":1E2,"y":123456789012345678901234567890}"#,
        #"[1,[2,[3,{}]],[],{"":""}]"#,
        #""only a string""#, "42", "true", "null",
    ]
    static let invalid = [
        "", " ", "{", "}", #"{"a":}"#, #"{"a" 1}"#, #"{"a":1,}"#, "[1,]", "[01]", "[1.]", "[.5]", "[+1]", "[1e]",
        #"["\x"]"#, #"["\u12"]"#, #"["\ud800"]"#, #"["\udc00x"]"#, "[\"tab\there\"]", "tru", "nul", "[1e400]",
        #"{"a":1}x"#, "[NaN]", "{'a':1}", #"{a:1}"#,
    ]

    /// Foundation is lenient here and RFC 8259 is not: it takes a trailing comma. Refusing one
    /// loses nothing a client relies on (JavaScript's JSON.stringify never writes it).
    static let strictlyRefused: Set<String> = [#"{"a":1,}"#, "[1,]"]

    /// Keys sorted: Foundation's decoder does not keep the body's key order.
    static func canonical(_ value: Map) -> Map {
        switch value {
        case .dictionary(let object):
            return .dictionary(.init(uniqueKeysWithValues: object.sorted { $0.key < $1.key }.map { ($0.key, canonical($0.value)) }))
        case .array(let items): return .array(items.map(canonical))
        default: return value
        }
    }

    @Test func validBodiesGiveWhatFoundationGives() throws {
        for text in Self.valid {
            let ours = try JSONValueParser.parse(Array(text.utf8))
            let foundation = try JSONDecoder().decode(Map.self, from: Data(text.utf8))
            #expect(Self.canonical(ours) == Self.canonical(foundation), "\(text)")
        }
    }

    @Test func malformedBodiesAreRefusedLikeFoundationRefusesThem() {
        for text in Self.invalid {
            #expect(throws: JSONValueParser.Invalid.self, "\(text)") { try JSONValueParser.parse(Array(text.utf8)) }
            if !Self.strictlyRefused.contains(text) {
                #expect((try? JSONDecoder().decode(Map.self, from: Data(text.utf8))) == nil, "Foundation accepts \(text)")
            }
        }
    }

    @Test func objectKeysKeepTheirOrder() throws {
        guard case .dictionary(let object) = try JSONValueParser.parse(Array(#"{"z":1,"a":2,"m":3}"#.utf8)) else {
            Issue.record("not an object")
            return
        }
        #expect(Array(object.keys) == ["z", "a", "m"])
    }
}

/// The parser bounds its own nesting and checks the strings' encoding, which two passes over
/// the body did before it; a request body's top-level keys come as a list.
@Suite struct JSONValueParserLimitsTests {
    static func nested(_ levels: Int) -> [UInt8] { Array((String(repeating: "[", count: levels) + String(repeating: "]", count: levels)).utf8) }

    @Test func sixtyFourLevelsParseAndSixtyFiveAreTooDeep() throws {
        _ = try JSONValueParser.parse(Self.nested(JSONValueParser.maxDepth))
        #expect(throws: JSONValueParser.TooDeep.self) { try JSONValueParser.parse(Self.nested(JSONValueParser.maxDepth + 1)) }
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(throws: JSONValueParser.TooDeep.self) { try JSONValueParser.parse(Array(objects.utf8)) }
        // Brackets inside a string are text, not nesting.
        _ = try JSONValueParser.parse(Array(("[\"" + String(repeating: "[", count: 200) + "\"]").utf8))
        // Levels closed again do not add up.
        _ = try JSONValueParser.parse(Array((0..<100).map { _ in "[[]]" }.joined(separator: ",").utf8).wrappedInBrackets)
    }

    @Test func stringsMustBeUTF8AndOtherBytesAreNotJSON() throws {
        let quote = Array(#"[""#.utf8)
        let end = Array(#""]"#.utf8)
        #expect(throws: JSONValueParser.NotUTF8.self) { try JSONValueParser.parse(quote + [0xFF] + end) }
        #expect(throws: JSONValueParser.NotUTF8.self) { try JSONValueParser.parse(quote + [0xE4, 0xB8] + end) }
        // Escaped and unescaped runs together are checked as one text.
        #expect(throws: JSONValueParser.NotUTF8.self) { try JSONValueParser.parse(Array(#"["\n"#.utf8) + [0xC3] + end) }
        #expect(throws: JSONValueParser.Invalid.self) { try JSONValueParser.parse([0xFF]) }
        #expect(try JSONValueParser.parse(quote + Array("中\\n文".utf8) + end) == .array([.string("中\n文")]))
    }

    @Test func membersComeInOrderWithRepeats() throws {
        let members = try JSONValueParser.members(Array(#" {"b":1,"a":{"c":[2]},"b":"x"} "#.utf8))
        #expect(members?.map(\.key) == ["b", "a", "b"])
        #expect(members?.last?.value == .string("x"))
        #expect(try JSONValueParser.members(Array("{}".utf8))?.isEmpty == true)
        #expect(try JSONValueParser.members(Array("[1]".utf8)) == nil)
        #expect(throws: JSONValueParser.Invalid.self) { try JSONValueParser.members(Array(#"{"a":1} x"#.utf8)) }
    }

    @Test func requestBodiesSayWhichCheckFailed() throws {
        func message(_ bytes: [UInt8]) -> String? {
            do {
                _ = try GraphQLRequestBody.fromJSON(bytes)
                return nil
            } catch {
                return (error as? APIError)?.message
            }
        }
        #expect(message(Array(#"{"query":"#.utf8) + Self.nested(65) + [UInt8(ascii: "}")]) == "The JSON nests more than 64 levels.")
        #expect(message(Array(#"{"query":""#.utf8) + [0xFF] + Array(#""}"#.utf8)) == "The body is not valid UTF-8.")
        #expect(message(Array(#"{"query":"{ a }","extra":1}"#.utf8)) == #"Unknown field "extra" in the request body."#)
        #expect(message(Array("[]".utf8)) == "The body must be a JSON object with a query.")
        #expect(message([]) == "The body is empty.")
        // A repeated key: the last one counts.
        let body = try GraphQLRequestBody.fromJSON(Array(#"{"query":"{ a }","operationName":"A","operationName":null,"query":"{ b }"}"#.utf8))
        #expect(body.query == "{ b }" && body.operationName == nil)
    }
}

private extension Array where Element == UInt8 {
    var wrappedInBrackets: [UInt8] { [UInt8(ascii: "[")] + self + [UInt8(ascii: "]")] }
}

/// The hand-written UTF-8 check agrees with the standard library's on every boundary of
/// Table 3-7 and on random bytes.
@Suite struct UTF8ValidationTests {
    static func agree(_ bytes: [UInt8]) -> Bool {
        let ours = bytes.withUnsafeBufferPointer { UTF8Validation.isValid($0) }
        return ours == (String(validating: bytes, as: UTF8.self) != nil)
    }

    @Test func everyLeadAndSecondByteBoundaryAgrees() {
        let interesting: [UInt8] = [0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF,
                                    0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF]
        for lead in interesting {
            for second in interesting {
                for tail in [[], [0x80], [0x80, 0x80], [0xBF, 0xBF], [0x41, 0x80], [0x80, 0xC0]] as [[UInt8]] {
                    let sequence = [lead, second] + tail
                    #expect(Self.agree(sequence), "\(sequence)")
                    // Behind an ASCII run long enough for the eight-byte steps.
                    #expect(Self.agree(Array("abcdefghij".utf8) + sequence + Array("klmnopqrstu".utf8)), "\(sequence)")
                }
            }
        }
        #expect(Self.agree([]) && Self.agree(Array("中文 😀 tab\t".utf8)))
    }

    @Test func randomBytesAgree() {
        var generator = SystemRandomNumberGenerator()
        let alphabet: [UInt8] = [0x41, 0x20, 0x80, 0xBF, 0xC3, 0xA9, 0xE4, 0xB8, 0xAD, 0xED, 0xA0, 0xF0, 0x9F, 0x98, 0x80, 0xF4, 0x90, 0xFF]
        for _ in 0..<5_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! }
            #expect(Self.agree(bytes), "\(bytes)")
        }
    }
}
