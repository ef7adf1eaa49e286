import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Pool sizes, 30 days of flows, customers due this week, and the last sweep.
struct DashboardPage {
    let console: AdminConsole

    func render(_ request: ConsoleRequest) throws -> HTTPResponse {
        let database = console.database
        let now = console.clock.now()
        let calendar = database.calendar
        let today = calendar.day(of: now)
        let viewer = try database.viewer(for: request.actor)
        let pools = try console.services.metrics.visiblePools(by: request.actor)
        let metrics = try database.poolMetrics(pools: pools.map(\.id), from: now.addingTimeInterval(-30 * 86_400), to: now)
        let sizes = zip(pools, metrics).map { ($0.name, $1.size) }
        let counts = try database.dailyEventCounts(days: 30, through: today)
        let days = (0..<30).map { calendar.adding($0 - 29, to: today) }
        let labels = days.map { String($0.description.dropFirst(5)) }
        func series(_ key: String) -> [Int] { days.map { counts[$0]?[key] ?? 0 } }
        let owned = try visibleOwned(viewer)
        let forecaster = ReclaimForecaster(pools: try database.pools(), calendar: calendar, today: today)
        let due = forecaster.due(owned, within: 7)
        let overdue = due.filter { ($0.1.daysLeft ?? 0) < 0 }
        let thisWeek = due.filter { ($0.1.daysLeft ?? 0) >= 0 }
        let lastRun = try database.sweepRuns(first: 1).first
        let body: HTML = """
            <section class="grid two">
              <article class="card"><h2>\(request.t("Pool sizes"))</h2>\(Charts.bars(sizes, title: request.t("Pool sizes")))</article>
              <article class="card"><h2>\(request.t("Last sweep"))</h2>\(lastRun.map { SweepPages.summary($0, request) } ?? HTML("<p class=\"empty\">\(request.t("No sweep has run yet."))</p>"))</article>
              <article class="card"><h2>\(request.t("Inflow and outflow, last 30 days"))</h2>\(Charts.lines(labels, (request.t("inflow"), series("inflow")), (request.t("outflow"), series("outflow")), title: request.t("Inflow and outflow, last 30 days")))</article>
              <article class="card"><h2>\(request.t("Claims and reclaims, last 30 days"))</h2>\(Charts.lines(labels, (request.t("claims"), series("claim")), (request.t("reclaims"), series("reclaim")), title: request.t("Claims and reclaims, last 30 days")))</article>
            </section>
            <section class="card"><h2>\(request.t("Due for reclaim this week")) (\(thisWeek.count))</h2>
            \(try Self.dueTable(Array(thisWeek.prefix(20)), request, database: database, empty: request.t("Nothing is due this week.")))
            \(thisWeek.count > 20 ? HTML("<p class=\"pager\"><a href=\"/admin/due\">\(request.t("All")) \(thisWeek.count) →</a></p>") : .empty)
            </section>
            \(overdue.isEmpty ? .empty : HTML("""
              <section class="card"><h2>\(request.t("Overdue")) (\(overdue.count))</h2>
              <p class="hint">\(request.t("Past their reclaim day: the next sweep takes them unless they are followed up first."))</p>
              \(try Self.dueTable(Array(overdue.prefix(20)), request, database: database, empty: "–"))
              \(overdue.count > 20 ? HTML("<p class=\"pager\"><a href=\"/admin/due?overdue=1\">\(request.t("All")) \(overdue.count) →</a></p>") : .empty)
              </section>
              """))
            """
        return Layout.page(request, title: request.t("Dashboard"), body)
    }

    private func visibleOwned(_ viewer: Viewer) throws -> [Customer] {
        try console.database.privateCustomers(ownedBy: nil).filter { viewer.canSee($0) }
    }

    /// Every customer due within the week (or, with `overdue=1`, past its day), 200 a page.
    func due(_ request: ConsoleRequest) throws -> HTTPResponse {
        let database = console.database
        let today = database.calendar.day(of: console.clock.now())
        let forecaster = ReclaimForecaster(pools: try database.pools(), calendar: database.calendar, today: today)
        let overdue = request.query("overdue") == "1"
        let all = forecaster.due(try visibleOwned(try database.viewer(for: request.actor)), within: 7)
            .filter { overdue ? ($0.1.daysLeft ?? 0) < 0 : ($0.1.daysLeft ?? 0) >= 0 }
        let page = max(0, request.query("page").flatMap(Int.init) ?? 0)
        let shown = Array(all.dropFirst(page * 200).prefix(200))
        let next = all.count > (page + 1) * 200
            ? HTML("<p class=\"pager\"><a href=\"/admin/due?\(overdue ? "overdue=1&amp;" : "")page=\(page + 1)\">\(request.t("Next page")) →</a></p>") : .empty
        let title = request.t(overdue ? "Overdue" : "Due for reclaim this week") + " (\(all.count))"
        return Layout.page(request, title: title, HTML("\(try Self.dueTable(shown, request, database: database, empty: "–"))\(next)"))
    }

    static func dueTable(_ due: [(Customer, ReclaimForecaster.Forecast)], _ request: ConsoleRequest, database: any PoolDatabase, empty: String) throws -> HTML {
        let owners = try UserCache(database: database).names(due.map(\.0.ownerID))
        let rows = due.map { customer, forecast -> [HTML] in
            [
                HTML("<a href=\"/admin/customers/\(String(customer.id.rawValue))\">\(customer.name)</a>"),
                HTML("\(customer.ownerID.flatMap { owners[$0] } ?? "–")"), HTML("\(forecast.pool?.name ?? "–")"),
                HTML("\(RuleText.name(forecast.assessment.due?.rule, request))"),
                HTML("\(forecast.assessment.due?.reclaimOn.description ?? "–")"), HTML("\(Labels.daysLeft(forecast.daysLeft, request))"),
            ]
        }
        return Layout.table(
            [request.t("Customer"), request.t("Owner"), request.t("Rules of"), request.t("Rule"), request.t("Reclaim on"), request.t("When")],
            rows, empty: empty)
    }

}

/// Users by id for one page, loaded in one query.
struct UserCache {
    let database: any PoolDatabase

    func names(_ ids: [UserID?]) throws -> [UserID: String] {
        try database.users(ids: Array(Set(ids.compactMap { $0 }))).mapValues(\.name)
    }
}

/// Rule and enum names as the console shows them.
enum RuleText {
    static func name(_ rule: ReclaimRule?, _ request: ConsoleRequest) -> String {
        switch rule {
        case .noFollowUp: return request.t("Days without follow-up")
        case .noProgress: return request.t("Days without progress")
        case .claimedNoFollowUp: return request.t("Days to first follow-up")
        case nil: return "–"
        }
    }
}
