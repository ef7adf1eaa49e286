import GraphQL
import OrderedCollections

/// Parses a request body's JSON (RFC 8259, strictly) straight into GraphQLSwift's `Map`.
///
/// Foundation's `JSONDecoder` decoding `Map` was a third of the server's time for a small
/// query: it tries each type in turn through `Decodable` and allocates a coding path per
/// value. This parser reads the bytes once. Numbers become `Double`s as `Map`'s decoder makes
/// them; object keys keep the body's order (a repeated key: the last wins). It bounds its own
/// recursion (`maxDepth` levels of objects and arrays) and checks the UTF-8 of the strings it
/// makes, so the body is not read two more times first for its nesting and its encoding.
struct JSONValueParser {
    struct Invalid: Error {}
    /// Objects and arrays nest deeper than `maxDepth`.
    struct TooDeep: Error {}
    /// A string is not UTF-8 (outside strings, such bytes are `Invalid`).
    struct NotUTF8: Error {}

    static let maxDepth = 64

    private let bytes: [UInt8]
    private var position = 0
    private var depth = 0

    static func parse(_ bytes: [UInt8]) throws -> Map {
        var parser = JSONValueParser(bytes: bytes)
        let value = try parser.value()
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw Invalid() }
        return value
    }

    /// The members of a body that is an object, in order (a repeated key appears each time);
    /// nil for valid JSON of another kind. A request body's few keys are read straight off the
    /// list: an ordered dictionary for them, hashed in and out, cost a cheap request 2%.
    static func members(_ bytes: [UInt8]) throws -> [(key: String, value: Map)]? {
        var parser = JSONValueParser(bytes: bytes)
        parser.skipWhitespace()
        var members: [(key: String, value: Map)]?
        if parser.position < bytes.count && bytes[parser.position] == UInt8(ascii: "{") {
            var list: [(key: String, value: Map)] = []
            try parser.members { list.append(($0, $1)) }
            members = list
        } else {
            _ = try parser.value()
        }
        parser.skipWhitespace()
        guard parser.position == bytes.count else { throw Invalid() }
        return members
    }

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private mutating func value() throws -> Map {
        skipWhitespace()
        guard position < bytes.count else { throw Invalid() }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return .number(Number(try number()))
        }
    }

    private mutating func object() throws -> Map {
        var members = OrderedDictionary<String, Map>()
        try self.members { members[$0] = $1 }
        return .dictionary(members)
    }

    /// An object's members, handed to `take` in order; the position is at its `{`.
    private mutating func members(_ take: (String, Map) -> Void) throws {
        try enter()
        defer { depth -= 1 }
        skipWhitespace()
        if try peek() == UInt8(ascii: "}") {
            position += 1
            return
        }
        while true {
            skipWhitespace()
            guard try peek() == UInt8(ascii: "\"") else { throw Invalid() }
            let key = try string()
            skipWhitespace()
            try expect(UInt8(ascii: ":"))
            take(key, try value())
            skipWhitespace()
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "}") { return }
            guard next == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    /// Steps into an object or array: past its bracket, one level deeper.
    private mutating func enter() throws {
        depth += 1
        guard depth <= Self.maxDepth else { throw TooDeep() }
        position += 1
    }

    private mutating func array() throws -> Map {
        try enter()
        defer { depth -= 1 }
        var items: [Map] = []
        skipWhitespace()
        if try peek() == UInt8(ascii: "]") {
            position += 1
            return .array(items)
        }
        while true {
            items.append(try value())
            skipWhitespace()
            let next = try peek()
            position += 1
            if next == UInt8(ascii: "]") { return .array(items) }
            guard next == UInt8(ascii: ",") else { throw Invalid() }
        }
    }

    /// A string; runs without escapes are copied in one piece, and the text is checked to be
    /// UTF-8 as it is made. Escapes cannot make invalid text: lone surrogates are refused.
    private mutating func string() throws -> String {
        position += 1
        var scalars: [UInt8] = []
        var start = position
        while true {
            guard position < bytes.count else { throw Invalid() }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                if scalars.isEmpty {
                    let text = try bytes.withUnsafeBufferPointer { try Self.text(UnsafeBufferPointer(rebasing: $0[start..<position])) }
                    position += 1
                    return text
                }
                scalars.append(contentsOf: bytes[start..<position])
                position += 1
                return try scalars.withUnsafeBufferPointer(Self.text)
            }
            guard byte >= 0x20 else { throw Invalid() }
            if byte == UInt8(ascii: "\\") {
                scalars.append(contentsOf: bytes[start..<position])
                position += 1
                try escape(into: &scalars)
                start = position
                continue
            }
            position += 1
        }
    }

    /// A string's bytes as text, refused unless they are UTF-8.
    private static func text(_ run: UnsafeBufferPointer<UInt8>) throws -> String {
        guard UTF8Validation.isValid(run) else { throw NotUTF8() }
        return String(decoding: run, as: UTF8.self)
    }

    private mutating func escape(into output: inout [UInt8]) throws {
        let byte = try peek()
        position += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(byte)
        case UInt8(ascii: "b"): output.append(0x08)
        case UInt8(ascii: "f"): output.append(0x0C)
        case UInt8(ascii: "n"): output.append(0x0A)
        case UInt8(ascii: "r"): output.append(0x0D)
        case UInt8(ascii: "t"): output.append(0x09)
        case UInt8(ascii: "u"):
            var code = try hex4()
            if (0xD800...0xDBFF).contains(code) {
                guard position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u")
                else { throw Invalid() }
                position += 2
                let low = try hex4()
                guard (0xDC00...0xDFFF).contains(low) else { throw Invalid() }
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if (0xDC00...0xDFFF).contains(code) {
                throw Invalid()
            }
            guard let scalar = Unicode.Scalar(code) else { throw Invalid() }
            output.append(contentsOf: Array(String(Character(scalar)).utf8))
        default:
            throw Invalid()
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard position + 4 <= bytes.count else { throw Invalid() }
        var code: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Invalid()
            }
            code = code * 16 + UInt32(digit)
            position += 1
        }
        return code
    }

    /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, finite.
    private mutating func number() throws -> Double {
        let start = position
        if position < bytes.count, bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw Invalid() }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            guard digits() > 0 else { throw Invalid() }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard digits() > 0 else { throw Invalid() }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard digits() > 0 else { throw Invalid() }
        }
        guard let value = Double(String(decoding: bytes[start..<position], as: UTF8.self)), value.isFinite else {
            throw Invalid()
        }
        return value
    }

    private mutating func digits() -> Int {
        let start = position
        while position < bytes.count, bytes[position] >= UInt8(ascii: "0"), bytes[position] <= UInt8(ascii: "9") {
            position += 1
        }
        return position - start
    }

    private mutating func literal(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw Invalid() }
        let matches = word.withUTF8Buffer { expected in
            (0..<count).allSatisfy { bytes[position + $0] == expected[$0] }
        }
        guard matches else { throw Invalid() }
        position += count
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func peek() throws -> UInt8 {
        guard position < bytes.count else { throw Invalid() }
        return bytes[position]
    }

    private mutating func expect(_ byte: UInt8) throws {
        guard try peek() == byte else { throw Invalid() }
        position += 1
    }
}
