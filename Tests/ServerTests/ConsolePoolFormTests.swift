import Foundation
import PoolDomain
import Testing

import TestSupport

/// The pool pages as a new administrator meets them (issue 19): refusals answer 422 with the
/// form kept, every number says its unit and what empty means, a new pool shows its preview,
/// routing values are offered, and the defaults and ties an administrator would trip over are
/// said out loud.
@Suite struct ConsolePoolFormTests {
    static func form(_ overrides: [(String, String)]) -> [(String, String)] {
        var fields: [String: String] = ["name": "华南公海", "regions": "广东", "priority": "20", "no_follow_up_days": "30"]
        for (key, value) in overrides { fields[key] = value }
        return fields.sorted { $0.key < $1.key }
    }

    @Test(arguments: [
        ("priority", "99999", "priority", "0 to 1000"), ("priority", "-50", "priority", "0 to 1000"),
        ("warning_days", "40", "warning_days", "at most the days of the shortest reclaim rule"),
        ("level_0", "A", "level_0", "a level needs at least one number of days"),
        ("level_0", "LONG", "level_0", "a level is 1 to 30 characters"),
        ("no_follow_up_days", "99999", "no_follow_up_days", "must be between 0 and 3650"),
        ("name", " ", "name", "Required"),
    ])
    func aRefusedPoolAnswers422WithTheTypedValuesAndTheErrorAtItsField(_ field: String, _ given: String, _ at: String, _ message: String) throws {
        // A 10,000-character level label once made the audit log page 20,000 px tall.
        let value = given == "LONG" ? String(repeating: "长", count: 10_000) : given
        let server = try TestServer()
        let console = try server.console(as: "admin")
        try console.get("/admin/pools/new")
        let page = try console.post("/admin/pools/new", Self.form([(field, value)]))
        #expect(page.status == 422, "\(field)=\(value.prefix(20))")
        #expect(page.text.contains(message), "\(field): \(message)")
        #expect(page.text.contains("value=\"\(value.prefix(30))"), "the typed value is kept")
        let marked = page.text.range(of: "name=\"\(at)\"").flatMap { start in
            page.text.range(of: "</label>", range: start.upperBound..<page.text.endIndex).map { String(page.text[start.lowerBound..<$0.lowerBound]) }
        } ?? ""
        #expect(marked.contains("class=\"error\""), "the error is at \(at)")
        #expect(try server.count("SELECT COUNT(*) FROM pools") == 2, "nothing was created")
    }

    @Test func theAPIRefusesWhatTheConsoleRefuses() throws {
        let server = try TestServer()
        let priority = try server.query("mutation { createPool(input: {name: \"Too high\", priority: 5000}) { id } }")
        #expect(priority.errorCodes == ["BAD_USER_INPUT"])
        let warning = try server.query(
            "mutation($p: ID!) { setPoolRules(poolId: $p, rules: {reclaim: {noFollowUpDays: 10, warningDays: 11}}) { ruleVersion } }",
            variables: ["p": server.poolID("east")])
        #expect(warning.errorCodes == ["BAD_USER_INPUT"])
    }

    @Test func aMissingPoolIsNotFound() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        #expect(try console.get("/admin/pools/999").status == 404)
        #expect(try console.get("/admin/pools/abc").status == 404)
        try console.get("/admin/pools")
        #expect(try console.post("/admin/pools/999/rules", [("action", "preview")]).status == 404)
        #expect(try console.post("/admin/pools/999", [("name", "x")]).status == 404)
    }

    @Test func aNewPoolOpensWithThePreviewOfItsRulesAndSaysWhenItReclaimsNothing() throws {
        let server = try TestServer()
        try server.createCustomer("华南客户", owner: "rep1", region: "广东")
        let console = try server.console(as: "admin")
        let form = try console.get("/admin/pools/new")
        #expect(form.text.contains("days; empty: off") && form.text.contains("per rep per day; empty: no limit"))
        #expect(form.text.contains("<datalist id=\"known-regions\"><option value=\"广东\">"), "regions customers have are offered")
        let created = try console.post("/admin/pools/new", Self.form([]))
        #expect(created.status == 303)
        let location = try #require(created.headers["location"])
        #expect(location.contains("preview=1") && location.hasSuffix("#preview"))
        let page = try console.get(location)
        #expect(page.text.contains("id=\"preview\"") && page.text.contains("Below: what its rules would reclaim."))
        #expect(page.text.contains("action=\"/admin/pools/3/rules#preview\""), "a preview lands on its result")
        #expect(!page.text.contains("No reclaim rule is set"))
        let bare = try console.post("/admin/pools/new", Self.form([("name", "No rules"), ("no_follow_up_days", ""), ("regions", "福建")]))
        #expect(try console.get(try #require(bare.headers["location"])).text.contains("No reclaim rule is set"))
    }

    @Test func departmentsShowTheirTreeAndTheOpenPoolHintFollowsTheTicks() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        let page = try console.get("/admin/pools/\(server.pools["east"]!.id.rawValue)")
        #expect(page.text.contains("A department includes its sub-departments."))
        let east = try #require(page.text.range(of: "<span class=\"depth-1\">"))
        #expect(page.text[east.upperBound...].prefix(300).contains("East"), "East sits under Sales")
        #expect(page.text.contains("data-open-hint>"), "an open pool says so")
        let limited = try console.post(
            "/admin/pools/\(server.pools["east"]!.id.rawValue)",
            [("name", "East pool"), ("regions", "上海, 浙江"), ("priority", "10"), ("member_role", "rep")])
        #expect(limited.status == 303)
        #expect(try console.get("/admin/pools/\(server.pools["east"]!.id.rawValue)").text.contains("data-open-hint hidden>"))
    }

    @Test func movingTheDefaultAndEqualRoutingAreSaidOutLoud() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        let form = try console.get("/admin/pools/new")
        #expect(form.text.contains("Now the default pool: <strong>General</strong> · Ticking this moves it here."))
        let created = try console.post("/admin/pools/new", Self.form([("name", "New default"), ("default", "1"), ("regions", "")]))
        let page = try console.get(try #require(created.headers["location"]))
        #expect(page.text.contains("No longer the default pool: General."))
        let twin = try console.post("/admin/pools/new", Self.form([("name", "East twin"), ("regions", "上海"), ("priority", "10")]))
        let twinPage = try console.get(try #require(twin.headers["location"]))
        #expect(twinPage.text.contains("Same priority and overlapping routing as East pool"))
    }

    @Test func theLanguageSwitchKeepsTheQueryAndLeavesAFormsAnswerForItsPage() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        let list = try console.get("/admin/customers?region=%E4%B8%8A%E6%B5%B7")
        #expect(list.text.contains("href=\"/admin/customers?lang=zh&amp;region=%E4%B8%8A%E6%B5%B7\""))
        let pool = server.pools["east"]!.id.rawValue
        try console.get("/admin/pools/\(pool)")
        let preview = try console.post(
            "/admin/pools/\(pool)/rules", [("action", "preview"), ("no_follow_up_days", "30")], headers: [("Referer", "http://127.0.0.1/admin/pools/\(pool)")])
        #expect(preview.status == 200)
        #expect(preview.text.contains("href=\"/admin/pools/\(pool)?lang=zh\""))
        let switched = try console.get("/admin/pools/\(pool)?lang=zh")
        #expect(switched.status == 200)
    }

    @Test func refusalsAreInChineseInTheChineseConsole() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin", language: "zh")
        try console.get("/admin/pools/new")
        let page = try console.post("/admin/pools/new", Self.form([("no_follow_up_days", "99999")]))
        #expect(page.status == 422)
        #expect(page.text.contains("须在 0 到 3650 之间"))
        #expect(page.text.contains("天；留空表示不启用"))
    }

    @Test func tokenLabelsAndWebhooksWithoutEventsAreRefused() throws {
        let server = try TestServer()
        let console = try server.console(as: "admin")
        try console.get("/admin/tokens")
        let token = try console.post("/admin/tokens", [("label", String(repeating: "x", count: 101)), ("user", String(server.users["rep1"]!.id.rawValue))])
        #expect(token.status == 422)
        try console.get("/admin/webhooks")
        let webhook = try console.post("/admin/webhooks", [("url", "https://crm.example.com/hook")])
        #expect(webhook.status == 422 && webhook.text.contains("Choose at least one event."))
        #expect(try server.count("SELECT COUNT(*) FROM webhook_endpoints") == 0)
    }
}
