import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// API tokens for integration partners: create with a label (shown once), revoke.
struct TokenPages {
    let console: AdminConsole

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if let _ = request.route("GET", "") { return try list(request, created: nil) }
        if let _ = request.route("POST", "") { return try create(request) }
        if let c = request.route("POST", "*/revoke") {
            let id = c[0]
            guard let number = Int64(id) else { return Layout.message(request, status: 404, title: "Not found", request.t("Not found")) }
            try console.services.people.revokeToken(number, by: request.actor)
            return Layout.redirect("/admin/tokens?flash=revoked")
        }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func create(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard let userID = request.form.text("user").flatMap(Int64.init).map(UserID.init),
            try console.database.users(ids: [userID])[userID] != nil
        else { return try list(request, created: nil, error: request.t("User")) }
        let token: String
        do {
            token = try console.services.people.issueToken(for: userID, label: request.form.text("label"), by: request.actor)
        } catch PoolError.invalidInput(let field, let message) {
            var response = try list(request, created: nil, error: "\(request.t(field)): \(request.t(message))")
            response.status = 422
            return response
        }
        return try list(request, created: token)
    }

    private func list(_ request: ConsoleRequest, created: String?, error: String? = nil) throws -> HTTPResponse {
        let users = try console.database.users()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let rows = try console.services.people.tokens(by: request.actor).map { token -> [HTML] in
            [
                HTML("\(token.label ?? "–")"), HTML("\(names[token.userID] ?? "–")"), HTML("\(request.format(token.createdAt))"),
                HTML("\(request.format(token.lastUsedAt))"), HTML("\(token.expiresAt.map { request.format($0) } ?? request.t("Never"))"),
                token.revokedAt.map { HTML("\(request.t("Revoked")) \(request.format($0))") }
                    ?? HTML("<form method=\"post\" action=\"/admin/tokens/\(String(token.id))/revoke\" class=\"inline\">\(request.csrfField)<button type=\"submit\" class=\"danger\" data-confirm=\"\(request.t("Revoke"))?\">\(request.t("Revoke"))</button></form>"),
            ]
        }
        let body: HTML = """
            \(created.map { HTML("<section class=\"card secret\"><p>\(request.t("Copy this token now; it is not shown again:"))</p><code id=\"new-token\">\($0)</code></section>") } ?? .empty)
            <form method="post" action="/admin/tokens" class="card inline-form">\(request.csrfField)
              \(Layout.field(request.t("Label"), name: "label", value: request.form["label"], hint: request.t("up to 100 characters"), maxLength: 100))
              \(Layout.select(request.t("User"), name: "user", options: users.filter(\.active).map { (String($0.id.rawValue), "\($0.name) · \(request.t(Labels.role($0.role)))") }, selected: nil))
              <button type="submit">\(request.t("New token"))</button></form>
            <div class="scroll">\(Layout.table(
                [request.t("Label"), request.t("User"), request.t("Created"), request.t("Last used"), request.t("Expires"), request.t("Status")],
                rows, empty: "–"))</div>
            """
        return Layout.page(request, title: request.t("API tokens"), flash: request.query("flash") == "revoked" ? request.t("Token revoked.") : nil, error: error, body)
    }
}
