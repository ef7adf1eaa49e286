import Foundation
import GRDB

/// SQLite's connection as a `SQLSession`: cached statements, rows read by position.
extension Database: SQLSession {
    public typealias Row = Columns
    public static var dialect: SQLDialect { .sqlite }

    /// A read goes straight to SQLite (`ReadStatement`); a statement that writes, through GRDB.
    public func fetchAll<T>(_ sql: String, _ arguments: [SQLValue], _ decode: (Columns) throws -> T) throws -> [T] {
        let statement = try cachedStatement(sql: sql)
        guard ReadStatement.admits(statement) else { return try Self.collect(statement, Self.arguments(arguments), decode) }
        return try ReadStatement(statement: statement).fetchAll(binding: arguments, decode)
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try execute(cachedSQL: sql, arguments: Self.arguments(arguments))
        return changesCount
    }

    /// SQLite reports the new row's id itself, without a RETURNING clause's result table.
    public func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        try execute(cachedSQL: sql, arguments: Self.arguments(arguments))
        return lastInsertedRowID
    }

    public var rowsWritten: Int { totalChangesCount }

    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        var value: T?
        try inSavepoint {
            value = try body()
            return .commit
        }
        return value!
    }

    /// Built through GRDB's existential initializer on purpose: the `[DatabaseValue]` one maps
    /// with a key path, which is instantiated on every call (2% of a page's CPU in a profile).
    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .null: return nil
            case .int(let number): return number
            case .double(let number): return number
            case .text(let text): return text
            case .blob(let bytes): return Data(bytes)
            }
        })
    }
}
