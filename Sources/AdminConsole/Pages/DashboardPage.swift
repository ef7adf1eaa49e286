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
        let metrics = console.services.metrics
        let sizes = try metrics.poolSizes(by: request.actor).map { ($0.name, $1) }
        let daily = try database.dailyEventCounts(days: 30, through: today)
        let days = (0..<30).map { calendar.adding($0 - 29, to: today) }
        let labels = days.map { String($0.description.dropFirst(5)) }
        func series(_ key: String) -> [Int] { days.map { daily[$0]?[key] ?? 0 } }
        let counts = try metrics.reclaimDueCounts(within: 7, by: request.actor)
        let thisWeek = try metrics.reclaimDue(within: 7, overdue: false, offset: 0, limit: 20, by: request.actor)
        let overdue = counts.overdue > 0 ? try metrics.reclaimDue(within: 7, overdue: true, offset: 0, limit: 20, by: request.actor) : []
        let lastRun = try database.sweepRuns(first: 1).first
        let body: HTML = """
            <section class="grid two">
              <article class="card"><h2>\(request.t("Pool sizes"))</h2>\(Charts.bars(sizes, title: request.t("Pool sizes")))</article>
              <article class="card"><h2>\(request.t("Last sweep"))</h2>\(lastRun.map { SweepPages.summary($0, request) } ?? HTML("<p class=\"empty\">\(request.t("No sweep has run yet."))</p>"))</article>
              <article class="card"><h2>\(request.t("Inflow and outflow, last 30 days"))</h2>\(Charts.lines(labels, (request.t("inflow"), series("inflow")), (request.t("outflow"), series("outflow")), title: request.t("Inflow and outflow, last 30 days")))</article>
              <article class="card"><h2>\(request.t("Claims and reclaims, last 30 days"))</h2>\(Charts.lines(labels, (request.t("claims"), series("claim")), (request.t("reclaims"), series("reclaim")), title: request.t("Claims and reclaims, last 30 days")))</article>
            </section>
            <section class="card"><h2>\(request.t("Due for reclaim this week")) (\(counts.upcoming))</h2>
            \(try Self.dueTable(thisWeek, request, database: database, empty: request.t("Nothing is due this week.")))
            \(counts.upcoming > 20 ? HTML("<p class=\"pager\"><a href=\"/admin/due\">\(request.t("All")) \(counts.upcoming) →</a></p>") : .empty)
            </section>
            \(overdue.isEmpty ? .empty : HTML("""
              <section class="card"><h2>\(request.t("Overdue")) (\(counts.overdue))</h2>
              <p class="hint">\(request.t("Past their reclaim day: the next sweep takes them unless they are followed up first."))</p>
              \(try Self.dueTable(overdue, request, database: database, empty: "–"))
              \(counts.overdue > 20 ? HTML("<p class=\"pager\"><a href=\"/admin/due?overdue=1\">\(request.t("All")) \(counts.overdue) →</a></p>") : .empty)
              </section>
              """))
            """
        return Layout.page(request, title: request.t("Dashboard"), body)
    }

    /// Every customer due within the week (or, with `overdue=1`, past its day), 200 a page.
    func due(_ request: ConsoleRequest) throws -> HTTPResponse {
        let database = console.database
        let metrics = console.services.metrics
        let overdue = request.query("overdue") == "1"
        let counts = try metrics.reclaimDueCounts(within: 7, by: request.actor)
        let total = overdue ? counts.overdue : counts.upcoming
        let page = min(max(0, request.query("page").flatMap(Int.init) ?? 0), 10_000)
        let shown = try metrics.reclaimDue(within: 7, overdue: overdue, offset: page * 200, limit: 200, by: request.actor)
        let next = total > (page + 1) * 200
            ? HTML("<p class=\"pager\"><a href=\"/admin/due?\(overdue ? "overdue=1&amp;" : "")page=\(page + 1)\">\(request.t("Next page")) →</a></p>") : .empty
        let title = request.t(overdue ? "Overdue" : "Due for reclaim this week") + " (\(total))"
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
