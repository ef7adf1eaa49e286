import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a raw socket: tests need exact control of what is
/// sent (bad bodies, odd headers) and must run from many plain threads at once.
public struct HTTPClient: Sendable {
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: [UInt8]
        /// Every Set-Cookie header, in order (the headers map keeps only one).
        public var setCookies: [String] = []

        public var text: String { String(decoding: body, as: UTF8.self) }

        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
        }
    }

    public let port: UInt16

    public init(port: UInt16) { self.port = port }

    public func send(
        method: String, path: String, headers: [(String, String)] = [], body: [UInt8] = []
    ) throws -> Response {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ClientError.socket }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { throw ClientError.connect }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !headers.contains(where: { $0.0.lowercased() == "content-length" }) && (method == "POST" || !body.isEmpty) {
            head += "Content-Length: \(body.count)\r\n"
        }
        head += "\r\n"
        try writeAll(fd, Array(head.utf8) + body)
        let response = try parse(readAll(fd))
        Self.checkExecutors(response, request: body)
        return response
    }

    /// Test servers run the `verify` executor mode: every GraphQL request any test sends runs
    /// through the compiled executor and GraphQLSwift's, and a difference fails the test.
    private static func checkExecutors(_ response: Response, request: [UInt8]) {
        let verdict = response.headers.first { $0.key.lowercased() == "gonghai-executor-check" }?.value
        if verdict == "different" {
            Issue.record("the compiled and reference executors answered differently to \(String(decoding: request.prefix(600), as: UTF8.self))")
        }
    }

    /// POSTs a GraphQL request as JSON.
    public func graphQL(
        _ query: String, variables: [String: Any]? = nil, operationName: String? = nil,
        token: String?, accept: String? = nil
    ) throws -> Response {
        var object: [String: Any] = ["query": query]
        if let variables { object["variables"] = variables }
        if let operationName { object["operationName"] = operationName }
        let body = try JSONSerialization.data(withJSONObject: object)
        var headers = [("Content-Type", "application/json")]
        if let token { headers.append(("Authorization", "Bearer \(token)")) }
        if let accept { headers.append(("Accept", accept)) }
        return try send(method: "POST", path: "/graphql", headers: headers, body: [UInt8](body))
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard written > 0 else { throw ClientError.write }
            offset += written
        }
    }

    private func readAll(_ fd: Int32) throws -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw ClientError.read }
            if count == 0 { return result }
            result.append(contentsOf: buffer[0..<count])
        }
    }

    private func parse(_ raw: [UInt8]) throws -> Response {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let split = raw.firstRange(of: separator) else { throw ClientError.malformed }
        let head = String(decoding: raw[..<split.lowerBound], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = head[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { throw ClientError.malformed }
        var headers: [String: String] = [:]
        var cookies: [String] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers[name] = value
            if name == "set-cookie" { cookies.append(value) }
        }
        var body = Array(raw[split.upperBound...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" { body = dechunk(body) }
        var response = Response(status: status, headers: headers, body: body)
        response.setCookies = cookies
        return response
    }

    private func dechunk(_ bytes: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < bytes.count {
            guard let lineEnd = bytes[index...].firstRange(of: [13, 10]) else { break }
            let sizeText = String(decoding: bytes[index..<lineEnd.lowerBound], as: UTF8.self)
            guard let size = Int(sizeText.split(separator: ";")[0], radix: 16), size > 0 else { break }
            let start = lineEnd.upperBound
            result.append(contentsOf: bytes[start..<min(start + size, bytes.count)])
            index = start + size + 2
        }
        return result
    }

    public enum ClientError: Error { case socket, connect, write, read, malformed }
}
