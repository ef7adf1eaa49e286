import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Customers: a searchable, filterable, paginated list; a customer's page with fields,
/// follow-ups, ownership timeline and reclaim forecast; manager actions.
struct CustomerPages {
    let console: AdminConsole
    var database: any PoolDatabase { console.database }

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if let _ = request.route("GET", "") { return try list(request) }
        if let c = request.route("GET", "*") { let id = c[0]; return try detail(request, id) }
        if let c = request.route("POST", "*/action") { let id = c[0]; return try act(request, id) }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    /// The most matches the list counts exactly.
    static let countedUpTo = 10_000

    /// The list's filters from the query string; shared with the CSV export.
    static func filter(_ request: ConsoleRequest) -> CustomerFilter {
        var filter = CustomerFilter()
        filter.text = request.query("q")
        filter.poolID = request.query("pool").flatMap(Int64.init).map(PoolID.init)
        filter.ownerID = request.query("owner").flatMap(Int64.init).map(UserID.init)
        filter.industry = request.query("industry")
        filter.region = request.query("region")
        switch request.query("placement") {
        case "pool": filter.inPool = true
        case "owned": filter.inPool = false
        default: break
        }
        filter.statuses = request.query("status").flatMap(CustomerStatus.init).map { [$0] }
        return filter
    }

    private func list(_ request: ConsoleRequest) throws -> HTTPResponse {
        let viewer = try database.viewer(for: request.actor)
        let filter = Self.filter(request)
        let after = request.query("after").flatMap(Self.cursor)
        let page = try database.customerPage(CustomerQuery(scope: viewer.scope, filter: filter, first: 50, after: after))
        // Counted up to one past what the page says exactly: a broad search at a million
        // customers would otherwise count for half a second to print a number.
        let total = try database.countCustomers(filter, scope: viewer.scope, atMost: Self.countedUpTo + 1)
        let pools = try database.pools()
        let names = try UserCache(database: database).names(page.customers.map(\.ownerID))
        let rows = page.customers.map { customer -> [HTML] in
            let shown = Masking.shown(customer, in: pools)
            return [
                HTML("<a href=\"/admin/customers/\(String(customer.id.rawValue))\">\(customer.name)</a>"), HTML("\(shown.phone ?? "")"),
                HTML("\(customer.industry ?? "")"), HTML("\(customer.region ?? "")"), HTML("\(request.t(Labels.status(customer.status)))"),
                HTML("\(customer.ownerID.flatMap { names[$0] } ?? "–")"),
                HTML("\(pools.first { $0.id == customer.poolID }?.name ?? "–")"), HTML("\(request.format(customer.lastFollowUpAt))"),
            ]
        }
        var query = request.http.queryArguments
        query["after"] = nil
        let base = query.sorted { $0.key < $1.key }.map { "\($0.key)=\(Self.encode($0.value))" }.joined(separator: "&")
        let next = page.hasNextPage ? page.cursors.last.map { "/admin/customers?\(base)\(base.isEmpty ? "" : "&")after=\($0.id.rawValue)_\(Self.key($0.key))" } : nil
        let poolOptions = [("", request.t("All"))] + pools.map { (String($0.id.rawValue), $0.name) }
        let routing = try database.routingValues()
        let body: HTML = """
            <form method="get" action="/admin/customers" class="filters card">
              \(Layout.field(request.t("Search"), name: "q", value: request.query("q"), type: "search"))
              \(Layout.select(request.t("Pool"), name: "pool", options: poolOptions, selected: request.query("pool")))
              \(Layout.select(request.t("Placement"), name: "placement", options: [("", request.t("All")), ("pool", request.t("In pools")), ("owned", request.t("Owned"))], selected: request.query("placement")))
              \(Layout.select(request.t("Sales stage"), name: "status", options: [("", request.t("All"))] + CustomerStatus.allCases.map { ($0.rawValue, request.t(Labels.status($0))) }, selected: request.query("status")))
              \(Layout.field(request.t("Industry"), name: "industry", value: request.query("industry"), list: "known-industries"))
              \(Layout.field(request.t("Region"), name: "region", value: request.query("region"), list: "known-regions"))
              \(Layout.datalist("known-industries", routing.industries))\(Layout.datalist("known-regions", routing.regions))
              <button type="submit">\(request.t("Filter"))</button>
              <a class="button" href="/admin/export.csv?\(base)">\(request.t("Export CSV"))</a>
            </form>
            <p class="count"><strong id="total">\(total > Self.countedUpTo ? "\(Self.countedUpTo)+" : "\(total)")</strong> \(request.t("customers match"))</p>
            \(Layout.table([request.t("Customer"), request.t("Phone"), request.t("Industry"), request.t("Region"), request.t("Status"), request.t("Owner"), request.t("Pool"), request.t("Last follow-up")], rows, empty: "–"))
            <p class="pager">\(after == nil ? .empty : HTML("<a href=\"/admin/customers?\(base)\">\(request.t("First page"))</a> "))\(next.map { HTML("<a href=\"\($0)\" rel=\"next\">\(request.t("Next page")) →</a>") } ?? .empty)</p>
            """
        return Layout.page(request, title: request.t("Customers"), body)
    }

    private func detail(_ request: ConsoleRequest, _ id: String, error: String? = nil) throws -> HTTPResponse {
        guard let customer = try visible(id, request) else {
            return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
        let pools = try database.pools()
        let shown = Masking.shown(customer, in: pools)
        let followUps = try database.followUps(of: [customer.id], limitEach: 50)[customer.id] ?? []
        let events = try database.ownershipEvents(of: [customer.id])[customer.id] ?? []
        let users = try database.users()
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        let poolName = { (id: PoolID?) in id.flatMap { id in pools.first { $0.id == id }?.name } }
        let forecast = ReclaimForecaster(pools: pools, calendar: database.calendar, today: database.calendar.day(of: console.clock.now())).forecast(customer)
        let facts: [(String, String?)] = [
            ("Phone", shown.phone), ("E-mail", shown.email), ("Industry", customer.industry), ("Region", customer.region),
            ("Level", customer.level), ("Status", request.t(Labels.status(customer.status))), ("Owner", customer.ownerID.flatMap { names[$0] }),
            ("Previous owner", customer.previousOwnerID.flatMap { names[$0] }), ("In pool", poolName(customer.poolID)),
            ("Locked", customer.locked ? "✓" : nil), ("Created", request.format(customer.createdAt)),
            ("Last follow-up", request.format(customer.lastFollowUpAt)),
        ]
        let timeline = events.reversed().map { event in
            HTML(
                """
                <li><time>\(request.format(event.at))</time> <strong>\(request.t(Labels.event(event.kind)))</strong>
                \(event.fromOwnerID.flatMap { names[$0] } ?? poolName(event.fromPoolID) ?? "–") → \(event.toOwnerID.flatMap { names[$0] } ?? poolName(event.toPoolID) ?? "–")
                · \(request.t("By")): \(event.actorID.flatMap { names[$0] } ?? request.t("System"))
                \(event.reason.map { HTML(" · \(request.t("Reason")): \(Labels.bilingual($0, request.language))") } ?? .empty)
                \(event.rule.map { HTML(" · \(request.t("Rule")): \(RuleText.name($0, request)) (v\(Int(event.ruleVersion ?? 0)))") } ?? .empty)</li>
                """)
        }
        let followUpRows = followUps.map { [HTML("\(request.format($0.at))"), HTML("\(request.t(Labels.followUp($0.kind)))"), HTML("\($0.text)"), HTML("\($0.byID.flatMap { names[$0] } ?? "–")")] }
        // Who can take it: reps other than its owner, by department, none chosen in advance.
        let outline = DepartmentOutline(try database.departments()).rows
        let candidates = users.filter { $0.takesCustomers && $0.id != customer.ownerID }
        let groups = outline.map { row in
            (row.department.name, candidates.filter { $0.departmentID == row.department.id }.map { (String($0.id.rawValue), $0.name) })
        } + [(request.t("No department"), candidates.filter { $0.departmentID == nil }.map { (String($0.id.rawValue), $0.name) })]
        let base = "/admin/customers/\(customer.id.rawValue)/action"
        let move = customer.ownerID == nil ? "Assign to" : "Transfer to"
        let actions: HTML = """
            <div class="grid two">
            <section class="card actions"><h2>\(request.t(move))</h2>
              <form method="post" action="\(base)">\(request.csrfField)<input type="hidden" name="op" value="\(customer.ownerID == nil ? "assign" : "transfer")">
                \(Layout.select(request.t(move), name: "user", prompt: request.t("Choose a rep"), groups: groups, required: true))
                \(Layout.field(request.t(customer.ownerID == nil ? "Reason for the assignment" : "Reason for the transfer"), name: "reason", value: nil, hint: request.t("optional; shown in the ownership history")))
                <button type="submit">\(request.t(move))</button></form>
            </section>
            \(customer.ownerID == nil ? .empty : HTML("""
              <section class="card actions"><h2>\(request.t("Release to pool"))</h2>
                <form method="post" action="\(base)">\(request.csrfField)<input type="hidden" name="op" value="release">
                \(Layout.field(request.t("Reason for the release"), name: "reason", value: nil, hint: request.t("required; the next owner reads it"), required: true))<button type="submit" data-confirm="\(request.t("Release to pool"))?">\(request.t("Release to pool"))</button></form>
                <form method="post" action="\(base)" class="inline">\(request.csrfField)<input type="hidden" name="op" value="\(customer.locked ? "unlock" : "lock")"><button type="submit">\(request.t(customer.locked ? "Unlock" : "Lock"))</button></form>
              </section>
              """))
            </div>
            \(request.can.eraseCustomers ? HTML("""
              <section class="card actions danger-zone"><h2>\(request.t("Erase personal data"))</h2>
                <p class="hint">\(request.t("On the customer's request: the name becomes a tombstone; phone, e-mail, follow-up texts, typed reasons and webhook payloads are cleared. Ownership history is kept with ids only. This cannot be undone."))</p>
                <form method="post" action="\(base)">\(request.csrfField)<input type="hidden" name="op" value="erase">
                \(Layout.field(request.t("Request reference"), name: "reference", value: nil, required: true))<button type="submit" class="danger" data-confirm="\(request.t("Erase personal data"))?">\(request.t("Erase"))</button></form>
              </section>
              """) : .empty)
            """
        let body: HTML = """
            <div class="grid two">
              <section class="card"><dl class="facts">\(facts.map { HTML("<div><dt>\(request.t($0.0))</dt><dd>\($0.1 ?? "–")</dd></div>") })</dl></section>
              <section class="card"><h2>\(request.t("Reclaim forecast"))</h2>\(Self.forecastHTML(forecast, request))</section>
            </div>
            \(actions)
            <section class="card"><h2>\(request.t("Ownership history"))</h2><ol class="timeline">\(timeline)</ol></section>
            <section class="card"><h2>\(request.t("Follow-ups"))</h2>\(Layout.table([request.t("At"), request.t("Kind"), request.t("Text"), request.t("By")], followUpRows, empty: "–"))</section>
            """
        return Layout.page(request, title: customer.name, flash: request.query("flash") == "done" ? request.t("Done.") : nil, error: error, body)
    }

    private func act(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        guard let customer = try visible(id, request) else {
            return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
        let form = request.form
        let operations = console.services.operations
        let user = form.text("user").flatMap(Int64.init).map(UserID.init)
        do {
            switch form["op"] {
            case "assign":
                guard let user else { throw PoolError.invalidInput(field: "user", message: "required") }
                _ = try operations.assign(customer.id, to: user, reason: form.text("reason"), by: request.actor)
            case "transfer":
                guard let user else { throw PoolError.invalidInput(field: "user", message: "required") }
                _ = try operations.transfer(customer.id, to: user, reason: form.text("reason"), by: request.actor)
            case "release": _ = try operations.release(customer.id, reason: form["reason"] ?? "", into: nil, by: request.actor)
            case "lock": _ = try operations.setLocked(customer.id, true, by: request.actor)
            case "unlock": _ = try operations.setLocked(customer.id, false, by: request.actor)
            case "erase": _ = try console.services.dataProtection.erase(customer.id, reference: form["reference"] ?? "", by: request.actor)
            default: throw PoolError.invalidInput(field: "op", message: "unknown action")
            }
        } catch let error as PoolError {
            var response = try detail(request, id, error: ErrorText.describe(error, request))
            response.status = AdminConsole.status(of: error)
            return response
        }
        return Layout.redirect("/admin/customers/\(id)?flash=done")
    }

    private func visible(_ id: String, _ request: ConsoleRequest) throws -> Customer? {
        guard let number = Int64(id) else { return nil }
        return try console.services.customers.visible(CustomerID(number), by: request.actor)
    }


    static func forecastHTML(_ forecast: ReclaimForecaster.Forecast?, _ request: ConsoleRequest) -> HTML {
        guard let forecast else { return "<p>–</p>" }
        switch forecast.assessment {
        case .exempt(let reason): return "<p>\(request.t("Exempt")): \(request.t(Labels.exemption(reason)))</p>"
        case .due(let due):
            let reset = due.rule.resetBy == .addFollowUp ? request.t("add a follow-up") : request.t("change the status")
            return """
                <dl class="facts"><div><dt>\(request.t("Rules of"))</dt><dd>\(forecast.pool?.name ?? "–") (v\(Int(forecast.pool?.ruleVersion ?? 0)))<small class="hint">\(request.t("the pool its industry and region route to"))</small></dd></div>
                <div><dt>\(request.t("Rule"))</dt><dd>\(RuleText.name(due.rule, request)) (\(due.limitDays))</dd></div>
                <div><dt>\(request.t("Reclaim on"))</dt><dd class="\(forecast.warning ? "warn" : "")">\(due.reclaimOn.description) · \(Labels.daysLeft(forecast.daysLeft, request))</dd></div>
                <div><dt>\(request.t("Counting from"))</dt><dd>\(request.format(due.countingFrom))</dd></div>
                <div><dt>\(request.t("Reset by"))</dt><dd>\(reset)</dd></div></dl>
                """
        }
    }

    static func cursor(_ text: String) -> CustomerCursor? {
        let parts = text.split(separator: "_")
        guard parts.count == 2, let id = Int64(parts[0]), let key = Int64(parts[1]) else { return nil }
        return CustomerCursor(order: .newestFirst, key: .integer(key), id: CustomerID(id))
    }

    static func key(_ key: CustomerCursor.Key) -> String {
        if case .integer(let value) = key { return String(value) }
        return "0"
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
