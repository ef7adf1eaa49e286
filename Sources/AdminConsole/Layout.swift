import Foundation
import HTTPServer
import PoolDomain

/// The page shell, navigation and shared widgets.
enum Layout {
    static func page(_ request: ConsoleRequest, title: String, flash: String? = nil, error: String? = nil, _ body: HTML) -> HTTPResponse {
        let can = request.can
        let nav: [(String, String, Bool)] = [
            ("/admin", "Dashboard", true), ("/admin/pools", "Pools", true), ("/admin/customers", "Customers", true),
            ("/admin/sweeps", "Sweep", true), ("/admin/people", "People", can.manageUsers), ("/admin/limits", "Owner limits", can.manageUsers),
            ("/admin/tokens", "API tokens", can.manageTokens), ("/admin/import", "Import", can.importCustomers),
            ("/admin/webhooks", "Webhooks", can.manageWebhooks), ("/admin/audit", "Audit log", can.readAuditLog),
            ("/admin/access", "Who saw what", can.readAccessRecords),
        ]
        let links = nav.filter(\.2).map { path, label, _ in
            let current = path == "/admin" ? request.http.path == "/admin" : request.http.path.hasPrefix(path)
            return HTML("<a href=\"\(path)\"\(current ? HTML(" aria-current=\"page\"") : .empty)>\(request.t(label))</a>")
        }
        let other = request.language == .zh ? Language.en : Language.zh
        let switchLink = languageLink(request, to: other)
        let body: HTML = """
            <header class="top">
              <a class="brand" href="/admin">\(request.t("gonghai console"))</a>
              <nav>\(links)</nav>
              <div class="who">
                <span>\(request.user.name) · \(request.t(Labels.role(request.user.role)))</span>
                <a href="\(switchLink)" hreflang="\(other.rawValue)">\(other == .en ? "English" : "中文")</a>
                <form method="post" action="/admin/logout" class="inline">\(request.csrfField)<button type="submit" class="link">\(request.t("Sign out"))</button></form>
              </div>
            </header>
            <main>
              <h1>\(title)</h1>
              \(flash.map { HTML("<p class=\"flash ok\" role=\"status\">\($0)</p>") } ?? .empty)
              \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
              \(body)
            </main>
            """
        var response = document(language: request.language, title: title, body: body)
        // A page that shows a refusal answers a form that was not accepted.
        if error != nil { response.status = 422 }
        return response
    }

    static func document(language: Language, title: String, body: HTML, status: Int = 200) -> HTTPResponse {
        let html: HTML = """
            <!doctype html>
            <html lang="\(language == .zh ? "zh-CN" : "en")">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · gonghai</title>
            <link rel="icon" href="/admin/static/favicon.svg"><link rel="stylesheet" href="/admin/static/admin.css"><script src="/admin/static/admin.js" defer></script></head>
            <body>\(body)</body></html>
            """
        return HTTPResponse(
            status: status,
            headers: [
                ("Content-Type", "text/html; charset=utf-8"),
                ("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'"),
                ("X-Frame-Options", "DENY"), ("Referrer-Policy", "same-origin"),
            ],
            body: Array(html.rendered.utf8))
    }

    /// The same page in `language`: the query string kept (a filtered list keeps its filter).
    /// A page that answered a form (a preview, a dry run) has no address of its own, so the
    /// link goes back to the page the form was on.
    static func languageLink(_ request: ConsoleRequest, to language: Language) -> String {
        var path = request.http.path
        var arguments = request.http.queryArguments
        if request.http.method != "GET" {
            let referer = request.http.header("referer").flatMap { URLComponents(string: $0) }
            if let referer, referer.path.hasPrefix("/admin") {
                path = referer.path
                arguments = Dictionary((referer.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
            } else {
                path = "/admin"
                arguments = [:]
            }
        }
        arguments["lang"] = language.rawValue
        return path + "?" + arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\(Form.encode($0.value))" }.joined(separator: "&")
    }

    static func redirect(_ location: String, cookies: [String] = []) -> HTTPResponse {
        HTTPResponse(status: 303, headers: [("Location", location)] + cookies.map { ("Set-Cookie", $0) }, body: [])
    }

    static func message(_ request: ConsoleRequest, status: Int, title: String, _ text: String) -> HTTPResponse {
        var response = page(request, title: request.t(title), HTML("<p>\(text)</p>"))
        response.status = status
        return response
    }

    /// A form field with its label, the user's input kept, and its error next to it; `list`
    /// names a `<datalist>` of suggestions.
    static func field(
        _ label: String, name: String, value: String?, error: String? = nil, type: String = "text", hint: String? = nil,
        required: Bool = false, maxLength: Int? = nil, list: String? = nil, min: Int? = nil, max: Int? = nil
    ) -> HTML {
        let extras: [String] = [
            required ? "required" : nil, error == nil ? nil : "aria-invalid=\"true\"", maxLength.map { "maxlength=\"\($0)\"" },
            list.map { "list=\"\($0)\"" }, min.map { "min=\"\($0)\"" }, max.map { "max=\"\($0)\"" },
        ].compactMap { $0 }
        let attributes = HTML(trusted: extras.map { " " + $0 }.joined())
        return """
            <label class="field\(error == nil ? "" : " invalid")"><span>\(label)</span>
            <input type="\(type)" name="\(name)" value="\(value ?? "")"\(attributes)>
            \(hint.map { HTML("<small>\($0)</small>") } ?? .empty)\(error.map { HTML("<em class=\"error\">\($0)</em>") } ?? .empty)</label>
            """
    }

    /// Suggestions for fields that name it in `list`.
    static func datalist(_ id: String, _ values: [String]) -> HTML {
        "<datalist id=\"\(id)\">\(values.map { HTML("<option value=\"\($0)\">") })</datalist>"
    }

    static func checkbox(_ label: String, name: String, checked: Bool, value: String = "1") -> HTML {
        "<label class=\"check\"><input type=\"checkbox\" name=\"\(name)\" value=\"\(value)\"\(checked ? HTML(" checked") : .empty)> \(label)</label>"
    }

    static func select(_ label: String, name: String, options: [(String, String)], selected: String?) -> HTML {
        let items = options.map { value, text in
            HTML("<option value=\"\(value)\"\(value == selected ? HTML(" selected") : .empty)>\(text)</option>")
        }
        return "<label class=\"field\"><span>\(label)</span><select name=\"\(name)\">\(items)</select></label>"
    }

    /// A select whose options are grouped (`<optgroup>`), starting with a "choose" option so
    /// that nothing is preselected.
    static func select(_ label: String, name: String, prompt: String, groups: [(String, [(String, String)])], required: Bool = false) -> HTML {
        let sections = groups.filter { !$0.1.isEmpty }.map { group, options in
            HTML("<optgroup label=\"\(group)\">\(options.map { HTML("<option value=\"\($0.0)\">\($0.1)</option>") })</optgroup>")
        }
        return """
            <label class="field"><span>\(label)</span><select name="\(name)"\(required ? HTML(" required") : .empty)><option value="">\(prompt)</option>\(sections)</select></label>
            """
    }

    static func table(_ headers: [String], _ rows: [[HTML]], empty: String) -> HTML {
        guard !rows.isEmpty else { return "<p class=\"empty\">\(empty)</p>" }
        let head = headers.map { HTML("<th scope=\"col\">\($0)</th>") }
        let body = rows.map { cells in HTML("<tr>\(cells.map { HTML("<td>\($0)</td>") })</tr>") }
        return "<div class=\"scroll\"><table><thead><tr>\(head)</tr></thead><tbody>\(body)</tbody></table></div>"
    }
}
