import CoreMetrics
import Foundation
import GRDB
import PoolDomain

/// The embedded default backend: one SQLite file in WAL mode through GRDB's `DatabasePool`
/// (one writer, concurrent readers; other processes may use the same file).
public final class SQLitePoolDatabase: PoolDatabase, @unchecked Sendable {
    /// What every handle on one file shares: the store itself and the snapshots opened on it.
    final class Shared: @unchecked Sendable {
        let pool: DatabasePool
        let clock: any TimeSource
        let calendar: LocalCalendar
        let metrics: (any MetricsFactory)?
        let ownershipChanges: [OwnershipEventKind: Counter]
        let path: String
        let tokens: TokenCache
        let settingsMemo = TokenMemo<Settings>(token: \.settings)
        let directoryMemo = TokenMemo<Directory>(token: \.directory)
        let threadReaders: ThreadReaders
        /// The statement time limit (see `StatementDeadlines`).
        let deadlines: StatementDeadlines
        let lifetime = LifetimeGate()
        /// Held while this process sweeps (see `exclusively`).
        let sweeping = NSLock()
        /// Seals webhook secrets at rest (see `SecretBox`).
        let secrets = SecretBox()

        init(
            pool: DatabasePool, clock: any TimeSource, calendar: LocalCalendar, metrics: (any MetricsFactory)?,
            ownershipChanges: [OwnershipEventKind: Counter], path: String, tokens: TokenCache, threadReaders: ThreadReaders,
            deadlines: StatementDeadlines
        ) {
            self.deadlines = deadlines
            self.pool = pool
            self.clock = clock
            self.calendar = calendar
            self.metrics = metrics
            self.ownershipChanges = ownershipChanges
            self.path = path
            self.tokens = tokens
            self.threadReaders = threadReaders
        }
    }

    let shared: Shared
    /// The read transaction this handle answers from, when it is a snapshot handle (see
    /// `withReadSnapshot`); nil for the store itself.
    let snapshot: ReadSnapshot?

    var pool: DatabasePool { shared.pool }
    public var clock: any TimeSource { shared.clock }
    /// The team's calendar: "N days" in rules count its dates.
    public var calendar: LocalCalendar { shared.calendar }
    /// Where ownership changes and sweep runs are counted (a server's own Prometheus registry).
    public var metrics: (any MetricsFactory)? { shared.metrics }
    /// `gonghai_ownership_changes_total` by kind, made once: looking a counter up in the
    /// registry on every change cost a claim more than its event INSERT.
    var ownershipChanges: [OwnershipEventKind: Counter] { shared.ownershipChanges }
    public var path: String { shared.path }
    /// Recently verified API tokens (see `TokenCache`).
    var tokens: TokenCache { shared.tokens }
    public var secrets: SecretBox { shared.secrets }
    var settingsMemo: TokenMemo<Settings> { shared.settingsMemo }
    var directoryMemo: TokenMemo<Directory> { shared.directoryMemo }
    /// Read connections kept by the threads that read (see `ThreadReaders`).
    var threadReaders: ThreadReaders { shared.threadReaders }
    /// Every operation runs inside it; `close` waits for them (see `LifetimeGate`).
    var lifetime: LifetimeGate { shared.lifetime }

    /// - Parameters:
    ///   - statementObserver: called with every SQL statement run; tests count them.
    ///   - tokenCacheLifetime: how long a verified API token is trusted without a lookup; the
    ///     longest a change made by another process can take to be seen.
    public init(
        path: String, clock: any TimeSource = SystemTimeSource(), timeZone: TimeZone = .current,
        statementObserver: (@Sendable (String) -> Void)? = nil, metrics: (any MetricsFactory)? = nil,
        tokenCacheLifetime: Duration = .seconds(1), statementTimeout: Duration? = nil
    ) throws {
        let tokens = TokenCache(lifetime: tokenCacheLifetime)
        let deadlines = StatementDeadlines(limit: statementTimeout)
        let ownershipChanges = OwnershipWrites<Database>.counters(metrics)
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.maximumReaderCount = max(4, ProcessInfo.processInfo.activeProcessorCount * 2)
        configuration.prepareDatabase { db in
            try db.execute(cachedSQL: "PRAGMA synchronous = NORMAL")
            // Deleted and overwritten content is zeroed in the file, so an erased customer's
            // old name or phone number does not linger in free space (erasure, retention).
            try db.execute(cachedSQL: "PRAGMA secure_delete = ON")
            deadlines.install(on: db)
            if let statementObserver {
                db.trace { statementObserver($0.expandedDescription) }
            }
        }
        let pool = try DatabasePool(path: path, configuration: configuration)
        var readOnly = configuration
        readOnly.readonly = true
        let threadReaders = ThreadReaders(limit: 64) { try DatabaseQueue(path: path, configuration: readOnly) }
        shared = Shared(
            pool: pool, clock: clock, calendar: LocalCalendar(timeZone: timeZone), metrics: metrics,
            ownershipChanges: ownershipChanges, path: path, tokens: tokens, threadReaders: threadReaders, deadlines: deadlines)
        snapshot = nil
        try Migrations.migrator.migrate(pool)
        pool.add(transactionObserver: TokenCacheInvalidation(tokens), extent: .databaseLifetime)
        let calendar = shared.calendar
        // Maintenance as the store opens runs without the statement time limit: counting the
        // facts of a million customers' history for the first time takes a minute.
        _ = try writeTransaction(bounded: false) { try DailyFacts($0, calendar: calendar).ensure() }
        _ = try refreshForecastsIfStale()
    }

    /// A handle whose every read answers from `snapshot`.
    init(_ shared: Shared, snapshot: ReadSnapshot) {
        self.shared = shared
        self.snapshot = snapshot
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction: the write lock is taken before the first
    /// read, so the facts a decision reads cannot change before its conditional write.
    public func writeTransaction<T>(_ body: (Database) throws -> T) throws -> T {
        try writeTransaction(bounded: true, body)
    }

    func writeTransaction<T>(bounded: Bool, _ body: (Database) throws -> T) throws -> T {
        // A write inside a snapshot would not be seen by the snapshot's later reads.
        guard snapshot == nil else { throw ReadSnapshot.Refused() }
        let deadlines = shared.deadlines
        return try lifetime.run {
            try pool.writeWithoutTransaction { db in
                var result: T?
                try db.inTransaction(.immediate) {
                    result = bounded ? try deadlines.bounded(db) { try body(db) } : try body(db)
                    return .commit
                }
                return result!
            }
        }
    }

    /// Runs on this handle's snapshot when it is one (see `ReadSnapshot`).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        try read(transaction: true, body)
    }

    /// A read whose statements each stand alone, as on PostgreSQL outside a snapshot: for reads
    /// that vouch for their own moment (`CustomerRowQueries`), the transaction's `BEGIN` and
    /// `COMMIT` are two statements for nothing. In a snapshot it reads the snapshot's moment.
    func readEachStatementAlone<T>(_ body: (Database) throws -> T) throws -> T {
        try read(transaction: false, body)
    }

    private func read<T>(transaction: Bool, _ body: (Database) throws -> T) throws -> T {
        let deadlines = shared.deadlines
        return try withoutActuallyEscaping(body) { body in
            let bounded = { (db: Database) throws -> T in try deadlines.bounded(db) { try body(db) } }
            if let snapshot { return try bounded(snapshot.connection()) }
            return try lifetime.run {
                if let value = try threadReaders.read(transaction: transaction, bounded) { return value }
                return try pool.read(bounded)
            }
        }
    }

    var nowMillis: Int64 { Timestamp.encode(clock.now()) }

    /// Closes the file cleanly; used by graceful shutdown. Waits for operations in flight and
    /// refuses later ones with `StoreClosedError` (see `LifetimeGate`), then closes in one
    /// order on this thread: the threads' read connections, then GRDB's pool. GRDB closes the
    /// writer before the read-only readers, so the last connection to close cannot checkpoint:
    /// checkpoint first, leaving an empty write-ahead log and a database file that holds
    /// everything. A second call does nothing.
    public func close() throws {
        guard snapshot == nil else { throw ReadSnapshot.Refused() }
        try lifetime.close {
            try threadReaders.close()
            _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) }
            try pool.close()
        }
    }
}

extension SQLitePoolDatabase {
    /// Raw read access for tests and tools that check invariants with their own SQL.
    public func readForTests<T>(_ body: (Database) throws -> T) throws -> T {
        try lifetime.run { try pool.read(body) }
    }
}

extension SQLitePoolDatabase {
    /// Raw write access for tests that prove the schema's constraints hold on their own.
    public func writeForTests(_ body: (Database) throws -> Void) throws {
        try lifetime.run { try pool.write(body) }
    }
}

extension SQLitePoolDatabase {
    /// Copies the database to `destination` with SQLite's online backup API while the server
    /// keeps serving: the copy is one consistent snapshot including every committed write.
    public func backup(to destination: String) throws {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw PoolError.invalidInput(field: "to", message: "\(destination) exists; choose a new file")
        }
        try lifetime.run {
            let target = try DatabaseQueue(path: destination)
            try pool.backup(to: target)
            try target.close()
        }
    }
}

extension SQLitePoolDatabase: ServingStore {
    public func checkHealth() throws {
        _ = try read { db in try db.fetchOne("SELECT 1", []) { $0.int(0) } }
    }

    /// The database file and its write-ahead log.
    public func sizeInBytes() -> Int? {
        ["", "-wal"].compactMap { try? FileManager.default.attributesOfItem(atPath: path + $0)[.size] as? Int }.reduce(0, +)
    }

    public var location: String { path }
}
