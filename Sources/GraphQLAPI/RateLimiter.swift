import Foundation
import PoolDomain

/// A token bucket per API token: `burst` requests at once, refilled at `perMinute` a minute.
/// In memory and per server; a refused request says when to come back (Retry-After).
public final class RateLimiter: @unchecked Sendable {
    public let perMinute: Int
    public let burst: Int
    let clock: any TimeSource
    private let lock = NSLock()
    private var buckets: [String: (tokens: Double, updated: Date)] = [:]

    public init(perMinute: Int, burst: Int? = nil, clock: any TimeSource) {
        self.perMinute = perMinute
        self.burst = burst ?? max(1, perMinute / 6)
        self.clock = clock
    }

    /// nil when the request may go ahead, else the seconds to wait.
    func admit(_ key: String) -> Int? {
        guard perMinute > 0 else { return nil }
        let now = clock.now()
        let rate = Double(perMinute) / 60
        return lock.withLock {
            var bucket = buckets[key] ?? (Double(burst), now)
            bucket.tokens = min(Double(burst), bucket.tokens + now.timeIntervalSince(bucket.updated) * rate)
            bucket.updated = now
            defer {
                buckets[key] = bucket
                if buckets.count > 100_000 { buckets = buckets.filter { now.timeIntervalSince($0.value.updated) < 120 } }
            }
            guard bucket.tokens >= 1 else { return Int(((1 - bucket.tokens) / rate).rounded(.up)) }
            bucket.tokens -= 1
            return nil
        }
    }
}
