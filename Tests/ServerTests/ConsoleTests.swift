import Foundation
import GRDB
import Testing

import PoolDomain
import PoolStore
import TestSupport

/// The admin console over HTTP: sign-in, roles per page, CSRF, escaping, and each page's flow.
@Suite struct ConsoleTests {
    let server = try! TestServer()

    @Test func signInSetsAHardenedSessionCookieAndSignOutEndsIt() throws {
        let console = try server.console(as: "admin")
        #expect(console.last?.status == 200)
        #expect(console.last?.text.contains("Dashboard") == true)
        #expect(console.cookies["gh_session"] != nil)
        let client = ConsoleClient(port: server.app.port)
        try client.get("/admin/login")
        try server.database.setPassword(server.users["admin"]!.id, "correct horse", hasher: .fastForTests, by: nil)
        let response = try client.post("/admin/login", [("name", "admin"), ("password", "correct horse")])
        let cookie = try #require(response.setCookies.first { $0.hasPrefix("gh_session=") })
        #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && cookie.contains("Path=/admin"))
        #expect(!cookie.contains("Secure"), "plain HTTP here")
        try console.get("/admin")
        try console.post("/admin/logout", [])
        #expect(try console.get("/admin").status == 303)
    }

    @Test func aNewPasswordEndsTheSessionsTheOldOneOpened() throws {
        let manager = try server.console(as: "manager")
        #expect(try manager.get("/admin/pools").status == 200)
        try server.database.setPassword(server.users["manager"]!.id, "a brand new one", hasher: .fastForTests, by: nil)
        #expect(try manager.get("/admin/pools").status == 303, "the old session must be gone")
        let admin = try server.console(as: "admin")
        #expect(try admin.get("/admin/pools").status == 200, "other users' sessions stay")
    }

    @Test func wrongPasswordsAreRefusedThenLockedAndRepsCannotSignIn() throws {
        try server.database.setPassword(server.users["manager"]!.id, "correct horse", hasher: .fastForTests, by: nil)
        let client = ConsoleClient(port: server.app.port)
        #expect(try client.signIn("manager", "wrong").status == 401)
        #expect(try client.signIn("nobody", "wrong").status == 401)
        for _ in 0..<4 { try client.signIn("manager", "wrong") }
        let locked = try client.signIn("manager", "correct horse")
        #expect(locked.status == 429, "five failures lock the account, even for the right password")
        server.clock.advance(seconds: 16 * 60)
        #expect(try client.signIn("manager", "correct horse").status == 303)
        try server.database.setPassword(server.users["rep1"]!.id, "correct horse", hasher: .fastForTests, by: nil)
        let rep = ConsoleClient(port: server.app.port)
        #expect(try rep.signIn("rep1", "correct horse").status == 403)
        #expect(rep.cookies["gh_session"] == nil)
    }

    @Test func aManagerDemotedToRepLosesTheConsoleAtTheNextRequest() throws {
        let manager = try server.console(as: "manager")
        #expect(try manager.get("/admin").status == 200)
        let user = server.users["manager"]!
        _ = try server.services.people.updateUser(user.id, role: .rep, departmentID: user.departmentID, by: Actor(server.users["admin"]!))
        let after = try manager.get("/admin")
        #expect(after.status == 303 && after.headers["location"] == "/admin/login")
    }

    @Test func eachPageAnswersEachRoleAsItShould() throws {
        let pages = ["/admin", "/admin/pools", "/admin/pools/\(server.pools["east"]!.id.rawValue)", "/admin/customers",
                     "/admin/sweeps", "/admin/people", "/admin/tokens", "/admin/import", "/admin/audit", "/admin/export.csv",
                     "/admin/pools/new", "/admin/webhooks"]
        let adminOnly: Set<String> = ["/admin/people", "/admin/tokens", "/admin/import", "/admin/audit", "/admin/webhooks"]
        let admin = try server.console(as: "admin")
        let manager = try server.console(as: "manager")
        let anonymous = ConsoleClient(port: server.app.port)
        for page in pages {
            #expect(try admin.get(page).status == 200, "admin \(page)")
            #expect(try manager.get(page).status == (adminOnly.contains(page) ? 403 : 200), "manager \(page)")
            let signedOut = try anonymous.get(page)
            #expect(signedOut.status == 303 && signedOut.headers["location"] == "/admin/login", "anonymous \(page)")
        }
        try manager.get("/admin/pools/new")
        #expect(try manager.post("/admin/pools/new", [("name", "Sneaky")]).status == 403)
        #expect(try server.database.pools().contains { $0.name == "Sneaky" } == false)
        #expect(try admin.get("/admin/static/admin.css").status == 200)
    }

    @Test func formsWithoutTheSessionsCSRFTokenChangeNothing() throws {
        let admin = try server.console(as: "admin")
        try admin.get("/admin/people")
        let forged = try admin.post("/admin/people/departments", [("department_name", "Forged")], csrf: "gh_forged")
        #expect(forged.status == 403)
        #expect(try server.database.department(named: "Forged") == nil)
        try admin.get("/admin/people")
        #expect(try admin.post("/admin/people/departments", [("department_name", "Real")]).status == 303)
        #expect(try server.database.department(named: "Real") != nil)
        let login = ConsoleClient(port: server.app.port)
        #expect(try login.post("/admin/login", [("name", "admin"), ("password", "x")], csrf: "nope").status == 403)
    }

    @Test func everyValueRenderedIsEscaped() throws {
        let evil = "<script>alert('x')</script>\"><img src=x onerror=alert(1)>"
        try server.createCustomer(evil, owner: "rep1", region: "\"onmouseover=\"alert(2)")
        let pool = try server.database.createPool(PoolDraft(name: "P<b>ool</b>\"'"))
        let admin = try server.console(as: "admin")
        for page in ["/admin/customers", "/admin/customers?q=%3Cscript%3E", "/admin/pools", "/admin/pools/\(pool.id.rawValue)", "/admin/audit"] {
            let html = try admin.get(page).text
            #expect(!html.contains("<script>alert"), "\(page)")
            #expect(!html.contains("<img src=x"), "\(page)")
            #expect(!html.contains("<b>ool"), "\(page)")
        }
        #expect(try admin.get("/admin/customers").text.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&quot;&gt;&lt;img"))
        let page = try admin.get("/admin/customers").headers["content-security-policy"]
        #expect(page?.contains("script-src 'self'") == true)
    }

    @Test func aPoolIsCreatedWithValidationAndItsRulesArePreviewedBeforeANewVersionIsSaved() throws {
        let admin = try server.console(as: "admin")
        try admin.get("/admin/pools/new")
        let invalid = try admin.post("/admin/pools/new", [("name", ""), ("regions", "四川, 重庆"), ("no_follow_up_days", "-3")])
        #expect(invalid.status == 422, "a refusal is not a success")
        #expect(invalid.text.contains("aria-invalid=\"true\""))
        #expect(invalid.text.contains("value=\"四川, 重庆\""), "the user's input is kept")
        #expect(invalid.text.contains("must be between 0 and 3650"))
        let created = try admin.post("/admin/pools/new", [
            ("name", "西南公海 Southwest"), ("regions", "四川, 重庆"), ("priority", "5"), ("no_follow_up_days", "3"), ("mask_phone", "1"),
            ("auto_assign", "off"), ("member_role", "rep"),
        ])
        #expect(created.status == 303)
        let pool = try #require(try server.database.pools().first { $0.name == "西南公海 Southwest" })
        #expect(pool.regions == ["四川", "重庆"])
        #expect(pool.rules.reclaim.days.noFollowUpDays == 3)
        #expect(pool.rules.maskedFields == [.phone])
        try server.createCustomer("Chengdu Co", owner: "rep1", region: "四川")
        server.clock.advance(days: 10)
        #expect(try admin.get("/admin/pools").status == 303, "a 12-hour session does not outlive ten days")
        let again = try server.console(as: "admin")
        try again.get("/admin/pools/\(pool.id.rawValue)")
        let preview = try again.post("/admin/pools/\(pool.id.rawValue)/rules", [("action", "preview"), ("no_follow_up_days", "5"), ("auto_assign", "off")])
        #expect(preview.text.contains("id=\"preview-today\">1<"))
        #expect(preview.text.contains("Chengdu Co"))
        #expect(try server.database.pools().first { $0.id == pool.id }?.ruleVersion == 1, "preview saves nothing")
        let saved = try again.post("/admin/pools/\(pool.id.rawValue)/rules", [("action", "save"), ("no_follow_up_days", "5"), ("auto_assign", "off")])
        #expect(saved.status == 303)
        #expect(try server.database.pools().first { $0.id == pool.id }?.ruleVersion == 2)
        #expect(try again.get(saved.headers["location"]!).text.contains("Rules saved as version 2"))
        let audit = try again.get("/admin/audit").text
        #expect(audit.contains("Saved pool rules") && audit.contains("Created a pool"), "actions are named, not coded")
        #expect(audit.contains("Days without follow-up: <del>3</del> → <ins>5</ins>"), "the audit log says what changed")
        #expect(!audit.contains("{\"name\""), "no raw JSON")
    }

    @Test func theSweepPageRunsNowAndDryRunsAsOfADate() throws {
        try server.setRules("general", ["reclaim": ["noFollowUpDays": 1]])
        let id = try server.createCustomer("Sweep Me", owner: "rep1", region: "四川")
        server.clock.advance(days: 5)
        let admin = try server.console(as: "admin")
        try admin.get("/admin/sweeps")
        let dry = try admin.post("/admin/sweeps/run", [("mode", "dry"), ("as_of", "2026-09-26")])
        #expect(dry.text.contains("Dry run: nothing was changed."))
        #expect(dry.text.contains("Sweep Me"))
        #expect(try server.query("query($id: ID!) { customer(id: $id) { owner { name } } }", variables: ["id": id]).at("data", "customer", "owner", "name") as? String == "rep1")
        let run = try admin.post("/admin/sweeps/run", [("mode", "run")])
        #expect(run.status == 303)
        let detail = try admin.get(run.headers["location"]!).text
        #expect(detail.contains("Sweep Me") && detail.contains("rep1"))
        #expect(try server.database.sweepRuns(first: 5).count == 1)
        let manager = try server.console(as: "manager")
        try manager.get("/admin/sweeps")
        #expect(try manager.post("/admin/sweeps/run", [("mode", "run")]).status == 403)
    }

    @Test func peopleAndTokensAreManagedAndARevokedTokenStopsWorking() throws {
        let admin = try server.console(as: "admin")
        try admin.get("/admin/people")
        let created = try admin.post("/admin/people/users", [("name", "新人 Newbie"), ("role", "rep"), ("department", ""), ("password", "")])
        #expect(created.status == 303)
        let newbie = try #require(try server.database.user(named: "新人 Newbie"))
        try admin.get(created.headers["location"]!)
        #expect(try admin.post("/admin/people/users/\(newbie.id.rawValue)", [("op", "leave")]).status == 303)
        #expect(try server.database.user(named: "新人 Newbie")?.onLeave == true)
        try admin.get("/admin/tokens")
        let issued = try admin.post("/admin/tokens", [("label", "ERP"), ("user", String(newbie.id.rawValue))])
        let token = try #require(issued.text.range(of: "id=\"new-token\">").map { String(issued.text[$0.upperBound...].prefix { $0 != "<" }) })
        #expect(try server.client.graphQL("{ me { name } }", token: token).status == 200)
        #expect(!(try admin.get("/admin/tokens").text.contains(token)), "shown once")
        let tokenID = try #require(try server.database.apiTokens().first { $0.label == "ERP" }?.id)
        #expect(try admin.post("/admin/tokens/\(tokenID)/revoke", []).status == 303)
        #expect(try server.client.graphQL("{ me { name } }", token: token).status == 401)
        try admin.get("/admin/people/users/\(newbie.id.rawValue)")
        #expect(try admin.post("/admin/people/users/\(newbie.id.rawValue)", [("op", "deactivate")]).status == 303)
        #expect(try server.database.user(named: "新人 Newbie")?.active == false)
        #expect(try admin.get("/admin/audit").text.contains("Revoked an API token"))
    }

    @Test func customersAreSearchedShownAndAssignedByAManager() throws {
        let pooled = try server.createCustomer("Findable Pool Co", pool: "east", phone: "13812345678")
        try server.createCustomer("Other Co", owner: "rep2")
        let manager = try server.console(as: "manager")
        let list = try manager.get("/admin/customers?q=Findable")
        #expect(list.text.contains("Findable Pool Co") && !list.text.contains("Other Co"))
        #expect(list.text.contains("138****5678") && !list.text.contains("13812345678"))
        let number = pooled.dropFirst(4)
        let detail = try manager.get("/admin/customers/\(number)")
        #expect(detail.text.contains("Ownership history"))
        let assigned = try manager.post("/admin/customers/\(number)/action", [("op", "assign"), ("user", String(server.users["rep3"]!.id.rawValue)), ("reason", "territory")])
        #expect(assigned.status == 303)
        let after = try manager.get(assigned.headers["location"]!).text
        #expect(after.contains("rep3") && after.contains("territory"))
        let release = try manager.post("/admin/customers/\(number)/action", [("op", "release"), ("reason", "")])
        #expect(release.status == 422, "a release needs a reason")
    }

    @Test func csvImportChecksFirstThenImportsAndExportOpensInExcel() throws {
        try server.createCustomer("已存在 Existing Co", owner: "rep2")
        let admin = try server.console(as: "admin")
        try admin.get("/admin/import")
        let csv = "\u{FEFF}name,phone,email,industry,region,status\r\n杭州新客户有限公司,13900000001,a@new.cn,教育,浙江,lead\r\n已存在 Existing Co,,,,,\r\n,13900000002,,,,\r\nBad Status Co,,,,,maybe\r\n\"Quoted, Inc.\",,,,,\r\n"
        let check = try admin.postMultipart("/admin/import", fields: [("op", "check"), ("pool", String(server.pools["east"]!.id.rawValue)), ("owner", "")], file: ("file", Array(csv.utf8)))
        #expect(check.text.contains("id=\"count-new\">2<"))
        #expect(check.text.contains("id=\"count-duplicates\">1<"))
        #expect(check.text.contains("id=\"count-invalid\">2<"))
        #expect(check.text.contains("<td>4</td><td>name: a name is required</td>"))
        #expect(check.text.contains("rep2"), "says where the duplicate is")
        try admin.get("/admin/import?lang=zh")
        let reasons = try admin.postMultipart(
            "/admin/import", fields: [("op", "check"), ("pool", String(server.pools["east"]!.id.rawValue)), ("owner", "")],
            file: ("file", Array("name,email,status\r\n,,\r\n坏邮箱公司,not-mail,\r\n坏状态公司,,maybe\r\n".utf8)))
        #expect(reasons.text.contains("名称: 请填写名称"), "import reasons in Chinese")
        #expect(reasons.text.contains("不是有效的邮箱地址"))
        #expect(reasons.text.contains("状态: maybe"))
        try admin.get("/admin/import?lang=en")
        #expect(try server.database.countCustomers(CustomerFilter(), scope: .all) == 1, "a check imports nothing")
        let imported = try admin.post("/admin/import", [("op", "import"), ("pool", String(server.pools["east"]!.id.rawValue)), ("owner", ""), ("csv", csv)])
        #expect(imported.text.contains("id=\"imported\">Imported: 2<"))
        #expect(try server.database.countCustomers(CustomerFilter(inPool: true), scope: .all) == 2)
        let export = try admin.get("/admin/export.csv")
        #expect(export.headers["content-type"]?.hasPrefix("text/csv") == true)
        #expect(Array(export.body.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(export.text.contains("杭州新客户有限公司") && export.text.contains("\"Quoted, Inc.\""))
    }

    /// The export is written as it is read, page after page (chunked, no length known up
    /// front), every row the user may see, not the first page or a cap; and it is recorded when
    /// it ends with the rows written.
    @Test func anExportStreamsEveryRowTheUserSeesPageAfterPage() throws {
        let admin = try server.console(as: "admin")
        let creator = Actor(server.users["admin"]!)
        for index in 0..<1_234 {
            _ = try server.database.createCustomer(CustomerDraft(name: "Streamed \(index)"), by: creator, intoPool: server.pools["east"]!.id)
        }
        let before = try server.database.countCustomers(CustomerFilter(), scope: .all)
        let export = try admin.get("/admin/export.csv")
        #expect(export.status == 200)
        #expect(export.headers["transfer-encoding"]?.lowercased() == "chunked" && export.headers["content-length"] == nil)
        let lines = export.text.split(separator: "\r\n")
        #expect(lines.count == before + 1, "a header and every customer")
        #expect(Set(lines.filter { $0.hasPrefix("Streamed ") }.map { $0.split(separator: ",")[0] }).count == 1_234)
        let record = try #require(try server.database.accessRecords(AccessRecordFilter(), first: 1, before: nil).first)
        #expect(record.kind == .export && record.rows == before)
    }

    @Test func theInterfaceSpeaksChineseOrEnglishAsAskedAndRemembersIt() throws {
        let chinese = try server.console(as: "admin", language: "zh-CN,zh;q=0.9")
        #expect(try chinese.get("/admin").text.contains("仪表盘"))
        let english = try chinese.get("/admin?lang=en")
        #expect(english.text.contains("Dashboard"))
        #expect(chinese.cookies["gh_lang"] == "en")
        #expect(try chinese.get("/admin/pools").text.contains("New pool"))
    }
}
