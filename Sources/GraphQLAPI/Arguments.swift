import Foundation
import GraphQL
import PoolDomain

/// A field's coerced arguments with typed accessors that throw client errors.
///
/// Resolvers read arguments only through this type, so they do not depend on which executor
/// produced the values.
public struct Arguments: Sendable {
    let values: Map

    public init(_ values: Map) { self.values = values }

    public static let none = Arguments(.dictionary([:]))

    /// The values as compact JSON (keys sorted), for records that say what was asked.
    var summary: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(values)).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    func raw(_ name: String) -> Map {
        guard case .dictionary(let dictionary) = values else { return .undefined }
        return dictionary[name] ?? .undefined
    }

    /// True when the argument or input field was given, even as null.
    func has(_ name: String) -> Bool {
        if case .undefined = raw(name) { return false }
        return true
    }

    func string(_ name: String) -> String? {
        if case .string(let text) = raw(name) { return text }
        return nil
    }

    func requireString(_ name: String) throws -> String {
        guard let text = string(name) else {
            throw APIError(.badUserInput, "\(name) is required.", extensions: ["field": .string(name)])
        }
        return text
    }

    func int(_ name: String) -> Int? {
        if case .number(let number) = raw(name) { return number.intValue }
        return nil
    }

    func double(_ name: String) -> Double? {
        if case .number(let number) = raw(name) { return number.doubleValue }
        return nil
    }

    func bool(_ name: String) -> Bool? {
        if case .bool(let value) = raw(name) { return value }
        return nil
    }

    func object(_ name: String) -> Arguments? {
        if case .dictionary = raw(name) { return Arguments(raw(name)) }
        return nil
    }

    func strings(_ name: String) -> [String]? {
        guard case .array(let items) = raw(name) else { return nil }
        return items.compactMap { if case .string(let text) = $0 { return text } else { return nil } }
    }

    func id(_ name: String, _ kind: GlobalID.Kind) throws -> Int64? {
        guard let text = string(name) else { return nil }
        return try GlobalID.decode(text, as: kind, field: name)
    }

    func requireID(_ name: String, _ kind: GlobalID.Kind) throws -> Int64 {
        guard let id = try id(name, kind) else {
            throw APIError(.badUserInput, "\(name) is required.", extensions: ["field": .string(name)])
        }
        return id
    }

    func ids(_ name: String, _ kind: GlobalID.Kind) throws -> [Int64] {
        try (strings(name) ?? []).map { try GlobalID.decode($0, as: kind, field: name) }
    }

    func date(_ name: String) throws -> Date? {
        guard let text = string(name) else { return nil }
        guard let date = DateTimeFormat.parse(text) else {
            throw APIError(
                .badUserInput, "\(name): not an ISO-8601 date-time.", extensions: ["field": .string(name)])
        }
        return date
    }

    /// Enum arguments arrive as their names; this maps them to the domain's raw values.
    func enumValue<E: RawRepresentable>(_ name: String, _ type: E.Type) -> E? where E.RawValue == String {
        string(name).flatMap { E(rawValue: $0.lowercased()) }
    }
}

/// `DateTime` on the wire: ISO-8601 in UTC with milliseconds.
enum DateTimeFormat {
    static func format(_ date: Date) -> String {
        var bytes: [UInt8] = []
        write(millis: Int64((date.timeIntervalSince1970 * 1000).rounded()), into: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `yyyy-MM-ddTHH:mm:ss.SSSZ` of a stored instant, appended without a `String`: the
    /// compiled reads write it straight from a column (see `CompiledConnection`).
    static func write(millis: Int64, into bytes: inout [UInt8]) {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: longest) { room in
            let written = write(millis: millis, to: room.baseAddress!)
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: room[..<written]))
        }
    }

    /// The most `write(millis:to:)` writes: a year as wide as `Int64` milliseconds allow.
    static let longest = 48

    /// Writes the text at `out` (room for `longest` bytes); returns its length.
    static func write(millis: Int64, to out: UnsafeMutablePointer<UInt8>) -> Int {
        let seconds = millis >= 0 ? millis / 1000 : (millis - 999) / 1000
        let fraction = millis - seconds * 1000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        var written = 0
        func byte(_ value: UInt8) {
            out[written] = value
            written += 1
        }
        func digits(_ value: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            guard value >= 0, value < divisor * 10 else {
                // Outside the field's width (a year past 9999 or before 0): as `%0Nd` prints it.
                for character in String(format: "%0\(count)d", value).utf8 { byte(character) }
                return
            }
            while divisor > 0 {
                byte(UInt8(ascii: "0") + UInt8(value / divisor % 10))
                divisor /= 10
            }
        }
        digits(Int(parts.tm_year) + 1900, 4)
        byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mon) + 1, 2)
        byte(UInt8(ascii: "-"))
        digits(Int(parts.tm_mday), 2)
        byte(UInt8(ascii: "T"))
        digits(Int(parts.tm_hour), 2)
        byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_min), 2)
        byte(UInt8(ascii: ":"))
        digits(Int(parts.tm_sec), 2)
        byte(UInt8(ascii: "."))
        digits(Int(fraction), 3)
        byte(UInt8(ascii: "Z"))
        return written
    }

    static func parse(_ text: String) -> Date? {
        guard text.count <= 40 else { return nil }
        let withFraction = ISO8601DateFormatter()
        withFraction.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = withFraction.date(from: text) { return date }
        let plain = ISO8601DateFormatter()
        plain.formatOptions = [.withInternetDateTime]
        return plain.date(from: text)
    }
}
