import Foundation

/// A complete HTTP request as the handlers see it: no C types, body already read.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// Header lookups are case-insensitive; names are stored lower-cased.
    public var headers: HTTPHeaders
    public var queryArguments: [String: String]
    public var body: [UInt8]
    /// Set when the body was larger than the server's limit; the body is then empty.
    public var bodyTooLarge: Bool
    /// The client's address: the peer's, or the one a trusted proxy forwarded; "" when unknown.
    public var clientAddress = ""
    /// Whether the client reached us over HTTPS, as a trusted proxy says (`X-Forwarded-Proto`).
    public var isSecure = false
    /// Why the request cannot be read safely (its framing is ambiguous); its body was not read.
    public var malformed: String?

    public init(
        method: String, path: String, headers: [String: String] = [:],
        queryArguments: [String: String] = [:], body: [UInt8] = [], bodyTooLarge: Bool = false
    ) {
        self.init(
            method: method, path: path, fields: HTTPHeaders(headers), queryArguments: queryArguments, body: body,
            bodyTooLarge: bodyTooLarge)
    }

    /// The server's: the names are lower-cased already.
    init(
        method: String, path: String, fields: HTTPHeaders, queryArguments: [String: String], body: [UInt8],
        bodyTooLarge: Bool
    ) {
        self.method = method
        self.path = path
        self.headers = fields
        self.queryArguments = queryArguments
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }

    public func header(_ name: String) -> String? { headers[name] }
}

extension String {
    /// A header name as a key: lower-cased in ASCII while it is copied out of C.
    init(asciiLowercasing text: UnsafePointer<CChar>) {
        let count = strlen(text)
        self = text.withMemoryRebound(to: UInt8.self, capacity: count) { bytes in
            String(unsafeUninitializedCapacity: count) { buffer in
                for index in 0..<count { buffer[index] = Self.asciiLower(bytes[index]) }
                return count
            }
        }
    }

    /// Lower-cased in ASCII only, as HTTP header names and schemes compare; itself when there
    /// is nothing to lower. `lowercased()` applies Unicode's case mappings, and doing that for
    /// every header of every request cost the cheapest request 4%.
    public var asciiLowercased: String {
        guard hasASCIIUpper else { return self }
        return String(decoding: utf8.map(Self.asciiLower), as: UTF8.self)
    }

    /// Whether any byte is an ASCII capital, read over the bytes in place (`asciiLowercased`
    /// asks it of every media type it lowers).
    var hasASCIIUpper: Bool {
        var text = self
        return text.withUTF8 { bytes in bytes.contains(where: Self.isASCIIUpper) }
    }

    /// Equal when lower-cased in ASCII, compared without making either. Compared over the two
    /// strings' bytes in place: zipping their UTF-8 views cost a `{ __typename }` request 1%.
    public func equalsIgnoringASCIICase(_ other: String) -> Bool {
        guard utf8.count == other.utf8.count else { return false }
        var left = self
        var right = other
        return left.withUTF8 { left in right.withUTF8 { right in Self.equalIgnoringASCIICase(left, right) } }
    }

    /// Whether the text starts with `prefix` (which must be lower-case ASCII), in any case.
    public func hasASCIIPrefixIgnoringCase(_ prefix: StaticString) -> Bool {
        var text = self
        return text.withUTF8 { bytes in
            prefix.withUTF8Buffer { prefix in
                prefix.count <= bytes.count && Self.equalIgnoringASCIICase(UnsafeBufferPointer(rebasing: bytes.prefix(prefix.count)), prefix)
            }
        }
    }

    private static func equalIgnoringASCIICase(_ left: UnsafeBufferPointer<UInt8>, _ right: UnsafeBufferPointer<UInt8>) -> Bool {
        guard left.count == right.count else { return false }
        for index in 0..<left.count where asciiLower(left[index]) != asciiLower(right[index]) { return false }
        return true
    }

    private static func isASCIIUpper(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "A") < 26 }

    private static func asciiLower(_ byte: UInt8) -> UInt8 { isASCIIUpper(byte) ? byte | 0x20 : byte }
}
