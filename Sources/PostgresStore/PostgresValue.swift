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
        case .blob(let bytes):
            // bytea's hex input form.
            let digits = Array("0123456789abcdef".utf8)
            var hex = [UInt8](repeating: 0, count: 2 + bytes.count * 2)
            hex[0] = UInt8(ascii: "\\")
            hex[1] = UInt8(ascii: "x")
            for (index, byte) in bytes.enumerated() {
                hex[2 + index * 2] = digits[Int(byte >> 4)]
                hex[3 + index * 2] = digits[Int(byte & 0xF)]
            }
            return String(decoding: hex, as: UTF8.self)
        }
    }
}
