import PoolStore

/// Parameters are the store's `SQLValue`s, sent to PostgreSQL as text (the server parses each
/// by the type it infers for the parameter, as it would a literal).
public typealias PostgresValue = SQLValue

extension SQLValue {
    /// The parameter's text form, nil for SQL NULL.
    var text: String? {
        switch self {
        case .null: return nil
        case .int(let value): return String(value)
        case .double(let value): return "\(value)"
        case .text(let value): return value
        }
    }
}
