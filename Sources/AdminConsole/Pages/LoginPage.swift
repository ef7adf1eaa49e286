import Foundation
import HTTPServer
import PoolStore

/// Sign-in for administrators and managers. The form carries a double-submit CSRF token (a
/// random value in both a cookie and a hidden field), since there is no session yet.
struct LoginPage {
    let console: AdminConsole

    func handle(_ request: HTTPRequest, cookies: [String: String], language: Language) -> HTTPResponse {
        guard request.method == "POST" else { return form(language, request: request, error: nil, name: nil) }
        let form = Form.parse(body: request.body, contentType: request.header("content-type"))
        guard let expected = cookies[AdminConsole.loginCookie], form["_csrf"] == expected else {
            return self.form(language, request: request, error: language.t("Your session expired or the form is stale. Please try again."), name: form["name"], status: 403)
        }
        let name = form.text("name") ?? ""
        if let wait = console.signInAttempts.admit(request.clientAddress) {
            var response = self.form(
                language, request: request, error: "\(language.t("Too many sign-in attempts from this address. Try again in")) \(wait) s",
                name: name, status: 429)
            response.headers.append(("Retry-After", String(wait)))
            return response
        }
        switch (try? console.services.sessions.signIn(name: name, password: form["password"] ?? "")) ?? .invalid {
        case .signedIn(let user):
            guard let session = try? console.services.sessions.open(for: user, lifetime: 12 * 3600) else {
                return self.form(language, request: request, error: "Internal error.", name: name, status: 500)
            }
            return Layout.redirect(
                "/admin",
                cookies: [
                    Cookies.set(AdminConsole.sessionCookie, session.token, maxAge: 12 * 3600, secure: AdminConsole.secure(request)),
                    Cookies.set(AdminConsole.loginCookie, "", maxAge: 0, secure: AdminConsole.secure(request)),
                ])
        case .invalid:
            return self.form(language, request: request, error: language.t("Wrong name or password."), name: name, status: 401)
        case .locked(let until):
            let formatter = ISO8601DateFormatter()
            return self.form(language, request: request, error: "\(language.t("Too many failed attempts. Try again after")) \(formatter.string(from: until))", name: name, status: 429)
        case .notAllowed:
            return self.form(language, request: request, error: language.t("Sales reps use the app, not the console."), name: name, status: 403)
        }
    }

    private func form(_ language: Language, request: HTTPRequest, error: String?, name: String?, status: Int = 200) -> HTTPResponse {
        let csrf = TokenDigest.newToken()
        let body: HTML = """
            <main class="login">
              <h1>\(language.t("gonghai console"))</h1>
              \(error.map { HTML("<p class=\"flash error\" role=\"alert\">\($0)</p>") } ?? .empty)
              <form method="post" action="/admin/login">
                <input type="hidden" name="_csrf" value="\(csrf)">
                \(Layout.field(language.t("Name"), name: "name", value: name, required: true))
                \(Layout.field(language.t("Password"), name: "password", value: nil, type: "password", required: true))
                <button type="submit">\(language.t("Sign in"))</button>
              </form>
              <p class="switch"><a href="/admin/login?lang=\(language == .zh ? "en" : "zh")">\(language == .zh ? "English" : "中文")</a></p>
            </main>
            """
        var response = Layout.document(language: language, title: language.t("Sign in"), body: body, status: status)
        response.headers.append(("Set-Cookie", Cookies.set(AdminConsole.loginCookie, csrf, maxAge: 3600, secure: AdminConsole.secure(request))))
        return response
    }
}
