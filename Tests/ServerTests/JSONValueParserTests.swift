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
