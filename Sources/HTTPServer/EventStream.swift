import CMicroHTTPD
import Foundation

/// A response body written while the connection stays open: Server-Sent Events, and large
/// downloads written as they are read (a CSV export), which wait for the socket instead of
/// piling up in memory (`send(_:waitingBelow:)`).
///
/// The writer (any thread) `send`s bytes and finally `finish`es. libmicrohttpd reads them from
/// its worker thread as the socket takes them; when nothing is waiting, the connection is
/// suspended (it leaves the event loop, holds no thread and does not time out) and `send`
/// resumes it. A stream never blocks a worker thread, however long it stays open.
public final class EventStream: @unchecked Sendable {
    private let lock = NSCondition()
    private var pending: [UInt8] = []
    private var finished = false
    private var closed = false
    private var suspended = false
    private var connection: OpaquePointer?
    private var closeHandlers: [@Sendable () -> Void] = []

    /// The most bytes libmicrohttpd asks for at once.
    public let blockSize: Int

    public init(blockSize: Int = 4096) { self.blockSize = blockSize }

    /// Queues `bytes`; false once the connection is gone (the client left or the server stopped).
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        lock.withLock {
            guard !closed, !finished else { return false }
            pending.append(contentsOf: bytes)
            wake()
            return true
        }
    }

    /// Queues `bytes` once fewer than `limit` bytes are waiting for the socket, so a producer
    /// faster than the client holds at most about `limit` bytes: blocks the calling thread
    /// (never one of the server's). False once the connection is gone.
    @discardableResult
    public func send(_ bytes: [UInt8], waitingBelow limit: Int) -> Bool {
        lock.withLock {
            while pending.count >= limit && !closed && !finished { lock.wait() }
            guard !closed, !finished else { return false }
            pending.append(contentsOf: bytes)
            wake()
            return true
        }
    }

    /// Ends the stream once what is queued has been sent.
    public func finish() {
        lock.withLock {
            guard !finished else { return }
            finished = true
            lock.broadcast()
            wake()
        }
    }

    /// Whether the connection has ended.
    public var isClosed: Bool { lock.withLock { closed } }

    /// Runs `handler` once the connection ends, or at once if it has.
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let now = lock.withLock { () -> Bool in
            if closed { return true }
            closeHandlers.append(handler)
            return false
        }
        if now { handler() }
    }

    private func wake() {
        guard suspended, let connection else { return }
        suspended = false
        MHD_resume_connection(connection)
    }

    // MARK: Called by HTTPServer on libmicrohttpd's threads

    func attach(_ connection: OpaquePointer) { lock.withLock { self.connection = connection } }

    /// Copies up to `max` queued bytes into `buffer`: their count, 0 after suspending the
    /// connection (nothing queued yet), or -1 at the end of the stream.
    func read(into buffer: UnsafeMutablePointer<CChar>, max: Int) -> Int {
        lock.withLock {
            if !pending.isEmpty {
                let count = min(max, pending.count)
                pending.withUnsafeBufferPointer { source in
                    buffer.withMemoryRebound(to: UInt8.self, capacity: count) { $0.update(from: source.baseAddress!, count: count) }
                }
                pending.removeFirst(count)
                lock.broadcast()
                return count
            }
            if finished || connection == nil { return Int(gh_end_of_stream()) }
            suspended = true
            MHD_suspend_connection(connection)
            return 0
        }
    }

    /// The response is done: the client left, the stream finished, or the daemon stopped.
    func released() {
        let handlers = lock.withLock { () -> [@Sendable () -> Void] in
            closed = true
            connection = nil
            lock.broadcast()
            defer { closeHandlers = [] }
            return closeHandlers
        }
        handlers.forEach { $0() }
    }
}
