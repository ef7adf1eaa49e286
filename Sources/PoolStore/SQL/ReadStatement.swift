import GRDB
import GRDBSQLite

/// A cached statement that only reads, bound and stepped through SQLite's C API.
///
/// GRDB's way there builds `StatementArguments` and a cursor through generic code, which runs
/// unspecialized outside GRDB and looks types up in the Swift runtime on every call: for a
/// page's one statement that was about 8k instructions and 280 instruction-cache misses, more
/// than SQLite spends stepping a row. Statements that write keep GRDB's way, which its
/// transaction observers (the token cache's invalidation among them) rely on.
struct ReadStatement {
    let statement: Statement

    /// Whether `statement` may be stepped here: SQLite says it cannot write.
    static func admits(_ statement: Statement) -> Bool { statement.isReadonly }

    func fetchAll<T>(binding values: [SQLValue], _ decode: (Columns) throws -> T) throws -> [T] {
        let handle = statement.sqliteStatement
        // Whatever an earlier use left half-stepped starts over; nothing stays stepped (an
        // unfinished read keeps its snapshot) or bound (a copy of each text) afterwards.
        sqlite3_reset(handle)
        defer {
            sqlite3_reset(handle)
            sqlite3_clear_bindings(handle)
        }
        try bind(values, handle)
        let columns = Columns(statement: handle)
        var rows: [T] = []
        while true {
            switch sqlite3_step(handle) {
            case SQLITE_ROW: rows.append(try decode(columns))
            case SQLITE_DONE: return rows
            case let code: throw failure(code, handle)
            }
        }
    }

    private func bind(_ values: [SQLValue], _ handle: SQLiteStatement) throws {
        guard values.count == Int(sqlite3_bind_parameter_count(handle)) else {
            throw DatabaseError(
                resultCode: .SQLITE_MISUSE, message: "wrong number of statement arguments: \(values.count)", sql: statement.sql)
        }
        for (offset, value) in values.enumerated() {
            let code = Self.bind(value, at: Int32(offset + 1), handle)
            guard code == SQLITE_OK else { throw failure(code, handle) }
        }
    }

    /// SQLite copies texts and blobs (`SQLITE_TRANSIENT`); an empty one is bound as empty, not
    /// as the NULL a missing pointer would mean. A text ends at its first NUL, as GRDB binds it
    /// (a C string) for the writes and libpq sends it to PostgreSQL: a search for `00\u{0}` is a
    /// search for `00` everywhere, and no NUL reaches FTS5's query syntax, which rejects it.
    private static func bind(_ value: SQLValue, at index: Int32, _ handle: SQLiteStatement) -> Int32 {
        switch value {
        case .null: return sqlite3_bind_null(handle, index)
        case .int(let number): return sqlite3_bind_int64(handle, index, number)
        case .double(let number): return sqlite3_bind_double(handle, index, number)
        case .text(var text):
            return text.withUTF8 { bytes in
                let length = bytes.firstIndex(of: 0) ?? bytes.count
                guard let base = bytes.baseAddress, length > 0 else { return sqlite3_bind_text(handle, index, "", 0, transient) }
                return base.withMemoryRebound(to: CChar.self, capacity: length) {
                    sqlite3_bind_text(handle, index, $0, Int32(length), transient)
                }
            }
        case .blob(let bytes):
            guard !bytes.isEmpty else { return sqlite3_bind_zeroblob(handle, index, 0) }
            return bytes.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), transient) }
        }
    }

    private func failure(_ code: Int32, _ handle: SQLiteStatement) -> DatabaseError {
        DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(sqlite3_db_handle(handle))),
            sql: statement.sql)
    }
}

/// SQLite's `SQLITE_TRANSIENT`, a macro Swift cannot import: copy the value before returning.
private let transient = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)
