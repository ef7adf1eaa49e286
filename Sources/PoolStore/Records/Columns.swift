import GRDB
import GRDBSQLite

/// The current row of a stepping statement, read by position through SQLite's C API.
///
/// GRDB's `Row` looks columns up by name (lowercasing the name for each value) and decodes
/// through generic conversions whose metadata is instantiated per call; for a page of customers
/// that cost more than SQLite's own work. Every hot read selects an explicit column list (see
/// `RowDecoding`) and decodes it here with no copies or lookups.
public struct Columns: ColumnReader {
    let statement: SQLiteStatement

    public func int64(_ index: Int32) -> Int64 { sqlite3_column_int64(statement, index) }

    public func isNull(_ index: Int32) -> Bool { sqlite3_column_type(statement, index) == SQLITE_NULL }

    public func text(_ index: Int32) -> String {
        guard let bytes = sqlite3_column_text(statement, index) else { return "" }
        let count = Int(sqlite3_column_bytes(statement, index))
        return String(decoding: UnsafeBufferPointer(start: bytes, count: count), as: UTF8.self)
    }

    public func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> {
        optionalBytes(index) ?? UnsafeBufferPointer(start: nil, count: 0)
    }

    /// SQLite answers a NULL text with no pointer, and an empty one with a pointer to its NUL.
    public func optionalBytes(_ index: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let bytes = sqlite3_column_text(statement, index) else { return nil }
        return UnsafeBufferPointer(start: bytes, count: Int(sqlite3_column_bytes(statement, index)))
    }

    /// For values whose type depends on the query (sort keys).
    func value(_ index: Int32) -> DatabaseValue { DatabaseValue(sqliteStatement: statement, index: index) }
}

extension Database {
    /// Steps a cached statement and decodes each row with `decode`.
    func fetchAll<T>(
        cachedSQL sql: String, arguments: StatementArguments = StatementArguments(), as decode: (Columns) throws -> T
    ) throws -> [T] {
        try Self.collect(cachedStatement(sql: sql), arguments, decode)
    }

    func fetchOne<T>(
        cachedSQL sql: String, arguments: StatementArguments = StatementArguments(), as decode: (Columns) throws -> T
    ) throws -> T? {
        try Self.collect(cachedStatement(sql: sql), arguments, decode, limit: 1).first
    }

    /// The same for SQL built by interpolation (its text is the cache key, so it must bind
    /// every value as an argument, as `SQL` interpolation does).
    func fetchAll<T>(_ sql: SQL, as decode: (Columns) throws -> T) throws -> [T] {
        let (text, arguments) = try sql.build(self)
        return try Self.collect(cachedStatement(sql: text), arguments, decode)
    }

    static func collect<T>(
        _ statement: Statement, _ arguments: StatementArguments, _ decode: (Columns) throws -> T, limit: Int = .max
    ) throws -> [T] {
        let cursor = try Step.fetchCursor(statement, arguments: arguments)
        let columns = Columns(statement: statement.sqliteStatement)
        var values: [T] = []
        while values.count < limit, try cursor.next() != nil {
            values.append(try decode(columns))
        }
        return values
    }
}

/// A column value that reads nothing. A cursor of it only steps its statement, leaving each
/// row to `Columns`: GRDB's row cursor built a table of lowercased column names for every
/// query, a tenth of a page's decoding.
private struct Step: DatabaseValueConvertible, StatementColumnConvertible {
    init() {}
    init?(sqliteStatement: SQLiteStatement, index: CInt) {}
    static func fromStatement(_ sqliteStatement: SQLiteStatement, atUncheckedIndex index: CInt) -> Step? { Step() }
    var databaseValue: DatabaseValue { .null }
    static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Step? { Step() }
}
