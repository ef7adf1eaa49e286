import Foundation
import HTTPServer
import PoolDomain
import PoolServices

/// Every administrative change: who, when, what, before and after.
struct AuditPage {
    let console: AdminConsole

    func render(_ request: ConsoleRequest) throws -> HTTPResponse {
        let before = request.query("before").flatMap(Int64.init)
        let entries = try console.services.people.auditLog(first: 100, before: before, by: request.actor)
        let names = Dictionary(uniqueKeysWithValues: try console.database.users().map { ($0.id, $0.name) })
        let rows = entries.map { entry -> [HTML] in
            let action = AuditChanges.actions[entry.action].map { HTML("\(request.t($0))") } ?? HTML("<code>\(entry.action)</code>")
            let changes = AuditChanges(before: entry.before, after: entry.after).changes.map { change in
                HTML(
                    """
                    <li>\(change.known ? HTML("\(request.t(change.label))") : HTML("<code>\(change.label)</code>")): \
                    \(change.before.map { HTML("<del>\($0)</del> → ") } ?? .empty)<ins>\(change.after ?? "–")</ins></li>
                    """)
            }
            return [
                HTML("\(request.format(entry.at))"), HTML("\(entry.userID.flatMap { names[$0] } ?? request.t("System"))"),
                HTML("\(action) · <code>\(entry.entity)</code>"), HTML("<ul class=\"changes\">\(changes)</ul>"),
            ]
        }
        let older = entries.count == 100 ? entries.last.map { HTML("<p class=\"pager\"><a href=\"/admin/audit?before=\(String($0.id))\">\(request.t("Next page")) →</a></p>") } : nil
        let body: HTML = """
            <div class="scroll">\(Layout.table([request.t("When"), request.t("Who"), request.t("What"), request.t("Changes")], rows, empty: "–"))</div>
            \(older ?? .empty)
            """
        return Layout.page(request, title: request.t("Audit log"), body)
    }
}
