import GraphQL

/// A JSON response written straight into bytes, in the order the executor walks the query.
///
/// Foundation's encoders cost 6–36× more for a page of customers and neither keeps a GraphQL
/// response's field order. The output matches GraphQLSwift's `GraphQLJSONEncoder` byte for byte
/// (same string escapes, `/` included, and numbers written as `Double.description` without a
/// trailing `.0`), so the reference executor and this one can be compared exactly.
struct JSONBytes {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 1024) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    /// Drops everything written after `count`: how a null propagates over a half-written object.
    mutating func truncate(to count: Int) { bytes.removeSubrange(count...) }

    mutating func raw(_ byte: UInt8) { bytes.append(byte) }

    mutating func raw(_ more: [UInt8]) { bytes.append(contentsOf: more) }

    mutating func null() { bytes.append(contentsOf: Self.nullBytes) }

    mutating func bool(_ value: Bool) { bytes.append(contentsOf: value ? Self.trueBytes : Self.falseBytes) }

    mutating func number(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        bytes.append(contentsOf: text.utf8)
    }

    /// Ints pass through `Double` as in GraphQLSwift's `Map`, which encodes every number that way;
    /// GraphQL's 32-bit range prints the same either way, so only larger values take that path.
    mutating func number(_ value: Int) {
        if value > -(1 << 31) && value < (1 << 31) {
            bytes.append(contentsOf: String(value).utf8)
        } else {
            number(Double(value))
        }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        var text = text
        // A `String`'s bytes are always well-formed UTF-8.
        text.withUTF8 { _ = Self.appendEscaped($0, to: &bytes) }
        bytes.append(UInt8(ascii: "\""))
    }

    /// A column's text as `string(_:)` writes the `String` decoded from it: valid UTF-8 is
    /// escaped straight from the database's buffer, anything else is decoded first, which
    /// repairs it the way `RowDecoding` does.
    mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) {
        let mark = bytes.count
        bytes.append(UInt8(ascii: "\""))
        guard Self.appendEscaped(text, to: &bytes) else {
            bytes.removeSubrange(mark...)
            return string(String(decoding: text, as: UTF8.self))
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Decimal digits of an integer, for ids and the like (not a GraphQL `Int`: see `number`).
    mutating func digits(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var reversed: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, one per byte
        var count = 0
        withUnsafeMutableBytes(of: &reversed) { digits in
            repeat {
                digits[count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            for index in stride(from: count - 1, through: 0, by: -1) { bytes.append(digits[index]) }
        }
    }

    /// Appends `more` as they are (already JSON).
    mutating func raw(_ more: UnsafeBufferPointer<UInt8>) { bytes.append(contentsOf: more) }

    mutating func dateTime(millis: Int64) {
        bytes.append(UInt8(ascii: "\""))
        DateTimeFormat.write(millis: millis, into: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    /// A `Map` as `GraphQLJSONEncoder` writes it (custom scalars serialize to maps).
    mutating func map(_ value: Map) throws {
        switch value {
        case .undefined:
            throw GraphQLError(message: "undefined values should have been excluded from encoding")
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number.doubleValue)
        case .string(let text): string(text)
        case .array(let items):
            raw(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                try map(item)
            }
            raw(UInt8(ascii: "]"))
        case .dictionary(let entries):
            raw(UInt8(ascii: "{"))
            var first = true
            for (key, item) in entries where !item.isUndefined {
                if !first { raw(UInt8(ascii: ",")) }
                first = false
                string(key)
                raw(UInt8(ascii: ":"))
                try map(item)
            }
            raw(UInt8(ascii: "}"))
        }
    }

    /// A GraphQL error in GraphQLSwift's shape (`locations` only when known, `path` always,
    /// `extensions` only when set) with `code` first and the other extensions sorted: a Swift
    /// dictionary's order differs from instance to instance, and clients diff responses.
    mutating func error(_ error: GraphQLError) throws {
        raw(Self.messageKey)
        string(error.message)
        if !error.locations.isEmpty {
            raw(Self.locationsKey)
            for (index, location) in error.locations.enumerated() {
                raw(index == 0 ? UInt8(ascii: "[") : UInt8(ascii: ","))
                raw(Self.lineKey)
                number(location.line)
                raw(Self.columnKey)
                number(location.column)
                raw(UInt8(ascii: "}"))
            }
            raw(UInt8(ascii: "]"))
        }
        raw(Self.pathKey)
        for (index, element) in error.path.elements.enumerated() {
            if index > 0 { raw(UInt8(ascii: ",")) }
            switch element {
            case .key(let key): string(key)
            case .index(let position): number(position)
            }
        }
        raw(UInt8(ascii: "]"))
        if !error.extensions.isEmpty {
            raw(Self.extensionsKey)
            let keys = error.extensions.keys.sorted { ($0 == "code" ? "" : $0) < ($1 == "code" ? "" : $1) }
            for (index, key) in keys.enumerated() {
                if index > 0 { raw(UInt8(ascii: ",")) }
                string(key)
                raw(UInt8(ascii: ":"))
                try map(error.extensions[key]!)
            }
            raw(UInt8(ascii: "}"))
        }
        raw(UInt8(ascii: "}"))
    }

    /// A list of errors, each as `error(_:)` writes it.
    static func errors(_ errors: [GraphQLError]) throws -> [UInt8] {
        var writer = JSONBytes(capacity: 256 * errors.count)
        writer.raw(UInt8(ascii: "["))
        for (index, error) in errors.enumerated() {
            if index > 0 { writer.raw(UInt8(ascii: ",")) }
            try writer.error(error)
        }
        writer.raw(UInt8(ascii: "]"))
        return writer.bytes
    }

    private static let messageKey = Array(#"{"message":"#.utf8)
    private static let locationsKey = Array(#","locations":"#.utf8)
    private static let lineKey = Array(#"{"line":"#.utf8)
    private static let columnKey = Array(#","column":"#.utf8)
    private static let pathKey = Array(#","path":["#.utf8)
    private static let extensionsKey = Array(#","extensions":{"#.utf8)

    /// `"key":` for a response key, escaped once when a plan is compiled.
    static func key(_ name: String) -> [UInt8] {
        var writer = JSONBytes(capacity: name.utf8.count + 3)
        writer.string(name)
        writer.raw(UInt8(ascii: ":"))
        return writer.bytes
    }

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)
    private static let hex = Array("0123456789abcdef".utf8)

    /// Well-formed UTF-8 as Unicode defines it (no overlong forms, surrogates or values past
    /// U+10FFFF): exactly the bytes `String(decoding:as:)` keeps unchanged.
    static func isValidUTF8(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        while index < text.count {
            if text[index] < 0x80 {
                index += 1
                continue
            }
            guard let width = wellFormedWidth(text, at: index) else { return false }
            index += width
        }
        return true
    }

    /// Copies runs that need no escape in one append; escapes `"`, `\`, `/` and control bytes,
    /// checking the UTF-8 on the way: false when it is not well-formed, with part of the text
    /// appended (the caller drops it).
    private static func appendEscaped(_ text: UnsafeBufferPointer<UInt8>, to bytes: inout [UInt8]) -> Bool {
        let count = text.count
        var start = 0
        var index = 0
        while index < count {
            let byte = text[index]
            if byte >= 0x80 {
                guard let width = wellFormedWidth(text, at: index) else { return false }
                index += width
                continue
            }
            guard escaped[Int(byte)] else {
                index += 1
                continue
            }
            if start < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start..<index])) }
            appendEscape(byte, to: &bytes)
            index += 1
            start = index
        }
        if start < count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: text[start...])) }
        return true
    }

    /// The ASCII bytes a JSON string escapes here: control bytes, `"`, `\` and `/`.
    private static let escaped: [Bool] = (0..<128).map { byte in
        byte < 0x20 || byte == Int(UInt8(ascii: "\"")) || byte == Int(UInt8(ascii: "\\")) || byte == Int(UInt8(ascii: "/"))
    }

    /// The length of the well-formed sequence a non-ASCII lead byte starts; nil when it is not one.
    private static func wellFormedWidth(_ text: UnsafeBufferPointer<UInt8>, at index: Int) -> Int? {
        let lead = text[index]
        let width: Int
        switch lead {
        case 0xC2...0xDF: width = 2
        case 0xE0...0xEF: width = 3
        case 0xF0...0xF4: width = 4
        default: return nil
        }
        guard index + width <= text.count else { return nil }
        let second = text[index + 1]
        switch lead {
        case 0xE0: guard (0xA0...0xBF).contains(second) else { return nil }
        case 0xED: guard (0x80...0x9F).contains(second) else { return nil }
        case 0xF0: guard (0x90...0xBF).contains(second) else { return nil }
        case 0xF4: guard (0x80...0x8F).contains(second) else { return nil }
        default: guard second & 0xC0 == 0x80 else { return nil }
        }
        for offset in 2..<max(width, 2) where text[index + offset] & 0xC0 != 0x80 { return nil }
        return width
    }

    private static func appendEscape(_ byte: UInt8, to bytes: inout [UInt8]) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        default:
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 15)]])
        }
    }
}
