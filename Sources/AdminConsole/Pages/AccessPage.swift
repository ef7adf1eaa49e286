import Foundation
import HTTPServer
import PoolDomain
import PoolServices

/// Who saw which customers (exports, reveals, partner reads, bulk lists), filterable; the
/// days a user went past the alert threshold; and the retention setting with a run-now button.
struct AccessPage {
    let console: AdminConsole

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if request.http.method == "POST", request.path == ["access", "retention"] {
            let report = try console.services.dataProtection.applyRetention(by: request.actor)
            let flash = report.map {
                "\(request.t("Purged")): \($0.followUpTexts) \(request.t("follow-up texts")), \($0.deliveries) \(request.t("webhook deliveries"))"
            }
            return try render(request, flash: flash ?? request.t("No retention period is set."))
        }
        guard request.path == ["access"] else {
            return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
        return try render(request, flash: nil)
    }

    private func render(_ request: ConsoleRequest, flash: String?) throws -> HTTPResponse {
        let filter = Self.filter(request)
        let before = request.query("before").flatMap(Int64.init)
        let records = try console.services.accessRecords.list(filter, first: 100, before: before, by: request.actor)
        let alerts = try console.services.accessRecords.alerts(first: 20, by: request.actor)
        let users = try console.database.users()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let rows = records.map { record -> [HTML] in
            let shown = record.customerIDs.prefix(10).map { HTML("<a href=\"/admin/customers/\(String($0.rawValue))\">#\(String($0.rawValue))</a>") }
            let more = record.customerIDs.count > 10 ? HTML(" …") : .empty
            return [
                HTML("\(request.format(record.at))"), HTML("\(names[record.userID] ?? "#\(record.userID.rawValue)")"),
                HTML("\(request.t(Self.label(record.kind)))"),
                HTML("\(record.tokenID.map { "\(request.t("API token")) #\($0)" } ?? request.t("Console"))"),
                HTML("\(String(record.rows))"), HTML("\(shown)\(more)"), HTML("<code>\(record.filter ?? "")</code>"),
            ]
        }
        let alertRows = alerts.map { alert -> [HTML] in
            [HTML("\(alert.day)"), HTML("\(names[alert.userID] ?? "#\(alert.userID.rawValue)")"), HTML("\(String(alert.records))"),
             HTML("\(request.format(alert.at))")]
        }
        let userOptions = [("", request.t("Anyone"))] + users.map { (String($0.id.rawValue), $0.name) }
        let kindOptions = [("", request.t("Any"))] + AccessRecord.Kind.allCases.map { ($0.rawValue, request.t(Self.label($0))) }
        var query = request.http.queryArguments.filter { $0.key != "before" && $0.key != "lang" }
        let older = records.count == 100 ? records.last.map { last -> HTML in
            query["before"] = String(last.id)
            let link = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(Form.encode($0.value))" }.joined(separator: "&")
            return HTML("<p class=\"pager\"><a href=\"/admin/access?\(link)\">\(request.t("Next page")) →</a></p>")
        } : nil
        let retention = console.services.dataProtection.retention
        let body: HTML = """
            <p class="hint">\(request.t("Recorded: CSV exports, reveals of masked contact details, API tokens' reads of unmasked contact details, and API tokens' customer lists beyond the first page or of 100 rows or more."))</p>
            <form method="get" action="/admin/access" class="filters">
              \(Layout.select(request.t("User"), name: "user", options: userOptions, selected: request.query("user")))
              \(Layout.select(request.t("Kind"), name: "kind", options: kindOptions, selected: request.query("kind")))
              \(Layout.field(request.t("Customer ID"), name: "customer", value: request.query("customer"), type: "number"))
              \(Layout.field(request.t("From"), name: "from", value: request.query("from"), type: "date"))
              \(Layout.field(request.t("To"), name: "to", value: request.query("to"), type: "date"))
              <button type="submit">\(request.t("Filter"))</button>
            </form>
            <div class="scroll">\(Layout.table(
                [request.t("When"), request.t("Who"), request.t("Kind"), request.t("Through"), request.t("Rows"), request.t("Customers"), request.t("Filter")],
                rows, empty: request.t("No records.")))</div>
            \(older ?? .empty)
            <h2>\(request.t("Alerts"))</h2>
            <div class="scroll">\(Layout.table([request.t("Day"), request.t("Who"), request.t("Exports and reveals"), request.t("When")], alertRows, empty: request.t("No alerts.")))</div>
            <h2>\(request.t("Retention"))</h2>
            <p>\(retention.map { HTML("\(request.t("Follow-up texts and delivered webhook deliveries are purged after")) \($0) \(request.t("days")).") } ?? HTML("\(request.t("No retention period is set")) (<code>--retention-days</code>)."))</p>
            <form method="post" action="/admin/access/retention">\(request.csrfField)<button type="submit"\(retention == nil ? HTML(" disabled") : .empty)>\(request.t("Purge now"))</button></form>
            """
        return Layout.page(request, title: request.t("Who saw what"), flash: flash, body)
    }

    static func label(_ kind: AccessRecord.Kind) -> String {
        switch kind {
        case .export: return "Export"
        case .reveal: return "Reveal"
        case .contactRead: return "Contact details read"
        case .bulkList: return "List paged through"
        }
    }

    /// The filter the query string asks for; what cannot be read is left out.
    static func filter(_ request: ConsoleRequest) -> AccessRecordFilter {
        let calendar = LocalCalendar(timeZone: request.timeZone)
        let from = request.query("from").flatMap(Day.init).map { calendar.start(of: $0) }
        let to = request.query("to").flatMap(Day.init).map { calendar.start(of: calendar.adding(1, to: $0)) }
        return AccessRecordFilter(
            userID: request.query("user").flatMap(Int64.init).map(UserID.init), kind: request.query("kind").flatMap(AccessRecord.Kind.init),
            from: from, to: to, customerID: request.query("customer").flatMap(Int64.init).map(CustomerID.init))
    }
}
