import PoolStore

/// A PostgreSQL connection as a `SQLSession`: the store's `?` placeholders numbered `$1, $2…`
/// once per statement text, then prepared once per connection like any other statement.
extension PostgresConnection: SQLSession {
    public typealias Row = PostgresRow
    public static var dialect: SQLDialect { .postgres }

    public func fetchAll<T>(_ sql: String, _ arguments: [SQLValue], _ decode: (PostgresRow) throws -> T) throws -> [T] {
        let result = try query(numbered(sql), arguments)
        if result.command != "SELECT" {  // a write with RETURNING
            transactionTokens = nil
            if ["INSERT", "UPDATE", "DELETE"].contains(result.command) { rowsWritten += result.rowsChanged }
        }
        var values: [T] = []
        values.reserveCapacity(result.count)
        for index in 0..<result.count { values.append(try decode(result[index])) }
        return values
    }

    @discardableResult
    public func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let result = try query(numbered(sql), arguments)
        // A write may fire a trigger that moves the tokens; a SELECT (an advisory lock) cannot.
        if result.command != "SELECT" { transactionTokens = nil }
        let changed = result.rowsChanged
        if changed > 0, ["INSERT", "UPDATE", "DELETE"].contains(result.command) { rowsWritten += changed }
        return changed
    }

    /// Kept for the rest of a transaction until it writes; read afresh outside one.
    public func versionTokens() throws -> VersionTokens {
        if let kept = transactionTokens { return kept }
        let tokens = try readVersionTokens()
        if inTransaction { transactionTokens = tokens }
        return tokens
    }

    /// `SAVEPOINT`, then `RELEASE` or `ROLLBACK TO`: after an error PostgreSQL refuses the rest
    /// of a transaction unless the savepoint is rolled back.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        try run("SAVEPOINT gonghai_step")
        do {
            let value = try body()
            try run("RELEASE SAVEPOINT gonghai_step")
            return value
        } catch {
            if !isBroken { try run("ROLLBACK TO SAVEPOINT gonghai_step; RELEASE SAVEPOINT gonghai_step") }
            throw error
        }
    }

    /// The new id comes back in the same round trip.
    public func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        transactionTokens = nil
        let result = try query(numbered(sql + " RETURNING id"), arguments)
        rowsWritten += result.rowsChanged
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
