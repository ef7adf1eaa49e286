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
            if let refusal = Self.ambiguousFraming(connection) {
                state.answered = true
                var request = tooLargeRequest(connection, url, method)
                request.bodyTooLarge = false
                request.malformed = refusal
                return send(handler.handle(request), connection)
            }
            if let length = gh_header(connection, "Content-Length").map({ String(cString: $0) }),
                let bytes = Int(length), bytes > configuration.maxBodyBytes
            {
                state.answered = true
                return send(handler.handle(tooLargeRequest(connection, url, method)), connection)
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
        var request = HTTPRequest(
            method: method, path: url, headers: values(connection, .HEADER_KIND),
            queryArguments: values(connection, .GET_ARGUMENT_KIND), body: state.body,
            bodyTooLarge: state.tooLarge)
        identify(&request, peer: Self.clientAddress(connection))
        return send(handler.handle(request), connection)
    }

    func completed(_ statePointer: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let statePointer, let raw = statePointer.pointee else { return }
        Unmanaged<RequestState>.fromOpaque(raw).release()
        statePointer.pointee = nil
        inFlight.add(-1)
    }

    private func tooLargeRequest(_ connection: OpaquePointer, _ url: String, _ method: String) -> HTTPRequest {
        HTTPRequest(
            method: method, path: url, headers: values(connection, .HEADER_KIND),
            queryArguments: values(connection, .GET_ARGUMENT_KIND), bodyTooLarge: true)
    }

    private func send(_ response: HTTPResponse, _ connection: OpaquePointer) -> Bool {
        if let stream = response.stream { return send(stream, response, connection) }
        var names = response.headers.map { strdup($0.0) }
        var values = response.headers.map { strdup($0.1) }
        defer {
            names.forEach { free($0) }
            values.forEach { free($0) }
        }
        let ok = names.withUnsafeMutableBufferPointer { namesBuffer in
            values.withUnsafeMutableBufferPointer { valuesBuffer in
                response.body.withUnsafeBytes { body in
                    namesBuffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: namesBuffer.count) { n in
                        valuesBuffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: valuesBuffer.count) { v in
                            gh_respond(connection, UInt32(response.status), body.baseAddress, body.count, n, v, response.headers.count)
                        }
                    }
                }
            }
        }
        return ok != 0
    }

    private func send(_ stream: EventStream, _ response: HTTPResponse, _ connection: OpaquePointer) -> Bool {
        stream.attach(connection)
        streams.add(stream)
        var names = response.headers.map { strdup($0.0) }
        var values = response.headers.map { strdup($0.1) }
        defer {
            names.forEach { free($0) }
            values.forEach { free($0) }
        }
        let retained = Unmanaged.passRetained(stream).toOpaque()  // released by mhdStreamReleased
        let ok = names.withUnsafeMutableBufferPointer { namesBuffer in
            values.withUnsafeMutableBufferPointer { valuesBuffer in
                namesBuffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: namesBuffer.count) { n in
                    valuesBuffer.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: valuesBuffer.count) { v in
                        gh_respond_stream(
                            connection, UInt32(response.status), n, v, response.headers.count, stream.blockSize, mhdStreamReader,
                            retained, mhdStreamReleased)
                    }
                }
            }
        }
        return ok != 0
    }

    /// A request whose length can be read two ways (two different `Content-Length`s, or one
    /// beside `Transfer-Encoding`) is refused before its body is read: a proxy in front may
    /// have read it the other way, which is how requests are smuggled.
    static func ambiguousFraming(_ connection: OpaquePointer) -> String? {
        let box = HeaderCounts()
        _ = MHD_get_connection_values(connection, .HEADER_KIND, mhdHeaderCounter, Unmanaged.passUnretained(box).toOpaque())
        // Nearly every request has one; Foundation's trimming of it cost 4% of a `{ __typename }`.
        if box.contentLengths.count > 1, Set(box.contentLengths.map { $0.trimmingCharacters(in: .whitespaces) }).count > 1 {
            return "Conflicting Content-Length headers."
        }
        if !box.contentLengths.isEmpty && box.transferEncodings > 0 {
            return "Content-Length and Transfer-Encoding together."
        }
        return nil
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
        var buffer = [CChar](repeating: 0, count: 64)
        gh_client_address(connection, &buffer, socklen_t(buffer.count))
        return String(cString: buffer)
    }

    private func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> [String: String] {
        let box = ValuesBox()
        let context = Unmanaged.passUnretained(box).toOpaque()
        _ = MHD_get_connection_values(connection, kind, mhdValueIterator, context)
        return box.values
    }
}

/// What one request accumulates across libmicrohttpd's callbacks.
final class RequestState {
    var body: [UInt8] = []
    var tooLarge = false
    var answered = false
}

/// `Content-Length` values and `Transfer-Encoding` headers of one request, counted.
final class HeaderCounts {
    var contentLengths: [String] = []
    var transferEncodings = 0
}

final class ValuesBox {
    /// Room for a typical request's headers, so the table is not rebuilt as it fills.
    var values: [String: String] = Dictionary(minimumCapacity: 12)
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
