/// A connection inside one of the store's transactions, as backend-neutral SQL needs it.
///
/// Statements are written once, with `?` placeholders and the SQL both SQLite and PostgreSQL
/// accept, and run on either backend: SQLite's `Database` (GRDB, statements cached per
/// connection, rows read by position through SQLite's C API) or a PostgreSQL connection
/// (placeholders numbered, statements prepared once per connection). What differs between the
/// backends (transactions, locks, dialect fragments) stays in each backend; what a query
/// means is written here once.
public protocol SQLSession: SendableMetatype {
    associatedtype Row: ColumnReader

    /// Which SQL this session speaks where the backends differ.
    static var dialect: SQLDialect { get }

    /// The rows of `sql`, decoded by position with `decode`.
    func fetchAll<T>(_ sql: String, _ arguments: [SQLValue], _ decode: (Row) throws -> T) throws -> [T]

    /// Runs `sql`; returns how many rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int

    /// Runs one `INSERT` into a table with an `id` key; returns the new row's id.
    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64

    /// How many rows this connection's statements have inserted, updated or deleted so far: a
    /// step that failed wrote nothing when the count did not move.
    var rowsWritten: Int { get }

    /// Runs `body` in a savepoint of the current transaction: when it throws, only its own
    /// writes are undone and the transaction goes on.
    func savepoint<T>(_ body: () throws -> T) throws -> T

    /// The change tokens the settings and directory memos check (`TokenMemo`). A backend whose
    /// every statement is a round trip keeps them for the rest of a transaction until it writes.
    func versionTokens() throws -> VersionTokens
}

extension SQLSession {
    public func fetchOne<T>(_ sql: String, _ arguments: [SQLValue] = [], _ decode: (Row) throws -> T) throws -> T? {
        try fetchAll(sql, arguments, decode).first
    }

    public func fetchOne<T>(_ sql: String, _ decode: (Row) throws -> T) throws -> T? {
        try fetchAll(sql, [], decode).first
    }

    public func fetchAll<T>(_ sql: String, _ decode: (Row) throws -> T) throws -> [T] {
        try fetchAll(sql, [], decode)
    }
}

/// A statement parameter.
public enum SQLValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    case null
    case int(Int64)
    case double(Double)
    case text(String)
    case blob([UInt8])

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }

    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: Int64) { self = .int(value) }
    /// Flags are stored as 0 and 1 on both backends.
    public init(_ value: Bool) { self = .int(value ? 1 : 0) }
    public init(_ value: String) { self = .text(value) }
    public init(_ value: Int64?) { self = value.map(SQLValue.int) ?? .null }
    public init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
}
