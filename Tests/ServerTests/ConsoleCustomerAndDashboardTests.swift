import Foundation
import PoolDomain
import Testing

import TestSupport

/// The customer page, the dashboard and what a manager meets (issue 19).
@Suite struct ConsoleCustomerAndDashboardTests {
    @Test func theCustomerPageLabelsItsReasonsGroupsRepsAndWordsItsForecast() throws {
        let server = try TestServer()
        try server.setRules("general", ["reclaim": ["noFollowUpDays": 10]])
        let id = try server.createCustomer("Worded Co", owner: "rep1")
        let console = try server.console(as: "manager")
        let page = try console.get("/admin/customers/\(id.dropFirst(4))").text
        #expect(page.contains("Reason for the transfer") && page.contains("Reason for the release"), "two reasons, each labelled")
        #expect(page.contains("<option value=\"\">Choose a rep</option>"), "nobody is preselected")
        #expect(page.contains("<optgroup label=\"East\">"), "reps by department")
        let transfer = try #require(page.range(of: "name=\"user\"").map { String(page[$0.lowerBound...].prefix(1500)) })
        #expect(!transfer.contains(">rep1</option>"), "not the current owner")
        #expect(transfer.contains(">rep2</option>"))
        #expect(page.contains("Rules of") && page.contains("In pool"), "the forecast's pool is not the pool the customer is in")
        #expect(page.contains("in 11 days"), "reclaimed on the first day after 10 without follow-up")
        server.clock.advance(days: 12)
        let later = try server.console(as: "manager").get("/admin/customers/\(id.dropFirst(4))").text
        #expect(later.contains("overdue: reclaimed at the next sweep"), "not \"(-2)\"")
    }

    @Test func theDashboardSeparatesOverdueFromThisWeekAndLinksToAllOfThem() throws {
        let server = try TestServer()
        try server.setRules("general", ["reclaim": ["noFollowUpDays": 10]])
        for index in 0..<25 { try server.createCustomer("Due \(index)", owner: "rep1") }
        server.clock.advance(days: 5)
        let console = try server.console(as: "admin")
        let dashboard = try console.get("/admin").text
        #expect(dashboard.contains("Due for reclaim this week (25)"))
        #expect(dashboard.contains("href=\"/admin/due\">All 25 →"), "the rest are a click away")
        #expect(!dashboard.contains("Overdue ("))
        #expect(dashboard.contains("text-anchor=\"end\""), "the last day's label is not cut off")
        #expect(try console.get("/admin/due").text.components(separatedBy: "href=\"/admin/customers/").count - 1 == 25)
        server.clock.advance(days: 7)
        let overdue = try server.console(as: "admin").get("/admin").text
        #expect(overdue.contains("Overdue (25)") && overdue.contains("Due for reclaim this week (0)"))
    }

    @Test func aManagerSeesAReadOnlyPoolAsSuchAndIsToldWhoMayChangeIt() throws {
        let server = try TestServer()
        let console = try server.console(as: "manager")
        let pool = server.pools["east"]!.id.rawValue
        let page = try console.get("/admin/pools/\(pool)")
        #expect(page.text.contains("<h1>Pool: East pool</h1>"), "not \"Edit pool\"")
        let refused = try console.post("/admin/pools/\(pool)", [("name", "Renamed")])
        #expect(refused.status == 403)
        #expect(refused.text.contains("the pool&#39;s admins"), "pool admins may change its rules")
        #expect(try console.get("/admin/export.csv").status == 200, "the export button a manager sees works")
    }
}
