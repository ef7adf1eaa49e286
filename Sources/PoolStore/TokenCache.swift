import Foundation
import GRDB
import PoolDomain

/// API tokens verified in the last second, by digest.
///
/// Every API request is authenticated, and looking the token up was most of a small request's
/// cost (a reader checkout and a transaction for one indexed row). A verified token is kept for
/// `lifetime` seconds. Any committed change to `users` or `api_tokens` made by this server
/// (revoking a token, deactivating a user, changing a role) empties the cache at once, through
/// a transaction observer on the writer; a change made by another process on the same file is
/// seen within `lifetime`. Only successes are kept, so unknown tokens cannot fill it.
///
/// Guarded by an `NSLock`, as elsewhere in the project: ThreadSanitizer (in CI) sees through it.
public final class TokenCache: @unchecked Sendable {
    private let lock = NSLock()
    private var users: [TokenKey: (grant: TokenGrant, verifiedAt: ContinuousClock.Instant)] = [:]
    /// Bumped by every invalidation: a lookup that started before one may not store its
    /// (possibly stale) result.
    private var generation = 0
    private let lifetime: Duration
    private let capacity: Int

    public init(lifetime: Duration = .seconds(1), capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached grant if any, and the generation to pass to `store` after reading the database.
    func lookup(_ digest: TokenKey) -> (grant: TokenGrant?, generation: Int) {
        lock.withLock {
            guard let entry = users[digest], ContinuousClock.now - entry.verifiedAt < lifetime else {
                return (nil, generation)
            }
            return (entry.grant, generation)
        }
    }

    func store(_ grant: TokenGrant, for digest: TokenKey, readAt generation: Int) {
        lock.withLock {
            guard self.generation == generation else { return }
            if users.count >= capacity { users.removeAll(keepingCapacity: true) }
            users[digest] = (grant, ContinuousClock.now)
        }
    }

    /// The user and scope of a bearer token: from the cache, else from `read` (given the
    /// token's digest), kept when found. A text that cannot be a token is refused without a
    /// lookup. A kept grant whose token has expired by `now` is refused at once.
    public func grant(of token: String, at now: Date, read: (Data) throws -> TokenGrant?) rethrows -> TokenGrant? {
        guard token.hasPrefix(TokenDigest.prefix), token.utf8.count < 200 else { return nil }
        let digest = TokenDigest.key(token)
        let (cached, generation) = lookup(digest)
        if let cached { return cached.expiresAt.map { $0 > now } ?? true ? cached : nil }
        let grant = try read(digest.data)
        if let grant { store(grant, for: digest, readAt: generation) }
        return grant
    }

    public func invalidate() {
        lock.withLock {
            users.removeAll()
            generation += 1
        }
    }
}

/// Empties the token cache when a transaction that changed `users` or `api_tokens` commits.
final class TokenCacheInvalidation: TransactionObserver {
    private let cache: TokenCache
    private var changed = false

    init(_ cache: TokenCache) { self.cache = cache }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool {
        eventKind.tableName == "users" || eventKind.tableName == "api_tokens"
    }

    func databaseDidChange(with event: DatabaseEvent) {
        changed = true
        stopObservingDatabaseChangesUntilNextTransaction()
    }

    func databaseDidCommit(_ db: Database) {
        if changed { cache.invalidate() }
        changed = false
    }

    func databaseDidRollback(_ db: Database) { changed = false }
}
