/// HTML that is safe to send: every interpolated `String` is escaped; only the template's own
/// literal text and other `HTML` values go out as they are. Raw output is the explicit
/// `HTML(trusted:)`.
public struct HTML: ExpressibleByStringInterpolation, Sendable, Equatable {
    public private(set) var rendered: String

    public init(trusted: String) { rendered = trusted }

    public init(stringLiteral value: String) { rendered = value }

    public init(stringInterpolation: Interpolation) { rendered = stringInterpolation.output }

    public static let empty = HTML(trusted: "")

    public struct Interpolation: StringInterpolationProtocol {
        var output = ""

        public init(literalCapacity: Int, interpolationCount: Int) {
            output.reserveCapacity(literalCapacity + interpolationCount * 16)
        }

        public mutating func appendLiteral(_ literal: String) { output += literal }

        public mutating func appendInterpolation(_ text: String) { output += HTML.escape(text) }

        public mutating func appendInterpolation(_ text: String?) { output += HTML.escape(text ?? "") }

        public mutating func appendInterpolation(_ number: Int) { output += String(number) }

        public mutating func appendInterpolation(_ html: HTML) { output += html.rendered }

        public mutating func appendInterpolation(_ parts: [HTML]) { output += parts.map(\.rendered).joined() }
    }

    /// Escapes text for element content and quoted attribute values alike.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }
}

extension Array where Element == HTML {
    public func joined() -> HTML { HTML(trusted: map(\.rendered).joined()) }
}
