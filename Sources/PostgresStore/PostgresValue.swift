/// A statement parameter, sent to PostgreSQL as text (the server parses it by the parameter's
/// inferred type, as it would a literal).
public enum PostgresValue: Sendable, Equatable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByNilLiteral {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    public init(stringLiteral value: String) { self = .text(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(nilLiteral: ()) { self = .null }

    public init(_ value: Int) { self = .int(Int64(value)) }
    public init(_ value: Int64) { self = .int(value) }
    public init(_ value: Bool) { self = .int(value ? 1 : 0) }
    public init(_ value: String) { self = .text(value) }
    public init(_ value: Int64?) { self = value.map(PostgresValue.int) ?? .null }
    public init(_ value: String?) { self = value.map(PostgresValue.text) ?? .null }

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
