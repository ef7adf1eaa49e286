import PoolStore

/// A PostgreSQL connection as a `SQLSession`: the store's `?` placeholders numbered `$1, $2…`
/// once per statement text, then prepared once per connection like any other statement.
extension PostgresConnection: SQLSession {
    public typealias Row = PostgresRow
    public static var dialect: SQLDialect { .postgres }

    public func fetchAll<T>(_ sql: String, _ arguments: [SQLValue], _ decode: (PostgresRow) throws -> T) throws -> [T] {
        let result = try query(numbered(sql), arguments)
        var values: [T] = []
        values.reserveCapacity(result.count)
        for index in 0..<result.count { values.append(try decode(result[index])) }
        return values
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try query(numbered(sql), arguments).rowsChanged
    }

    /// The new id comes back in the same round trip.
    public func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        let result = try query(numbered(sql + " RETURNING id"), arguments)
        return result.count > 0 ? result[0].int64(0) : 0
    }
}

/// `sql` with each `?` outside quotes and comments replaced by `$1`, `$2`…
func numberPlaceholders(_ sql: String) -> String {
    var out = ""
    out.reserveCapacity(sql.utf8.count + 8)
    var number = 0
    var quote: Character?
    for character in sql {
        if let open = quote {
            if character == open { quote = nil }
            out.append(character)
        } else if character == "'" || character == "\"" {
            quote = character
            out.append(character)
        } else if character == "?" {
            number += 1
            out += "$\(number)"
        } else {
            out.append(character)
        }
    }
    return out
}
