import Foundation

/// Where the data lives, as `--database` (or `GONGHAI_DATABASE`) gives it: a SQLite file path,
/// or a `postgres://` / `postgresql://` URL for several instances on one PostgreSQL.
///
/// A URL's password may be in the URL, in `PGPASSWORD` or in a `PGPASSFILE` (libpq reads the
/// last two itself); whatever is shown or logged is `redacted`.
public enum DatabaseAddress: Equatable, Sendable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public init(_ text: String) {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else {
            self = .sqlite(path: text)
        }
    }

    /// The address with any password replaced by `***`: what logs and banners show.
    public var redacted: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url):
            guard var parts = URLComponents(string: url) else { return "postgres://(unparsable URL)" }
            if parts.password != nil { parts.password = "***" }
            if let items = parts.queryItems {
                parts.queryItems = items.map { $0.name.lowercased() == "password" ? URLQueryItem(name: $0.name, value: "***") : $0 }
            }
            return parts.string ?? "postgres://(unparsable URL)"
        }
    }

    public var description: String { redacted }
}
