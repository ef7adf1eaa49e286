import Foundation

/// A Server-Sent Events client on a raw socket: sends one request and reads the events of the
/// response as they come (chunked transfer decoded), so tests see exactly what a browser's
/// `EventSource` or any SSE library would.
public final class EventStreamClient {
    public struct Event: Equatable {
        public let name: String
        public let data: String

        /// The `data` of a `next` event, decoded.
        public var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(data.utf8))) as? [String: Any] ?? [:]
        }
    }

    public enum Failure: Error { case connect, closed, timeout, status(Int, String) }

    private let fd: Int32
    private var buffer: [UInt8] = []
    private var chunked = false
    private var decoded: [UInt8] = []
    public private(set) var status = 0
    public private(set) var headers: [String: String] = [:]
    public private(set) var comments = 0

    /// Opens the stream: `POST /graphql` with `Accept: text/event-stream` and the subscription.
    public convenience init(port: UInt16, query: String, variables: [String: Any] = [:], token: String?) throws {
        let body = try JSONSerialization.data(withJSONObject: ["query": query, "variables": variables])
        var head = "POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
        if let token { head += "Authorization: Bearer \(token)\r\n" }
        head += "Content-Length: \(body.count)\r\n\r\n"
        try self.init(port: port, request: Array(head.utf8) + [UInt8](body))
    }

    /// Opens the stream as a browser's `EventSource` does: a GET of `path`, no other header.
    public convenience init(port: UInt16, getPath path: String) throws {
        try self.init(port: port, request: Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".utf8))
    }

    private init(port: UInt16, request bytes: [UInt8]) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw Failure.connect }
        _ = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        try readHead()
    }

    deinit { close(fd) }

    /// The next event (comments counted, not returned), or `Failure.timeout`/`.closed`.
    public func next(timeout: TimeInterval = 5) throws -> Event {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let event = takeEvent() { return event }
            try fill(until: deadline)
        }
    }

    /// Whether no event arrives within `seconds` (comments aside).
    public func staysQuiet(for seconds: TimeInterval) -> Bool {
        do {
            _ = try next(timeout: seconds)
            return false
        } catch {
            return (error as? Failure).map { if case .timeout = $0 { true } else { false } } ?? false
        }
    }

    private func readHead() throws {
        let deadline = Date().addingTimeInterval(10)
        while true {
            if let end = find([13, 10, 13, 10], in: buffer) {
                let head = String(decoding: buffer[..<end], as: UTF8.self).components(separatedBy: "\r\n")
                status = Int(head.first?.split(separator: " ").dropFirst().first ?? "") ?? 0
                for line in head.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                buffer.removeFirst(end + 4)
                chunked = headers["transfer-encoding"]?.lowercased() == "chunked"
                if status != 200 {
                    try? fill(until: Date().addingTimeInterval(1))
                    throw Failure.status(status, String(decoding: buffer, as: UTF8.self))
                }
                return
            }
            try fill(until: deadline, raw: true)
        }
    }

    /// Reads more bytes from the socket (into `buffer`, then de-chunked into `decoded`).
    private func fill(until deadline: Date, raw: Bool = false) throws {
        let wait = max(0, deadline.timeIntervalSinceNow)
        guard wait > 0 else { throw Failure.timeout }
        var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, Int32(wait * 1000)) > 0 else { throw Failure.timeout }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard count > 0 else { throw Failure.closed }
        buffer.append(contentsOf: chunk[..<count])
        if !raw { dechunk() }
    }

    private func dechunk() {
        guard chunked else {
            decoded += buffer
            buffer = []
            return
        }
        while let lineEnd = find([13, 10], in: buffer),
            let size = Int(String(decoding: buffer[..<lineEnd], as: UTF8.self).split(separator: ";").first ?? "", radix: 16),
            buffer.count >= lineEnd + 2 + size + 2
        {
            decoded += buffer[(lineEnd + 2)..<(lineEnd + 2 + size)]
            buffer.removeFirst(lineEnd + 2 + size + 2)
        }
    }

    /// One whole event out of `decoded`, if there is one.
    private func takeEvent() -> Event? {
        while let end = find([10, 10], in: decoded) {
            let block = String(decoding: decoded[..<end], as: UTF8.self)
            decoded.removeFirst(end + 2)
            var name = "message"
            var data: [String] = []
            for line in block.split(separator: "\n", omittingEmptySubsequences: false) {
                if line.hasPrefix(":") { comments += 1 }
                if line.hasPrefix("event:") { name = line.dropFirst(6).trimmingCharacters(in: .whitespaces) }
                if line.hasPrefix("data:") { data.append(String(line.dropFirst(5).drop { $0 == " " })) }
            }
            if block.allSatisfy({ $0 != "\n" }) && block.hasPrefix(":") { continue }
            return Event(name: name, data: data.joined(separator: "\n"))
        }
        return nil
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for index in 0...(haystack.count - needle.count) where haystack[index] == needle[0] {
            if Array(haystack[index..<(index + needle.count)]) == needle { return index }
        }
        return nil
    }
}
