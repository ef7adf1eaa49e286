import Foundation

/// A browser-like client for the admin console: keeps cookies, reads the CSRF token from the
/// last page, and posts forms.
public final class ConsoleClient: @unchecked Sendable {
    let http: HTTPClient
    public private(set) var cookies: [String: String] = [:]
    public private(set) var last: HTTPClient.Response?
    var acceptLanguage = "en"

    public init(port: UInt16, language: String = "en") {
        http = HTTPClient(port: port)
        acceptLanguage = language
    }

    @discardableResult
    public func get(_ path: String) throws -> HTTPClient.Response {
        // As a browser does, the fragment stays here.
        let path = path.split(separator: "#", maxSplits: 1).first.map(String.init) ?? path
        return try remember(http.send(method: "GET", path: path, headers: headers()))
    }

    /// Posts a form with the CSRF token of the last page unless `csrf` is given.
    @discardableResult
    public func post(
        _ path: String, _ fields: [(String, String)], csrf: String? = nil, headers extra: [(String, String)] = []
    ) throws -> HTTPClient.Response {
        var all = fields
        if let token = csrf ?? csrfToken() { all.append(("_csrf", token)) }
        let body = all.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        return try remember(http.send(
            method: "POST", path: path, headers: headers() + extra + [("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8)))
    }

    @discardableResult
    public func postMultipart(_ path: String, fields: [(String, String)], file: (String, [UInt8])) throws -> HTTPClient.Response {
        let boundary = "----gonghai\(UUID().uuidString)"
        var body: [UInt8] = []
        for (name, value) in fields + [("_csrf", csrfToken() ?? "")] {
            body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8)
        }
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.0)\"; filename=\"import.csv\"\r\nContent-Type: text/csv\r\n\r\n".utf8)
        body += file.1 + Array("\r\n--\(boundary)--\r\n".utf8)
        return try remember(http.send(
            method: "POST", path: path, headers: headers() + [("Content-Type", "multipart/form-data; boundary=\(boundary)")],
            body: body))
    }

    /// Signs in and follows the redirect; returns the sign-in response.
    @discardableResult
    public func signIn(_ name: String, _ password: String) throws -> HTTPClient.Response {
        try get("/admin/login")
        let response = try post("/admin/login", [("name", name), ("password", password)])
        if response.status == 303 { try get(response.headers["location"] ?? "/admin") }
        return response
    }

    public func csrfToken() -> String? {
        guard let text = last?.text, let range = text.range(of: "name=\"_csrf\" value=\"") else { return nil }
        return String(text[range.upperBound...].prefix { $0 != "\"" })
    }

    private func headers() -> [(String, String)] {
        var headers = [("Accept-Language", acceptLanguage)]
        if !cookies.isEmpty {
            headers.append(("Cookie", cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")))
        }
        return headers
    }

    private func remember(_ response: HTTPClient.Response) -> HTTPClient.Response {
        for line in response.setCookies {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            let name = String(pair[0])
            if line.contains("Max-Age=0") || pair[1].isEmpty { cookies[name] = nil } else { cookies[name] = String(pair[1]) }
        }
        last = response
        return response
    }

    private func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}
