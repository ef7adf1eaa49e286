import Foundation
import PoolDomain

/// The operations that read or write a great deal at once (team and pool metrics, rule
/// previews, exports, imports) run a few at a time. One more is refused at once with
/// `PoolError.busy` (`BUSY`) instead of waiting on a worker thread: the server's threads stay
/// free for the cheap requests, whatever the reports cost. The server sets the limit below its
/// worker threads (`--heavy-operations`); one gate is shared by the console and the API.
public final class HeavyWork: @unchecked Sendable {
    public let limit: Int
    private let lock = NSLock()
    private var running = 0

    public init(limit: Int) { self.limit = max(1, limit) }

    /// Runs `body` in a free place, or refuses.
    public func run<T>(_ body: () throws -> T) throws -> T {
        try enter()
        defer { leave() }
        return try body()
    }

    /// Takes a place for work that ends elsewhere (a streamed export), or refuses; `leave` gives
    /// it back.
    public func enter() throws {
        let admitted = lock.withLock { () -> Bool in
            guard running < limit else { return false }
            running += 1
            return true
        }
        guard admitted else { throw PoolError.busy }
    }

    public func leave() { lock.withLock { running -= 1 } }
}
