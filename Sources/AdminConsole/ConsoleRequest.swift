import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// One console request after sign-in: who, in which language and time zone, with the
/// session's CSRF token for the forms the page renders.
struct ConsoleRequest {
    let http: HTTPRequest
    let form: Form
    let user: User
    let actor: Actor
    let csrf: String
    let language: Language
    let timeZone: TimeZone
    let path: [String]

    /// What the user may do: pages offer only these (the operations decide the same way).
    var can: Capabilities { Capabilities(of: actor) }

    func t(_ english: String) -> String { language.t(english) }

    func query(_ name: String) -> String? {
        guard let value = http.queryArguments[name], !value.isEmpty else { return nil }
        return value
    }

    /// `2026-11-23 14:05` in the viewer's time zone.
    func format(_ date: Date?) -> String {
        guard let date else { return "–" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: date)
    }

    /// The hidden CSRF field every form carries.
    var csrfField: HTML { "<input type=\"hidden\" name=\"_csrf\" value=\"\(csrf)\">" }
}

extension ConsoleRequest {
    /// The captured segments when the method and the path below the section match `pattern`
    /// (segments separated by `/`; `*` captures one segment; "" is the section itself).
    func route(_ method: String, _ pattern: String) -> [String]? {
        guard http.method == method else { return nil }
        let rest = Array(path.dropFirst())
        let parts = pattern.isEmpty ? [] : pattern.split(separator: "/").map(String.init)
        guard parts.count == rest.count else { return nil }
        var captured: [String] = []
        for (expected, actual) in zip(parts, rest) {
            if expected == "*" { captured.append(actual) } else if expected != actual { return nil }
        }
        return captured
    }
}
