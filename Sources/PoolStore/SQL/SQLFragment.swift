/// A piece of SQL with its `?` parameters, for statements whose shape depends on the request
/// (a customer filter's conditions). Values are always bound, never spliced into the text, so
/// one statement text serves every value and is prepared once per connection.
public struct SQLFragment: ExpressibleByStringLiteral, Sendable {
    public var sql: String
    public var arguments: [SQLValue]

    public init(_ sql: String, _ arguments: [SQLValue] = []) {
        self.sql = sql
        self.arguments = arguments
    }

    public init(stringLiteral sql: String) { self.init(sql) }

    public static func + (left: SQLFragment, right: SQLFragment) -> SQLFragment {
        SQLFragment(left.sql + right.sql, left.arguments + right.arguments)
    }

    public static func += (left: inout SQLFragment, right: SQLFragment) { left = left + right }

    /// The conditions joined by AND; always true when there are none.
    public static func all(_ conditions: [SQLFragment]) -> SQLFragment {
        guard !conditions.isEmpty else { return "1 = 1" }
        return SQLFragment(conditions.map(\.sql).joined(separator: " AND "), conditions.flatMap(\.arguments))
    }
}

extension SQLSession {
    @discardableResult
    public func execute(_ fragment: SQLFragment) throws -> Int { try execute(fragment.sql, fragment.arguments) }

    public func fetchAll<T>(_ fragment: SQLFragment, _ decode: (Row) throws -> T) throws -> [T] {
        try fetchAll(fragment.sql, fragment.arguments, decode)
    }
}
