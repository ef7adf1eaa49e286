/// A complete HTTP request as the handlers see it: no C types, body already read.
public struct HTTPRequest: Sendable {
    public var method: String
    /// The path without the query string.
    public var path: String
    /// Header lookups are case-insensitive; keys are stored lower-cased.
    public var headers: [String: String]
    public var queryArguments: [String: String]
    public var body: [UInt8]
    /// Set when the body was larger than the server's limit; the body is then empty.
    public var bodyTooLarge: Bool

    public init(
        method: String, path: String, headers: [String: String] = [:],
        queryArguments: [String: String] = [:], body: [UInt8] = [], bodyTooLarge: Bool = false
    ) {
        self.method = method
        self.path = path
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.queryArguments = queryArguments
        self.body = body
        self.bodyTooLarge = bodyTooLarge
    }

    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}
