/// The normalized forms used to find a second record of the same customer (查重).
///
/// "北京星辰科技有限公司", "北京 星辰科技（有限公司）" and "北京星辰科技" are one company;
/// "+86 138-0013-8000" and "13800138000" are one phone.
public struct DuplicateKeys: Sendable, Equatable {
    public let name: String
    public let phone: String?
    public let email: String?

    public init(name: String, phone: String?, email: String?) {
        self.name = Self.normalizeName(name)
        self.phone = phone.flatMap(Self.normalizePhone)
        self.email = email.flatMap(Self.normalizeEmail)
    }

    /// Legal-form suffixes that do not tell companies apart, longest first.
    static let legalSuffixes = [
        "股份有限公司", "有限责任公司", "集团有限公司", "有限公司", "分公司", "公司", "集团",
        "corporation", "incorporated", "company", "limited", "gmbh", "corp", "inc", "llc", "ltd",
        "plc", "co",
    ]

    public static func normalizeName(_ raw: String) -> String {
        var text = String(
            raw.lowercased().unicodeScalars.compactMap { scalar -> Character? in
                let folded = foldWidth(scalar)
                if folded.properties.isAlphabetic || folded.properties.numericType != nil {
                    return Character(folded)
                }
                return nil
            })
        var stripped = true
        while stripped {
            stripped = false
            for suffix in legalSuffixes where text.hasSuffix(suffix) && text.count > suffix.count {
                text.removeLast(suffix.count)
                stripped = true
            }
        }
        return text
    }

    public static func normalizePhone(_ raw: String) -> String? {
        var digits = String(raw.unicodeScalars.map(foldWidth).filter { ("0"..."9").contains($0) }.map(Character.init))
        if digits.hasPrefix("0086") { digits.removeFirst(4) }
        if digits.hasPrefix("86") && digits.count == 13 { digits.removeFirst(2) }
        return digits.count >= 5 ? digits : nil
    }

    public static func normalizeEmail(_ raw: String) -> String? {
        let trimmed = raw.trimmingWhitespace().lowercased()
        return trimmed.isEmpty ? nil : trimmed
    }

    /// Full-width ASCII (ＡＢＣ１２３, common in Chinese input) to its half-width form.
    private static func foldWidth(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        guard (0xFF01...0xFF5E).contains(scalar.value) else { return scalar }
        return Unicode.Scalar(scalar.value - 0xFEE0) ?? scalar
    }
}

extension String {
    /// Trims spaces and line breaks, ASCII and Unicode alike, without Foundation.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else {
            return ""
        }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
