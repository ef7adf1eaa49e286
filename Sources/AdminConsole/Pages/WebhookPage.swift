import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Webhook endpoints (register with a secret shown once, pause, resume), recent deliveries
/// and dead letters with a retry button. Administrators only.
struct WebhookPage {
    let console: AdminConsole

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if request.route("GET", "") != nil { return try render(request, secret: nil) }
        if request.route("POST", "") != nil {
            let kinds = request.form.all("kind").compactMap(WebhookEventKind.init(rawValue:))
            // The form has no "every event": an endpoint with none ticked is a slip, not a wish.
            guard !kinds.isEmpty else {
                var response = try render(request, secret: nil, error: request.t("Choose at least one event."))
                response.status = 422
                return response
            }
            do {
                let (_, secret) = try console.services.webhooks.register(url: request.form.text("url") ?? "", kinds: kinds, by: request.actor)
                return try render(request, secret: secret)
            } catch PoolError.invalidInput(_, let message) {
                var response = try render(request, secret: nil, error: "\(request.t("Endpoint URL")): \(request.t(message))")
                response.status = 422
                return response
            }
        }
        if let c = request.route("POST", "*/active"), let id = Int64(c[0]) {
            _ = try console.services.webhooks.setActive(id, request.form["active"] == "1", by: request.actor)
            return Layout.redirect("/admin/webhooks")
        }
        if let c = request.route("POST", "deliveries/*/retry"), let id = Int64(c[0]) {
            _ = try console.services.webhooks.retry(id, by: request.actor)
            return Layout.redirect("/admin/webhooks?flash=retry")
        }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func render(_ request: ConsoleRequest, secret: String?, error: String? = nil) throws -> HTTPResponse {
        let endpoints = try console.services.webhooks.endpoints(by: request.actor).map { endpoint -> [HTML] in
            [
                HTML("\(endpoint.url)"), HTML("\(endpoint.kinds.map { request.t(Labels.webhookEvent($0)) }.joined(separator: "、"))"),
                HTML("\(endpoint.active ? "✓" : "✗")"),
                HTML("<form method=\"post\" action=\"/admin/webhooks/\(String(endpoint.id))/active\" class=\"inline\">\(request.csrfField)<input type=\"hidden\" name=\"active\" value=\"\(endpoint.active ? "0" : "1")\"><button type=\"submit\">\(request.t(endpoint.active ? "Pause" : "Resume"))</button></form>"),
            ]
        }
        func rows(_ deliveries: [WebhookDelivery], retry: Bool) -> [[HTML]] {
            deliveries.map { delivery in
                [
                    HTML("\(request.format(delivery.createdAt))"), HTML("\(request.t(Labels.webhookEvent(delivery.kind)))"), HTML("<code>\(delivery.deliveryID)</code>"),
                    HTML("\(request.t(Labels.delivery(delivery.status)))"), HTML("\(delivery.attempts)"), HTML("\(delivery.lastError ?? "")"),
                    retry ? HTML("<form method=\"post\" action=\"/admin/webhooks/deliveries/\(String(delivery.id))/retry\" class=\"inline\">\(request.csrfField)<button type=\"submit\">\(request.t("Retry"))</button></form>") : .empty,
                ]
            }
        }
        let headers = [request.t("Created"), request.t("Events"), "ID", request.t("Status"), request.t("Attempts"), request.t("Last error"), ""]
        let body: HTML = """
            \(secret.map { HTML("<section class=\"card secret\"><p>\(request.t("Signing secret, shown once:"))</p><code id=\"webhook-secret\">\($0)</code></section>") } ?? .empty)
            <form method="post" action="/admin/webhooks" class="card">\(request.csrfField)
              \(Layout.field(request.t("Endpoint URL"), name: "url", value: request.form["url"], type: "url", required: true))
              <div class="choices"><strong>\(request.t("Events"))</strong>\(WebhookEventKind.allCases.map { Layout.checkbox(request.t(Labels.webhookEvent($0)), name: "kind", checked: request.form.all("kind").contains($0.rawValue), value: $0.rawValue) })</div>
              <button type="submit">\(request.t("Register"))</button></form>
            \(Layout.table([request.t("Endpoint URL"), request.t("Events"), request.t("Receiving"), ""], endpoints, empty: "–"))
            <h2>\(request.t("Dead letters"))</h2>
            \(Layout.table(headers, rows(try console.services.webhooks.deliveries(status: .dead, first: 100, by: request.actor), retry: true), empty: "–"))
            <h2>\(request.t("Recent deliveries"))</h2>
            \(Layout.table(headers, rows(try console.services.webhooks.deliveries(status: nil, first: 50, by: request.actor), retry: false), empty: "–"))
            """
        return Layout.page(request, title: request.t("Webhooks"), flash: request.query("flash") == "retry" ? request.t("Done.") : nil, error: error, body)
    }
}
