import CoreMetrics
import Foundation
import PoolDomain
import PoolStore

/// The store on PostgreSQL, for several gonghai instances on one database.
///
/// It runs the same SQL as the SQLite store where the store's logic is shared (`SQLSession`:
/// `OwnershipWrites`, `SQLCustomerFacts`, the settings queries and memos); what is its own is
/// how transactions isolate on a server where writers run side by side:
/// - every ownership change is one transaction (READ COMMITTED) whose write is conditional on
///   the owner read (`... WHERE owner_id IS NOT DISTINCT FROM ?`, checked by rows changed), so
///   of two instances racing for one customer exactly one wins;
/// - what a limit counts (a rep's owned and locked customers, today's claims from a pool) is read
///   after `pg_advisory_xact_lock(class, user)`, held until the change commits, so two claims
///   by one rep through two instances count one after the other and a limit holds. An advisory
///   lock rather than `SELECT … FOR UPDATE` on the user's row: it serializes exactly the
///   decisions that count against that user, never a reader or an edit of the user's profile;
/// - a transaction PostgreSQL aborts as a deadlock or serialization failure is run again.
public final class PostgresPoolDatabase: PoolDatabase, @unchecked Sendable {
    /// `pg_advisory_xact_lock`'s first key for per-user limit locks ("gh" in ASCII).
    static let userLockClass: Int64 = 0x6768

    let pool: PostgresConnectionPool
    public let clock: any TimeSource
    public let calendar: LocalCalendar
    let settingsMemo: TokenMemo<Settings>
    let directoryMemo: TokenMemo<Directory>
    /// The connection of the read snapshot this handle answers from (see `withReadSnapshot`);
    /// nil for the store itself.
    let snapshot: PinnedConnection?
    let ownershipChanges: [OwnershipEventKind: Counter]
    public let metrics: (any MetricsFactory)?
    /// The database's URL with its password hidden.
    public let location: String
    /// Recently verified API tokens (see `authenticate`).
    let tokens: TokenCache
    /// Seals webhook secrets at rest (see `SecretBox`).
    public let secrets: SecretBox

    /// Opens (and migrates) the database at `url`.
    /// - Parameters:
    ///   - connections: how many connections this instance keeps at most.
    ///   - statementTimeout: the longest one statement may run before PostgreSQL cancels it.
    public init(
        url: String, clock: any TimeSource = SystemTimeSource(), timeZone: TimeZone = .current, connections: Int = 16,
        statementTimeout: Duration = .seconds(30), statementObserver: (@Sendable (String) -> Void)? = nil,
        metrics: (any MetricsFactory)? = nil, tokenCacheLifetime: Duration = .seconds(1)
    ) throws {
        tokens = TokenCache(lifetime: tokenCacheLifetime)
        secrets = SecretBox()
        settingsMemo = TokenMemo<Settings>(token: \.settings)
        directoryMemo = TokenMemo<Directory>(token: \.directory)
        snapshot = nil
        let milliseconds = statementTimeout.components.seconds * 1000 + statementTimeout.components.attoseconds / 1_000_000_000_000_000
        pool = PostgresConnectionPool(
            conninfo: url, limit: connections, setup: ["SET statement_timeout = \(milliseconds)"], observer: statementObserver)
        self.clock = clock
        self.metrics = metrics
        location = DatabaseAddress(url).redacted
        calendar = LocalCalendar(timeZone: timeZone)
        ownershipChanges = OwnershipWrites<PostgresConnection>.counters(metrics)
        _ = try pool.withConnection { try PostgresMigrator.migrate($0) }
        let calendar = calendar
        _ = try writeTransaction { try DailyFacts($0, calendar: calendar).ensure() }
        _ = try refreshForecastsIfStale()
    }

    /// A handle on the same store whose reads all run on `snapshot`.
    init(_ store: PostgresPoolDatabase, snapshot: PinnedConnection) {
        pool = store.pool
        clock = store.clock
        calendar = store.calendar
        settingsMemo = store.settingsMemo
        directoryMemo = store.directoryMemo
        ownershipChanges = store.ownershipChanges
        metrics = store.metrics
        location = store.location
        tokens = store.tokens
        secrets = store.secrets
        self.snapshot = snapshot
    }

    public func close() { pool.close() }

    /// Runs `body` in one transaction, again (up to three times) when PostgreSQL aborts it as a
    /// deadlock or serialization failure, which only happens before anything is committed.
    public func writeTransaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        // A write inside a snapshot would not be seen by the snapshot's later reads.
        guard snapshot == nil else { throw PinnedConnection.Refused() }
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try pool.withConnection { connection in try connection.transaction(readingTokens: true) { try body(connection) } }
            } catch let error as PostgresError where error.isRetryable && attempt < 3 {
                continue
            }
        }
    }

    /// Runs `body` on a connection outside any transaction: each statement sees what was
    /// committed when it began.
    public func read<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        if let snapshot { return try body(snapshot.connection()) }
        return try pool.withConnection(body)
    }

    var nowMillis: Int64 { Timestamp.encode(clock.now()) }

    public func writes(_ connection: PostgresConnection) -> OwnershipWrites<PostgresConnection> {
        OwnershipWrites(connection, settings: settingsMemo, directory: directoryMemo, calendar: calendar, counters: ownershipChanges)
    }
}

extension PostgresPoolDatabase: ServingStore {
    /// One round trip on a pooled connection; a connection found broken is replaced, so this
    /// also tells when the database is back.
    public func checkHealth() throws {
        _ = try read { try $0.fetchOne("SELECT 1") { $0.int(0) } }
    }

    public func sizeInBytes() -> Int? {
        try? read { try $0.fetchOne("SELECT pg_database_size(current_database())") { $0.int(0) } }
    }
}
