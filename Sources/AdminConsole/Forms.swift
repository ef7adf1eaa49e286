import Foundation

/// A submitted form: `application/x-www-form-urlencoded` fields, or `multipart/form-data`
/// fields and files.
struct Form {
    var fields: [String: [String]] = [:]
    var files: [String: [UInt8]] = [:]

    subscript(_ name: String) -> String? { fields[name]?.first }

    func all(_ name: String) -> [String] { fields[name] ?? [] }

    /// The trimmed value, or nil when blank.
    func text(_ name: String) -> String? {
        guard let value = self[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty else { return nil }
        return value
    }

    init(urlEncoded text: String) {
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = Form.decode(String(parts[0]))
            let value = parts.count > 1 ? Form.decode(String(parts[1])) : ""
            fields[key, default: []].append(value)
        }
    }

    init() {}

    static func decode(_ text: String) -> String {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? text
    }

    /// A value for a query string (everything but unreserved characters percent-encoded).
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")) ?? ""
    }

    /// Parses a request body by its content type.
    static func parse(body: [UInt8], contentType: String?) -> Form {
        let type = (contentType ?? "").lowercased()
        if type.hasPrefix("multipart/form-data"), let boundary = boundary(contentType ?? "") {
            return multipart(body, boundary: boundary)
        }
        return Form(urlEncoded: String(decoding: body, as: UTF8.self))
    }

    private static func boundary(_ contentType: String) -> String? {
        for part in contentType.split(separator: ";") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.lowercased().hasPrefix("boundary=") {
                return String(trimmed.dropFirst("boundary=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
            }
        }
        return nil
    }

    private static func multipart(_ body: [UInt8], boundary: String) -> Form {
        var form = Form()
        let delimiter = Array("--\(boundary)".utf8)
        var sections: [ArraySlice<UInt8>] = []
        var rest = body[...]
        while let range = rest.firstRange(of: delimiter) {
            sections.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        for section in sections.dropFirst() {
            var part = section
            if part.starts(with: [13, 10]) { part = part.dropFirst(2) }
            if part.reversed().starts(with: [10, 13]) { part = part.dropLast(2) }
            guard let split = part.firstRange(of: [13, 10, 13, 10]) else { continue }
            let head = String(decoding: part[..<split.lowerBound], as: UTF8.self)
            let content = Array(part[split.upperBound...])
            guard let name = attribute("name", in: head) else { continue }
            if attribute("filename", in: head) != nil {
                form.files[name] = content
            } else {
                form.fields[name, default: []].append(String(decoding: content, as: UTF8.self))
            }
        }
        return form
    }

    private static func attribute(_ name: String, in head: String) -> String? {
        guard let range = head.range(of: "\(name)=\"") else { return nil }
        let after = head[range.upperBound...]
        guard let end = after.firstIndex(of: "\"") else { return nil }
        return String(after[..<end])
    }
}

enum Cookies {
    static func parse(_ header: String?) -> [String: String] {
        var cookies: [String: String] = [:]
        for part in (header ?? "").split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            cookies[pair[0].trimmingCharacters(in: .whitespaces)] = pair[1].trimmingCharacters(in: .whitespaces)
        }
        return cookies
    }

    /// HttpOnly, SameSite=Strict, path /admin; Secure when the request came over TLS.
    static func set(_ name: String, _ value: String, maxAge: Int, secure: Bool) -> String {
        "\(name)=\(value); Path=/admin; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure ? "; Secure" : "")"
    }
}
