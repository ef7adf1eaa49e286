import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Sweep runs: history, a run's detail, "run now" and "dry run as of a date".
struct SweepPages {
    let console: AdminConsole

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if let _ = request.route("GET", "") { return try history(request, dryRun: nil) }
        if let _ = request.route("POST", "run") { return try run(request) }
        if let c = request.route("GET", "*") { let id = c[0]; return try detail(request, id) }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func history(_ request: ConsoleRequest, dryRun: SweepReport?, error: String? = nil) throws -> HTTPResponse {
        let runs = try console.services.sweeps.history(first: 50, by: request.actor)
        let rows = runs.map { run -> [HTML] in
            [
                HTML("<a href=\"/admin/sweeps/\(String(run.runId ?? 0))\">#\(Int(run.runId ?? 0))</a>"), HTML("\(run.asOf)"),
                HTML("\(request.t(Labels.sweepStatus(run.status)))"), HTML("\(run.evaluated)"), HTML("\(run.reclaimed)"), HTML("\(run.skipped)"),
                HTML("\(run.failed)"), HTML("\(run.warned)"),
            ]
        }
        let today = console.services.sweeps.today.description
        let forms: HTML = request.can.runSweep
            ? """
            <form method="post" action="/admin/sweeps/run" class="card inline-form">\(request.csrfField)
              <input type="hidden" name="mode" value="run"><button type="submit" class="primary">\(request.t("Run now"))</button></form>
            <form method="post" action="/admin/sweeps/run" class="card inline-form">\(request.csrfField)
              <input type="hidden" name="mode" value="dry">
              \(Layout.field(request.t("Dry run as of"), name: "as_of", value: request.form["as_of"] ?? today, type: "date"))
              <button type="submit">\(request.t("Dry run"))</button></form>
            """ : .empty
        let body: HTML = """
            <div class="grid two">\(forms)</div>
            \(dryRun.map { report in HTML("<section class=\"card\" id=\"dry-run\"><h2>\(request.t("Dry run")) · \(report.asOf)</h2><p class=\"flash warn\">\(request.t("Dry run: nothing was changed."))</p>\(Self.summary(report, request))\(items(report.reclaimedCustomers, request))</section>") } ?? .empty)
            <h2>\(request.t("Run history"))</h2>
            \(Layout.table(["#", request.t("As of"), request.t("Status"), request.t("Evaluated"), request.t("Reclaimed"), request.t("Skipped"), request.t("Failed"), request.t("Warned")], rows, empty: request.t("No sweep has run yet.")))
            """
        return Layout.page(request, title: request.t("Sweep"), flash: request.query("flash") == "ran" ? request.t("Done.") : nil, error: error, body)
    }

    private func run(_ request: ConsoleRequest) throws -> HTTPResponse {
        if request.form["mode"] == "dry" {
            guard let day = Day(request.form["as_of"] ?? "") else {
                return try history(request, dryRun: nil, error: "\(request.t("Dry run as of")): YYYY-MM-DD")
            }
            let runs = try console.services.sweeps.run(asOf: day, dryRun: true, trigger: .console, by: request.actor)
            return try history(request, dryRun: runs.last)
        }
        let runs = try console.services.sweeps.run(dryRun: false, trigger: .console, by: request.actor)
        return Layout.redirect("/admin/sweeps/\(runs.last?.runId ?? 0)?flash=ran")
    }

    private func detail(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        guard let number = Int64(id), let report = try console.services.sweeps.run(number, by: request.actor) else {
            return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
        let body: HTML = """
            \(Self.summary(report, request))
            <h2>\(request.t("Reclaimed")) (\(report.reclaimedCustomers.count))</h2>\(items(report.reclaimedCustomers, request))
            <h2>\(request.t("Skipped")) (\(report.skippedCustomers.count))</h2>\(items(report.skippedCustomers, request))
            """
        return Layout.page(request, title: "\(request.t("Sweep")) #\(id) · \(report.asOf)", flash: request.query("flash") == "ran" ? request.t("Done.") : nil, body)
    }

    private func items(_ items: [SweepReport.Item], _ request: ConsoleRequest) -> HTML {
        Layout.table(
            [request.t("Customer"), request.t("Previous owner"), request.t("Rule"), request.t("Pool"), request.t("Reason")],
            items.prefix(500).map { item in
                [
                    HTML("<a href=\"/admin/customers/\(String(item.customerId))\">\(item.customerName)</a>"),
                    HTML("\(item.previousOwner ?? "–")"),
                    HTML("\(RuleText.name(item.rule.flatMap(ReclaimRule.init(rawValue:)), request))"),
                    HTML("\(item.pool ?? "–")"), HTML("\(Labels.bilingual(item.reason, request.language))"),
                ]
            }, empty: "–")
    }

    static func summary(_ report: SweepReport, _ request: ConsoleRequest) -> HTML {
        """
        <dl class="stats">
          <div><dt>\(request.t("As of"))</dt><dd>\(report.asOf)</dd></div>
          <div><dt>\(request.t("Status"))</dt><dd>\(request.t(Labels.sweepStatus(report.status)))</dd></div>
          <div><dt>\(request.t("Evaluated"))</dt><dd>\(report.evaluated)</dd></div>
          <div><dt>\(request.t("Reclaimed"))</dt><dd class="reclaimed">\(report.reclaimed)</dd></div>
          <div><dt>\(request.t("Skipped"))</dt><dd>\(report.skipped)</dd></div>
          <div><dt>\(request.t("Failed"))</dt><dd>\(report.failed)</dd></div>
          <div><dt>\(request.t("Warned"))</dt><dd>\(report.warned)</dd></div>
        </dl>
        """
    }
}
