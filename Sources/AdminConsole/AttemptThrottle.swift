import Foundation
import PoolDomain

/// Sign-in attempts per client address in a sliding window, counted before any password is
/// hashed: a flood from one address costs a lookup, not a memory-hard hash per guess. (The
/// per-account lockout after five failures is the store's; this one guards the CPU.)
final class AttemptThrottle: @unchecked Sendable {
    let limit: Int
    let window: TimeInterval
    private let clock: any TimeSource
    private let lock = NSLock()
    private var attempts: [String: [Date]] = [:]

    init(limit: Int = 20, window: TimeInterval = 300, clock: any TimeSource) {
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Counts an attempt from `address`; nil when allowed, else the seconds until one is.
    func admit(_ address: String) -> Int? {
        let now = clock.now()
        return lock.withLock {
            if attempts.count > 10_000 { attempts = attempts.filter { $0.value.last.map { now.timeIntervalSince($0) < window } ?? false } }
            var recent = (attempts[address] ?? []).filter { now.timeIntervalSince($0) < window }
            guard recent.count < limit else {
                attempts[address] = recent
                return max(1, Int((window - now.timeIntervalSince(recent[0])).rounded(.up)))
            }
            recent.append(now)
            attempts[address] = recent
            return nil
        }
    }
}
