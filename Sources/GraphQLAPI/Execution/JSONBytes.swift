import GraphQL
import GraphQLAdmission

/// A JSON response written straight into bytes, in the order the executor walks the query.
///
/// Foundation's encoders cost 6–36× more for a page of customers and neither keeps a GraphQL
/// response's field order. The output matches GraphQLSwift's `GraphQLJSONEncoder` byte for byte
/// (same string escapes, `/` included, and numbers written as `Double.description` without a
/// trailing `.0`), so the reference executor and this one can be compared exactly.
struct JSONBytes {
    private var buffer: ByteBuffer

    init(capacity: Int = 1024) {
        buffer = ByteBuffer(capacity: capacity)
    }

    /// What has been written (copied once, when the response is done).
    var bytes: [UInt8] { buffer.array }

    func withUnsafeBytes<Result>(_ body: (UnsafeBufferPointer<UInt8>) throws -> Result) rethrows -> Result {
        try buffer.withUnsafeBytes(body)
    }

    var count: Int { buffer.count }

    /// Drops everything written after `count`: how a null propagates over a half-written object.
    mutating func truncate(to count: Int) { buffer.truncate(to: count) }

    mutating func raw(_ byte: UInt8) { buffer.append(byte) }

    mutating func raw(_ more: [UInt8]) { buffer.append(more) }

    mutating func null() { buffer.append(Self.nullBytes) }

    mutating func bool(_ value: Bool) { buffer.append(value ? Self.trueBytes : Self.falseBytes) }

    mutating func number(_ value: Double) {
        var text = value.description
        if text.hasSuffix(".0") { text.removeLast(2) }
        text.withUTF8 { buffer.append($0) }
    }

    /// Ints pass through `Double` as in GraphQLSwift's `Map`, which encodes every number that way;
    /// GraphQL's 32-bit range prints the same either way, so only larger values take that path.
    mutating func number(_ value: Int) {
        if value > -(1 << 31) && value < (1 << 31) {
            digits(Int64(value))
        } else {
            number(Double(value))
        }
    }

    mutating func string(_ text: String) {
        buffer.append(UInt8(ascii: "\""))
        var text = text
        // A `String`'s bytes are always well-formed UTF-8.
        text.withUTF8 { _ = appendEscaped($0) }
        buffer.append(UInt8(ascii: "\""))
    }

    /// A column's text as `string(_:)` writes the `String` decoded from it: valid UTF-8 is
    /// escaped straight from the database's buffer, anything else is decoded first, which
    /// repairs it the way `RowDecoding` does.
    mutating func string(utf8 text: UnsafeBufferPointer<UInt8>) {
        let mark = buffer.count
        buffer.append(UInt8(ascii: "\""))
        guard appendEscaped(text) else {
            buffer.truncate(to: mark)
            return string(String(decoding: text, as: UTF8.self))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Decimal digits of an integer, for ids and the like (not a GraphQL `Int`: see `number`).
    mutating func digits(_ value: Int64) {
        // Up to 20 digits and a sign, written backwards from the end of their room.
        let out = buffer.room(21)
        var magnitude = value.magnitude
        var end = 21
        repeat {
            end -= 1
            out[end] = UInt8(ascii: "0") + UInt8(magnitude % 10)
            magnitude /= 10
        } while magnitude > 0
        if value < 0 {
            end -= 1
            out[end] = UInt8(ascii: "-")
        }
        let written = 21 - end
        if end > 0 { out.update(from: out + end, count: written) }
        buffer.commit(written)
    }

    /// Appends `more` as they are (already JSON).
    mutating func raw(_ more: UnsafeBufferPointer<UInt8>) { buffer.append(more) }

    mutating func dateTime(millis: Int64) {
        let out = buffer.room(DateTimeFormat.longest + 2)
        out[0] = UInt8(ascii: "\"")
        let written = DateTimeFormat.write(millis: millis, to: out + 1)
        out[written + 1] = UInt8(ascii: "\"")
        buffer.commit(written + 2)
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

    /// Escapes `"`, `\`, `/` and control bytes straight into reserved room, checking the UTF-8
    /// on the way: false when it is not well-formed, with part of the text possibly written
    /// (the caller drops it).
    private mutating func appendEscaped(_ text: UnsafeBufferPointer<UInt8>) -> Bool {
        let count = text.count
        // Room for the text as it is; an escape (up to six bytes for one) asks for more.
        var out = buffer.room(count)
        var written = 0
        var room = count
        var index = 0
        while index < count {
            let byte = text[index]
            if byte < 0x80 {
                // Eight bytes at a time while they are ASCII that needs no escape: names in
                // Latin letters pass here.
                if count - index >= 8 {
                    let word = UnsafeRawPointer(text.baseAddress! + index).loadUnaligned(as: UInt64.self)
                    if Self.plainASCII(word) {
                        UnsafeMutableRawPointer(out + written).storeBytes(of: word, as: UInt64.self)
                        written += 8
                        index += 8
                        continue
                    }
                }
            } else {
                // The three-byte sequences without special second bytes (most of CJK): checked
                // inline; the rest by the general rule.
                if (0xE1...0xEC).contains(byte) || byte >= 0xEE && byte <= 0xEF, count - index >= 3,
                    text[index + 1] & 0xC0 == 0x80, text[index + 2] & 0xC0 == 0x80
                {
                    out[written] = byte
                    out[written + 1] = text[index + 1]
                    out[written + 2] = text[index + 2]
                    written += 3
                    index += 3
                    continue
                }
                guard let width = UTF8Validation.sequenceLength(byte, at: index, in: text) else {
                    buffer.commit(written)
                    return false
                }
                for offset in 0..<width { out[written + offset] = text[index + offset] }
                written += width
                index += width
                continue
            }
            if Self.escapes(byte) {
                let needed = written + 6 + (count - index - 1)
                if needed > room {
                    buffer.commit(written)
                    out = buffer.room(needed - written)
                    room = needed - written
                    written = 0
                }
                written += Self.writeEscape(byte, to: out + written)
                index += 1
            } else {
                out[written] = byte
                written += 1
                index += 1
            }
        }
        buffer.commit(written)
        return true
    }

    /// Eight bytes, none of them past ASCII, a control byte, `"`, `\` or `/` (each test sets a
    /// byte's high bit where it finds one, as in the classic "has a zero byte" trick).
    @inline(__always)
    private static func plainASCII(_ word: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        func hasZero(_ value: UInt64) -> UInt64 { (value &- ones) & ~value & highs }
        let control = (word &- 0x20 &* ones) & ~word & highs
        let special = hasZero(word ^ (0x22 &* ones)) | hasZero(word ^ (0x5C &* ones)) | hasZero(word ^ (0x2F &* ones))
        return (word & highs) | control | special == 0
    }

    /// The ASCII bytes a JSON string escapes here: control bytes, `"`, `\` and `/`.
    @inline(__always)
    private static func escapes(_ byte: UInt8) -> Bool {
        byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte == UInt8(ascii: "/")
    }

    /// Writes the escape of one byte; returns its length.
    private static func writeEscape(_ byte: UInt8, to out: UnsafeMutablePointer<UInt8>) -> Int {
        out[0] = UInt8(ascii: "\\")
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out[1] = byte
        case 0x08: out[1] = UInt8(ascii: "b")
        case 0x0C: out[1] = UInt8(ascii: "f")
        case 0x0A: out[1] = UInt8(ascii: "n")
        case 0x0D: out[1] = UInt8(ascii: "r")
        case 0x09: out[1] = UInt8(ascii: "t")
        default:
            out[1] = UInt8(ascii: "u")
            out[2] = UInt8(ascii: "0")
            out[3] = UInt8(ascii: "0")
            out[4] = hex[Int(byte >> 4)]
            out[5] = hex[Int(byte & 15)]
            return 6
        }
        return 2
    }
}
