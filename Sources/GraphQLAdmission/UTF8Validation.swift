/// Whether bytes are well-formed UTF-8 as RFC 3629 defines it: no overlong forms, no
/// surrogates, nothing above U+10FFFF; exactly the bytes `String(decoding:as:)` keeps unchanged.
///
/// The standard library's `String(validating:as:)` answers the same, but given part of an
/// array it takes its generic path, which looks two types up in the runtime on every call;
/// for the two strings of a `{ __typename }` body that cost more than the rest of the parse.
/// Request bodies are checked here; the JSON writer checks column text with `sequenceLength`.
public enum UTF8Validation {
    public static func isValid(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            // Request text is nearly all ASCII: eight bytes at a time while no high bit is set.
            while index + 8 <= count, UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                index += 8
            }
            guard index < count else { return true }
            let lead = base[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            guard let length = sequenceLength(lead, at: index, in: bytes) else { return false }
            index += length
        }
        return true
    }

    /// The length of the well-formed sequence that `lead` (not ASCII) starts at `index`; nil
    /// when it is not one. The second byte's range depends on the lead (Table 3-7 of the
    /// Unicode Standard); the rest are continuation bytes. The JSON writer checks with it too.
    @inlinable
    public static func sequenceLength(_ lead: UInt8, at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: return nil
        }
        guard index + length <= bytes.count, (low...high).contains(bytes[index + 1]) else { return nil }
        for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return nil }
        return length
    }
}
