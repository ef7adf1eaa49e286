import CLibPQ
import PoolStore
import Foundation

/// One libpq connection. libpq is blocking and a connection serves one thread at a time, so a
/// connection is always used by the thread that checked it out of `PostgresConnectionPool`.
///
/// Every statement with parameters is prepared once per connection (named by its text) and then
/// executed with `PQexecPrepared`: one round trip, no re-planning. A connection that reports a
/// failure of the connection itself is marked broken; the pool drops it and opens a new one.
public final class PostgresConnection: @unchecked Sendable {
    private let connection: OpaquePointer
    private var prepared: [String: String] = [:]
    /// Store SQL (`?` placeholders) by its text, numbered for PostgreSQL (see `SQLSession`).
    private var numberedTexts: [String: String] = [:]
    /// Set when libpq reports the connection unusable; the pool then closes it.
    public private(set) var isBroken = false
    /// Rows written through the store's statements (see `SQLSession.rowsWritten`).
    public internal(set) var rowsWritten = 0
    /// `settings_version`'s tokens as read in the current transaction, until it writes (a
    /// trigger may then have moved them) or ends: a request reads them once, not per memo.
    var transactionTokens: VersionTokens?
    /// A read snapshot's `BEGIN`, not sent yet: it travels with the snapshot's first statement
    /// (see `readSnapshot`).
    private var pendingBegin: String?
    /// A read-only snapshot's `COMMIT` was sent and its answer not read yet (see `readSnapshot`).
    private var commitInFlight = false
    /// Called with every statement run; tests count them.
    let observer: (@Sendable (String) -> Void)?

    /// Opens a connection described by a libpq connection string or `postgres://` URL. The
    /// password may come from the URL, `PGPASSWORD` or a `PGPASSFILE` (libpq reads both).
    public init(_ conninfo: String, observer: (@Sendable (String) -> Void)? = nil) throws {
        guard let connection = PQconnectdb(Self.withTimeouts(conninfo)) else {
            throw PostgresError(sqlState: nil, message: "libpq could not allocate a connection")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
            PQfinish(connection)
            throw PostgresError(sqlState: "08001", message: "cannot connect to PostgreSQL: \(message)")
        }
        // Notices ("already exists, skipping") would go to stderr, between log lines.
        PQsetNoticeProcessor(connection, { _, _ in }, nil)
        self.connection = connection
        self.observer = observer
    }

    deinit { PQfinish(connection) }

    /// A connection attempt to an unreachable host waits at most 5 s (libpq would wait for the
    /// operating system's TCP timeout, minutes), unless the address sets its own timeout.
    static func withTimeouts(_ conninfo: String) -> String {
        guard !conninfo.contains("connect_timeout") else { return conninfo }
        if conninfo.hasPrefix("postgres://") || conninfo.hasPrefix("postgresql://") {
            return conninfo + (conninfo.contains("?") ? "&" : "?") + "connect_timeout=5"
        }
        return conninfo + " connect_timeout=5"
    }

    /// Runs `sql` (one or more statements, no parameters) as a simple query: migrations, `SET`.
    public func run(_ sql: String) throws {
        try settle()
        transactionTokens = nil
        var sql = sql
        if let begin = pendingBegin {
            pendingBegin = nil
            observer?(begin)
            sql = begin + "; " + sql
        }
        observer?(sql)
        let result = PQexec(connection, sql)
        _ = try checked(result)
    }

    /// Runs one statement with parameters (`$1`, `$2`…), prepared on first use.
    @discardableResult
    public func query(_ sql: String, _ parameters: [PostgresValue] = []) throws -> PostgresResult {
        try settle()
        if let begin = pendingBegin {
            pendingBegin = nil
            return try pipelined(begin, sql, parameters)
        }
        observer?(sql)
        let name = try statement(for: sql, parameterCount: parameters.count)
        let texts = parameters.map(\.text)
        let result = withCStrings(texts) { values in
            PQexecPrepared(connection, name, Int32(values.count), values, nil, nil, 0)
        }
        return try checked(result)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    /// With `readingTokens`, the change tokens travel with `BEGIN` (see `begin(_:readingTokens:)`).
    @discardableResult
    public func transaction<T>(_ begin: String = "BEGIN", readingTokens: Bool = false, _ body: () throws -> T) throws -> T {
        try self.begin(begin, readingTokens: readingTokens)
        defer { transactionTokens = nil }
        do {
            let value = try body()
            try run("COMMIT")
            return value
        } catch {
            if !isBroken { try? run("ROLLBACK") }
            throw error
        }
    }

    /// Sends `begin`, and with `readingTokens` the read of `settings_version` in the same simple
    /// query: a request consults its memos at once, so the tokens cost no round trip of their own.
    private func begin(_ begin: String, readingTokens: Bool) throws {
        try settle()
        transactionTokens = nil
        guard readingTokens else { return try run(begin) }
        observer?(begin)
        observer?(VersionTokens.sql)
        let opened = try checked(PQexec(connection, begin + "; " + VersionTokens.sql))
        transactionTokens = opened.count > 0
            ? VersionTokens(settings: opened[0].int64(0), directory: opened[0].int64(1))
            : VersionTokens(settings: 0, directory: 0)
    }

    /// Runs `body` in a `REPEATABLE READ READ ONLY` transaction in fewer waits than `transaction`:
    /// `BEGIN` travels with the body's first statement (pipelined, `pipelined`), and `COMMIT` is
    /// sent without waiting for its answer, which is read before the connection's next statement.
    /// A compiled page is then one round trip instead of four. The snapshot's moment is its first
    /// statement's, as it is for any repeatable-read transaction in PostgreSQL. Nothing is lost
    /// by not waiting: a read-only transaction has nothing to make durable, and its `COMMIT`
    /// cannot fail in a way the reader could act on.
    @discardableResult
    public func readSnapshot<T>(_ body: () throws -> T) throws -> T {
        try settle()
        transactionTokens = nil
        pendingBegin = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
        defer {
            transactionTokens = nil
            pendingBegin = nil
        }
        do {
            let value = try body()
            // A body that read nothing never began.
            if pendingBegin == nil { commitWithoutWaiting() }
            return value
        } catch {
            if pendingBegin == nil, !isBroken { try? run("ROLLBACK") }
            throw error
        }
    }

    /// `BEGIN`, then `sql`, in one round trip (libpq's pipeline mode): how a read snapshot's
    /// first statement opens it. The statement is prepared in the same trip when it is new.
    private func pipelined(_ begin: String, _ sql: String, _ parameters: [PostgresValue]) throws -> PostgresResult {
        observer?(begin)
        observer?(sql)
        let known = prepared[sql]
        let name = known ?? "s\(prepared.count + 1)"
        guard PQenterPipelineMode(connection) == 1 else { throw PostgresError(sqlState: nil, message: connectionMessage()) }
        var sent = PQsendQueryParams(connection, begin, 0, nil, nil, nil, nil, 0) == 1
        if sent, known == nil { sent = PQsendPrepare(connection, name, sql, Int32(parameters.count), nil) == 1 }
        if sent {
            sent = withCStrings(parameters.map(\.text)) { values in
                PQsendQueryPrepared(connection, name, Int32(values.count), values, nil, nil, 0)
            } == 1
        }
        if sent { sent = PQpipelineSync(connection) == 1 }
        guard sent else {
            isBroken = true
            throw PostgresError(sqlState: "08006", message: connectionMessage())
        }
        // Every command's result, then the sync's, all read whatever failed, so the connection
        // leaves pipeline mode ready for its next statement.
        var results: [OpaquePointer?] = []
        for _ in 0..<(known == nil ? 3 : 2) {
            var first: OpaquePointer?
            while let result = PQgetResult(connection) {
                if first == nil { first = result } else { PQclear(result) }
            }
            results.append(first)
        }
        while let result = PQgetResult(connection) {
            let isSync = PQresultStatus(result) == PGRES_PIPELINE_SYNC
            PQclear(result)
            if isSync { break }
        }
        if PQexitPipelineMode(connection) != 1 { isBroken = true }
        var checkedResults: [PostgresResult] = []
        var failure: Error?
        for result in results {
            do { checkedResults.append(try checked(result)) } catch { failure = failure ?? error }
        }
        if let failure { throw failure }
        if known == nil { prepared[sql] = name }
        return checkedResults[checkedResults.count - 1]
    }

    private func commitWithoutWaiting() {
        observer?("COMMIT")
        if PQsendQuery(connection, "COMMIT") == 1 {
            commitInFlight = true
        } else {
            isBroken = true
        }
    }

    /// Reads the answer of a `COMMIT` sent without waiting. Usually it arrived long ago; after a
    /// lost connection this is where the connection is found broken.
    func settle() throws {
        guard commitInFlight else { return }
        commitInFlight = false
        var failure: Error?
        while let result = PQgetResult(connection) {
            do { _ = try checked(result) } catch { failure = failure ?? error }
        }
        if PQstatus(connection) != CONNECTION_OK { isBroken = true }
        if let failure { throw failure }
    }

    /// `sql` with its `?` placeholders numbered, computed once per text.
    func numbered(_ sql: String) -> String {
        if let known = numberedTexts[sql] { return known }
        let numbered = numberPlaceholders(sql)
        numberedTexts[sql] = numbered
        return numbered
    }

    /// Whether an idle connection still stands, asked without a round trip: an idle connection
    /// is sent nothing (no LISTEN here), so anything readable on its socket is the server's
    /// goodbye (a restart's "terminating connection", an idle timeout) or the socket's end.
    var isAlive: Bool {
        if commitInFlight { try? settle() }
        guard !isBroken, PQstatus(connection) == CONNECTION_OK else { return false }
        let socket = PQsocket(connection)
        guard socket >= 0 else { return false }
        var request = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) == 0
    }

    /// Whether a transaction is open and usable.
    var inTransaction: Bool { PQtransactionStatus(connection) == PQTRANS_INTRANS }

    /// Whether the connection is idle outside a transaction (what the pool expects back), or
    /// will be once its read snapshot's `COMMIT` is answered.
    var isIdle: Bool { commitInFlight || PQtransactionStatus(connection) == PQTRANS_IDLE }

    private func statement(for sql: String, parameterCount: Int) throws -> String {
        if let name = prepared[sql] { return name }
        let name = "s\(prepared.count + 1)"
        let result = PQprepare(connection, name, sql, Int32(parameterCount), nil)
        _ = try checked(result)
        prepared[sql] = name
        return name
    }

    /// The result, or the error it (or the connection) reports.
    private func checked(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            isBroken = PQstatus(connection) != CONNECTION_OK
            throw PostgresError(sqlState: isBroken ? "08006" : nil, message: connectionMessage())
        }
        let owned = PostgresResult(result)
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return owned
        default:
            let field = { (code: UInt8) -> String? in
                PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
            }
            let sqlState = field(UInt8(ascii: "C"))
            if PQstatus(connection) != CONNECTION_OK { isBroken = true }
            let message = field(UInt8(ascii: "M")) ?? connectionMessage()
            let error = PostgresError(sqlState: sqlState ?? (isBroken ? "08006" : nil), message: message, constraint: field(UInt8(ascii: "n")))
            if error.isConnectionFailure { isBroken = true }
            throw error
        }
    }

    private func connectionMessage() -> String {
        String(cString: PQerrorMessage(connection)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

/// Calls `body` with a C array of the strings (NULL for nil), valid only during the call.
private func withCStrings<T>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> T) -> T {
    let copies = strings.map { $0.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return body(copies.map { $0.map { UnsafePointer($0) } })
}
