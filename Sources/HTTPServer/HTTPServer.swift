import CMicroHTTPD
import Foundation

/// A libmicrohttpd daemon serving one `HTTPHandler` from its own thread pool.
///
/// The only type that sees libmicrohttpd; everything above it works with `HTTPRequest` and
/// `HTTPResponse`.
public final class HTTPServer: @unchecked Sendable {
    public enum StartError: Error, CustomStringConvertible {
        case cannotListen(host: String, port: UInt16)

        public var description: String {
            switch self {
            case .cannotListen(let host, let port):
                return "cannot listen on \(host):\(port) (address in use, or not a local address)"
            }
        }
    }

    let handler: any HTTPHandler
    let configuration: HTTPServerConfiguration
    private var daemon: OpaquePointer?
    private let inFlight = InFlightCounter()
    private let streams = OpenStreams()
    public private(set) var port: UInt16 = 0

    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler) {
        self.configuration = configuration
        self.handler = handler
    }

    public func start() throws {
        let context = Unmanaged.passUnretained(self).toOpaque()
        daemon = gh_start_daemon(
            configuration.host, configuration.port, UInt32(configuration.threads),
            UInt32(configuration.connectionTimeoutSeconds), UInt32(configuration.connectionLimit),
            UInt32(configuration.connectionsPerAddress), configuration.connectionMemoryBytes, mhdAccessHandler, context, mhdCompletedHandler,
            context)
        guard let daemon else {
            throw StartError.cannotListen(host: configuration.host, port: configuration.port)
        }
        port = gh_bound_port(daemon)
    }

    /// Stops accepting connections, lets requests in flight finish (up to `grace` seconds),
    /// then stops the daemon.
    public func stop(grace: TimeInterval = 10) {
        guard let daemon else { return }
        // Quiescing hands the listening socket back. Left listening, the kernel would still
        // complete handshakes into the backlog, connections nobody would ever serve, so it is
        // shut down at once. It is closed only after the daemon stops: a worker thread may still
        // remove it from its epoll set, and libmicrohttpd aborts the process when that removal
        // meets a closed descriptor (its documentation asks for exactly this order).
        let listening = MHD_quiesce_daemon(daemon)
        if listening >= 0 { shutdown(listening, Int32(SHUT_RDWR)) }
        // Event streams end cleanly (what is queued is sent); libmicrohttpd must not be
        // stopped with a connection still suspended.
        streams.finishAll()
        let deadline = Date().addingTimeInterval(grace)
        while inFlight.value > 0 && Date() < deadline { usleep(10_000) }
        MHD_stop_daemon(daemon)
        if listening >= 0 { close(listening) }
        self.daemon = nil
    }

    deinit { stop(grace: 0) }

    // MARK: Called from the C callbacks

    func access(
        _ connection: OpaquePointer, url: String, method: String,
        upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
        state statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> Bool {
        guard let raw = statePointer.pointee else {
            let state = RequestState()
            statePointer.pointee = Unmanaged.passRetained(state).toOpaque()
            inFlight.add(1)
            // Every header is complete now; copied once, they serve the checks below and the
            // handler.
            state.headers = Self.headers(connection)
            if let refusal = Self.ambiguousFraming(state.headers) {
                state.answered = true
                var request = request(connection, url, method, state)
                request.malformed = refusal
                return send(handler.handle(request), connection)
            }
            if let length = state.headers["content-length"], let bytes = Int(length), bytes > configuration.maxBodyBytes {
                state.answered = true
                state.tooLarge = true
                return send(handler.handle(request(connection, url, method, state)), connection)
            }
            return true
        }
        let state = Unmanaged<RequestState>.fromOpaque(raw).takeUnretainedValue()
        if uploadSize.pointee > 0 {
            if !state.tooLarge, let upload {
                if state.body.count + uploadSize.pointee > configuration.maxBodyBytes {
                    state.tooLarge = true
                    state.body = []
                } else {
                    upload.withMemoryRebound(to: UInt8.self, capacity: uploadSize.pointee) {
                        state.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: uploadSize.pointee))
                    }
                }
            }
            uploadSize.pointee = 0
            return true
        }
        if state.answered { return true }
        state.answered = true
        var request = request(connection, url, method, state)
        identify(&request, peer: Self.clientAddress(connection))
        return send(handler.handle(request), connection)
    }

    func completed(_ statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let statePointer, let raw = statePointer.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(raw).release()
        statePointer.pointee = nil
        inFlight.add(-1)
    }

    private func request(_ connection: OpaquePointer, _ url: String, _ method: String, _ state: RequestState) -> HTTPRequest {
        HTTPRequest(
            method: method, path: url, fields: state.headers, queryArguments: Self.queryArguments(connection),
            body: state.body, bodyTooLarge: state.tooLarge)
    }

    private func send(_ response: HTTPResponse, _ connection: OpaquePointer) -> Bool {
        if let stream = response.stream { return send(stream, response, connection) }
        guard let made = response.body.withUnsafeBytes({ gh_response_copying($0.baseAddress, $0.count) }) else { return false }
        Self.addHeaders(response.headers, to: made)
        return gh_queue(connection, UInt32(response.status), made) != 0
    }

    /// Each name and value crosses as the C string Swift already keeps for it (a native string
    /// ends in NUL; a short one is copied to the stack): no block of copies is built. Like any C
    /// string, a text stops at a NUL inside it, and the next pair is unaffected.
    static func addHeaders(_ headers: [(String, String)], to response: OpaquePointer) {
        for (name, value) in headers {
            name.withCString { name in value.withCString { value in _ = MHD_add_response_header(response, name, value) } }
        }
    }

    private func send(_ stream: EventStream, _ response: HTTPResponse, _ connection: OpaquePointer) -> Bool {
        stream.attach(connection)
        streams.add(stream)
        let retained = Unmanaged.passRetained(stream).toOpaque()  // released by mhdStreamReleased
        guard let made = gh_response_streaming(stream.blockSize, mhdStreamReader, retained, mhdStreamReleased) else { return false }
        Self.addHeaders(response.headers, to: made)
        return gh_queue(connection, UInt32(response.status), made) != 0
    }

    /// A request whose length can be read two ways (two different `Content-Length`s, or one
    /// beside `Transfer-Encoding`) is refused before its body is read: a proxy in front may
    /// have read it the other way, which is how requests are smuggled.
    static func ambiguousFraming(_ headers: HTTPHeaders) -> String? {
        var length: String?
        var conflicting = false
        var transferEncoding = false
        for field in headers.fields {
            if field.isNamed("content-length") {
                // Nearly every request has one, and only a second is compared (trimmed).
                if let first = length { conflicting = conflicting || trimmedBlanks(first) != trimmedBlanks(field.value) }
                length = length ?? field.value
            } else if field.isNamed("transfer-encoding") {
                transferEncoding = true
            }
        }
        if conflicting { return "Conflicting Content-Length headers." }
        if length != nil && transferEncoding { return "Content-Length and Transfer-Encoding together." }
        return nil
    }

    private static func trimmedBlanks(_ text: String) -> Substring {
        let blank: (UInt8) -> Bool = { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }
        var bytes = text.utf8[...]
        while let first = bytes.first, blank(first) { bytes.removeFirst() }
        while let last = bytes.last, blank(last) { bytes.removeLast() }
        return Substring(bytes)
    }

    /// The client's address and scheme: a trusted proxy's forwarded headers are believed, and
    /// anyone else's ignored (a client could claim HTTPS or another address).
    func identify(_ request: inout HTTPRequest, peer: String) {
        guard configuration.trustedProxies.contains(peer) else {
            request.clientAddress = peer
            return
        }
        request.isSecure = request.header("x-forwarded-proto")?.asciiLowercased == "https"
        let forwarded = request.header("x-real-ip")
            ?? request.header("x-forwarded-for")?.split(separator: ",").last.map { $0.trimmingCharacters(in: .whitespaces) }
        request.clientAddress = forwarded.flatMap { $0.isEmpty ? nil : $0 } ?? peer
    }

    static func clientAddress(_ connection: OpaquePointer) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            gh_client_address(connection, buffer.baseAddress!, socklen_t(buffer.count))
            return String(cString: buffer.baseAddress!)
        }
    }

    /// The request's header fields, names lower-cased.
    static func headers(_ connection: OpaquePointer) -> HTTPHeaders {
        let box = HeadersBox()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, mhdHeaderCollector, Unmanaged.passUnretained(box).toOpaque())
        return box.headers
    }

    static func queryArguments(_ connection: OpaquePointer) -> [String: String] {
        let box = ValuesBox()
        _ = MHD_get_connection_values(connection, .GET_ARGUMENT_KIND, mhdValueIterator, Unmanaged.passUnretained(box).toOpaque())
        return box.values
    }
}

/// What one request accumulates across libmicrohttpd's callbacks.
final class RequestState {
    var headers = HTTPHeaders()
    var body: [UInt8] = []
    var tooLarge = false
    var answered = false
}

final class HeadersBox {
    var headers = HTTPHeaders()
}

final class ValuesBox {
    /// Most requests have no query string: nothing is allocated until one arrives.
    var values: [String: String] = [:]
}

/// The event streams open now, so stopping can end each one.
final class OpenStreams: @unchecked Sendable {
    private let lock = NSLock()
    private var open: [ObjectIdentifier: EventStream] = [:]

    func add(_ stream: EventStream) {
        let key = ObjectIdentifier(stream)
        lock.withLock { open[key] = stream }
        stream.onClose { [weak self] in self?.lock.withLock { _ = self?.open.removeValue(forKey: key) } }
    }

    func finishAll() { lock.withLock { Array(open.values) }.forEach { $0.finish() } }
}

final class InFlightCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0

    func add(_ delta: Int) { lock.withLock { count += delta } }

    var value: Int { lock.withLock { count } }
}
