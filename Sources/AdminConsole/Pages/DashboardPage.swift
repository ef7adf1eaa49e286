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
        let owners = try UserCache(database: database).names(due.prefix(50).map(\.0.ownerID))
        let dueRows = due.prefix(50).map { customer, forecast -> [HTML] in
            [
                HTML("<a href=\"/admin/customers/\(String(customer.id.rawValue))\">\(customer.name)</a>"),
                HTML("\(customer.ownerID.flatMap { owners[$0] } ?? "–")"), HTML("\(forecast.pool?.name ?? "–")"),
                HTML("\(RuleText.name(forecast.assessment.due?.rule, request))"),
                HTML("\(forecast.assessment.due?.reclaimOn.description ?? "–")"), HTML("\(forecast.daysLeft ?? 0)"),
            ]
        }
        let lastRun = try database.sweepRuns(first: 1).first
        let body: HTML = """
            <section class="grid two">
              <article class="card"><h2>\(request.t("Pool sizes"))</h2>\(Charts.bars(sizes, title: request.t("Pool sizes")))</article>
              <article class="card"><h2>\(request.t("Last sweep"))</h2>\(lastRun.map { SweepPages.summary($0, request) } ?? HTML("<p class=\"empty\">\(request.t("No sweep has run yet."))</p>"))</article>
              <article class="card"><h2>\(request.t("Inflow and outflow, last 30 days"))</h2>\(Charts.lines(labels, (request.t("inflow"), series("inflow")), (request.t("outflow"), series("outflow")), title: request.t("Inflow and outflow, last 30 days")))</article>
              <article class="card"><h2>\(request.t("Claims and reclaims, last 30 days"))</h2>\(Charts.lines(labels, (request.t("claims"), series("claim")), (request.t("reclaims"), series("reclaim")), title: request.t("Claims and reclaims, last 30 days")))</article>
            </section>
            <section class="card"><h2>\(request.t("Due for reclaim this week")) (\(due.count))</h2>
            \(Layout.table([request.t("Customer"), request.t("Owner"), request.t("Pool"), request.t("Rule"), request.t("Reclaim on"), request.t("Days left")], dueRows, empty: request.t("Nothing is due this week.")))
            </section>
            """
        return Layout.page(request, title: request.t("Dashboard"), body)
    }

    private func visibleOwned(_ viewer: Viewer) throws -> [Customer] {
        try console.database.privateCustomers(ownedBy: nil).filter { viewer.canSee($0) }
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
