import PoolDomain

/// A compiled read of one customer page (`CustomerStore.customerRows`), the same on both
/// backends: only the columns the request names, and the change tokens of the directory and the
/// settings in the same statement, so the memos the rows are looked up in need no statement of
/// their own. One statement is one moment on either backend, so the page needs no transaction.
public struct CustomerRowQueries<Session: SQLSession> {
    let session: Session
    let settingsMemo: TokenMemo<Settings>
    let directoryMemo: TokenMemo<Directory>

    public init(session: Session, settingsMemo: TokenMemo<Settings>, directoryMemo: TokenMemo<Directory>) {
        self.session = session
        self.settingsMemo = settingsMemo
        self.directoryMemo = directoryMemo
    }

    /// A memo changed between its last reading and the statement: read it and run again.
    private struct StaleMemo: Error {}

    public func rows(_ request: CustomerRowRequest, visit: (CustomerRow) throws -> Void) throws -> CustomerRowsEnd {
        var request = request
        // A search must not match what the pools mask, so it names the settings too.
        if request.query.filter.text != nil { request.settings = true }
        // A scope computed from the memos is checked against the statement's tokens too.
        let vouching = request.vouching ?? MemoTokens()
        if vouching.settings != nil { request.settings = true }
        if vouching.directory != nil { request.directory = true }
        // Every column, in `RowDecoding.customerColumns`' order (`CustomerRow.customer()`).
        if request.wholeCustomers { request.columns = Array(CustomerColumn.allCases.dropFirst()) }
        var positions = [Int32](repeating: -1, count: CustomerColumn.allCases.count)
        positions[CustomerColumn.id.rawValue] = 0
        for (offset, column) in request.columns.enumerated() { positions[column.rawValue] = Int32(2 + offset) }
        let tokens = Int32(2 + request.columns.count)
        // The sort key is the name's text when the page is ordered by name, else an integer.
        let byName = request.query.order.field == .name
        let kinds = [false, byName] + request.columns.map(\.isText)
        let needsTokens = request.directory || request.settings
        // A change between the memo's reading and the statement is rare; each retry reads the
        // memos afresh, so only a stream of administrative changes could keep it going.
        for _ in 0..<8 {
            let directory = request.directory ? try directoryMemo.latest() ?? reading(directoryMemo) : nil
            let settings = request.settings ? try settingsMemo.latest() ?? reading(settingsMemo) : nil
            let masked = settings.map { settings in MaskedPools(request.query.filter) { settings.value.pools } } ?? .none
            let shape = CustomerRow.Shape(
                positions: positions, byName: byName, directory: directory?.value,
                settings: settings?.value)
            var count = 0
            var checked = !needsTokens
            // Read whole before the first visit (see `PageRows`).
            let page = PageRows(kinds: kinds, rows: request.query.first)
            do {
                try session.fetchAll(statement(request, masked: masked)) { row -> Void in
                    if !checked {
                        // Before any visit: a stale memo restarts nothing half-written.
                        try Self.vouch(VersionTokens(settings: row.int64(tokens), directory: row.int64(tokens + 1)), vouching)
                        guard directory.map({ $0.token == row.int64(tokens + 1) }) ?? true,
                            settings.map({ $0.token == row.int64(tokens) }) ?? true
                        else { throw StaleMemo() }
                        checked = true
                    }
                    count += 1
                    guard count <= request.query.first else { return }
                    page.append(row)
                }
                try page.visit { row in try visit(CustomerRow(reader: row, shape: shape)) }
                // No row carried the tokens: an empty page checks them once more. Tokens are
                // random, so the same token after the page means no change before it.
                if count == 0, settings != nil || vouching != MemoTokens() {
                    let now = try session.versionTokens()
                    try Self.vouch(now, vouching)
                    if let settings, now.settings != settings.token { throw StaleMemo() }
                }
                return CustomerRowsEnd(rows: min(count, request.query.first), hasNextPage: count > request.query.first)
            } catch is StaleMemo {
                if request.directory { _ = try directoryMemo.value(session) }
                if request.settings { _ = try settingsMemo.value(session) }
            }
        }
        throw SettingsKeptChanging()
    }

    /// The statement saw other settings or users than the scope was computed from.
    private static func vouch(_ seen: VersionTokens, _ vouching: MemoTokens) throws {
        if let settings = vouching.settings, settings != seen.settings { throw ScopeMoved() }
        if let directory = vouching.directory, directory != seen.directory { throw ScopeMoved() }
    }

    /// A memo read with its token, when it has no reading yet.
    private func reading<Value>(_ memo: TokenMemo<Value>) throws -> (token: Int64, value: Value) {
        _ = try memo.value(session)
        return memo.latest()!
    }

    /// Answered as `UNAVAILABLE`: the client may simply try again.
    public struct SettingsKeptChanging: StoreFaultReporting {
        public var storeFault: StoreFault? { .unavailable }
    }

    /// The column list written into one string: building it as an array of strings joined
    /// (and the statement as fragments added together) was a fifteenth of a page's instructions.
    private func statement(_ request: CustomerRowRequest, masked: MaskedPools) -> SQLFragment {
        var columns = "id, "
        columns.reserveCapacity(160)
        columns += CustomerQueries<Session>.orderKey(request.query.order)
        columns += " AS sort_key"
        for column in request.columns {
            columns += ", "
            columns += column.sql
        }
        if request.directory || request.settings {
            // Uncorrelated: each database evaluates it once per statement, not per row.
            columns += ", (SELECT token FROM settings_version), (SELECT directory_token FROM settings_version)"
        }
        return CustomerQueries(session).pageStatement(request.query, masked: masked, selecting: columns)
    }
}
