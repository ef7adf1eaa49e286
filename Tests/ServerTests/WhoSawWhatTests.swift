import Foundation
import PoolDomain
import PoolServices
import Testing

import TestSupport

/// Who saw what (issue 20): exports, reveals, partner reads of contact details and bulk lists
/// are recorded and readable by administrators; managers' exports are limited per day; a user
/// going past the day's threshold raises one alert (webhook and log).
@Suite struct WhoSawWhatTests {
    final class Alerts: @unchecked Sendable {
        private let lock = NSLock()
        private var seen: [AccessOutcome] = []
        func add(_ outcome: AccessOutcome) { lock.withLock { seen.append(outcome) } }
        var all: [AccessOutcome] { lock.withLock { seen } }
    }

    func records(_ server: TestServer, _ filter: String = "") throws -> [[String: Any]] {
        let json = try server.query("{ accessRecords\(filter) { id kind user { name } tokenId customerIds filter rows } }")
        #expect(json["errors"] == nil, "\(json)")
        return json.at("data", "accessRecords") as? [[String: Any]] ?? []
    }

    @Test func aConsoleExportIsRecordedWithItsFilterAndRowsAndReadableByAdministratorsOnly() throws {
        let server = try TestServer()
        for index in 0..<3 { try server.createCustomer("Export \(index)", owner: "rep1", region: "上海") }
        try server.createCustomer("Elsewhere", owner: "rep2", region: "北京")
        let console = try server.console(as: "manager")
        let csv = try console.get("/admin/export.csv?region=%E4%B8%8A%E6%B5%B7")
        #expect(csv.status == 200)
        let exported = try records(server, "(filter: {kind: EXPORT})")
        #expect(exported.count == 1)
        let record = try #require(exported.first)
        #expect(record["rows"] as? Int == 3)
        #expect((record["user"] as? [String: Any])?["name"] as? String == "manager")
        #expect(record["tokenId"] is NSNull, "made in the console")
        #expect((record["filter"] as? String)?.contains("region=上海") == true, "\(record)")
        #expect((record["customerIds"] as? [String])?.count == 3)
        #expect(try server.query("{ accessRecords { id } }", as: "manager").errorCodes == ["FORBIDDEN"])
        #expect(try records(server, "(filter: {kind: REVEAL})").isEmpty, "the kind filter applies")
        let admin = try server.console(as: "admin")
        let page = try admin.get("/admin/access?kind=export")
        #expect(page.status == 200 && page.text.contains("manager") && page.text.contains("region=上海"))
        #expect(try console.get("/admin/access").status == 403)
    }

    @Test func aManagersExportsAreLimitedPerDayAndTheLimitResetsTheNextDay() throws {
        let server = try TestServer { $0.accessWatch = AccessWatch(managerExportsPerDay: 2, alertThreshold: 100) }
        try server.createCustomer("Limited", owner: "rep1")
        let manager = try server.console(as: "manager")
        #expect(try manager.get("/admin/export.csv").status == 200)
        #expect(try manager.get("/admin/export.csv").status == 200)
        let third = try manager.get("/admin/export.csv")
        #expect(third.status == 429)
        #expect(third.text.contains("daily export limit"))
        #expect(try records(server, "(filter: {kind: EXPORT})").count == 2, "a refused export is not recorded")
        let admin = try server.console(as: "admin")
        for _ in 0..<3 { #expect(try admin.get("/admin/export.csv").status == 200, "administrators are not limited") }
        server.clock.advance(days: 1)
        let tomorrow = try server.console(as: "manager")
        #expect(try tomorrow.get("/admin/export.csv").status == 200, "a new day")
    }

    @Test func revealsAndTokenReadsOfContactDetailsAreRecordedOncePerRequest() throws {
        let server = try TestServer()
        let owned = try server.createCustomer("Phone Owner", owner: "rep1", phone: "13900001111")
        let other = try server.createCustomer("Phone Two", owner: "rep1", phone: "13900002222")
        let pooled = try server.createCustomer("Pooled Phone", pool: "east", phone: "13900003333")
        _ = try server.query(
            "mutation($p: ID!) { setPoolRules(poolId: $p, rules: {maskedFields: [PHONE]}) { ruleVersion } }",
            variables: ["p": server.poolID("east")])
        // Without contact details nothing is recorded.
        _ = try server.query("{ customers(first: 10) { nodes { name } } }", as: "rep1")
        #expect(try records(server).isEmpty)
        let read = try server.query("{ customers(first: 10) { nodes { name phone } } }", as: "rep1")
        #expect(read["errors"] == nil)
        let contact = try records(server, "(filter: {kind: CONTACT_READ})")
        #expect(contact.count == 1, "one record for the request")
        #expect(Set(contact.first?["customerIds"] as? [String] ?? []) == [owned, other])
        #expect((contact.first?["tokenId"] as? String)?.hasPrefix("tok_") == true)
        // A masked value is not a read of contact details.
        _ = try server.query("query($id: ID!) { customer(id: $id) { phone } }", as: "rep1", variables: ["id": pooled])
        #expect(try records(server, "(filter: {kind: CONTACT_READ})").count == 1)
        let revealed = try server.query("mutation($id: ID!) { revealCustomerContact(id: $id) { phone } }", variables: ["id": pooled])
        #expect(revealed.at("data", "revealCustomerContact", "phone") as? String == "13900003333")
        let reveals = try records(server, "(filter: {kind: REVEAL})")
        #expect(reveals.count == 1 && (reveals.first?["customerIds"] as? [String]) == [pooled])
        let byCustomer = try server.query(
            "query($c: ID!) { accessRecords(filter: {customerId: $c}) { kind } }", variables: ["c": pooled])
        #expect((byCustomer.at("data", "accessRecords") as? [[String: Any]])?.map { $0["kind"] as? String } == ["REVEAL"])
    }

    @Test func aTokenPagingThroughTheListIsRecordedButAShortFirstPageIsNot() throws {
        let server = try TestServer { $0.accessWatch = AccessWatch(bulkPageRows: 5) }
        for index in 0..<5 { try server.createCustomer("Paged \(index)", owner: "rep1") }
        let first = try server.query("{ customers(first: 2) { pageInfo { endCursor } nodes { id } } }", as: "rep1")
        #expect(try records(server, "(filter: {kind: BULK_LIST})").isEmpty, "a first page of 2 rows")
        let cursor = try #require(first.at("data", "customers", "pageInfo", "endCursor") as? String)
        _ = try server.query(
            "query($a: String) { customers(first: 2, after: $a, filter: {mine: true}) { nodes { id } } }", as: "rep1", variables: ["a": cursor])
        let bulk = try records(server, "(filter: {kind: BULK_LIST})")
        #expect(bulk.count == 1)
        #expect(bulk.first?["rows"] as? Int == 2)
        #expect((bulk.first?["filter"] as? String)?.contains("after a cursor") == true)
        #expect((bulk.first?["filter"] as? String)?.contains("\"mine\":true") == true, "\(bulk)")
        _ = try server.query("{ customers(first: 4) { nodes { id } } }", as: "rep1")
        #expect(try records(server, "(filter: {kind: BULK_LIST})").count == 1, "a first page of 4 rows")
        _ = try server.query("{ customers(first: 100) { nodes { id } } }", as: "rep1")
        #expect(try records(server, "(filter: {kind: BULK_LIST})").count == 2, "a page of bulkPageRows (here 5) rows or more")
    }

    @Test func goingPastTheDailyThresholdRaisesOneAlertAsAWebhookAndALogLine() throws {
        let alerts = Alerts()
        let server = try TestServer {
            $0.accessWatch = AccessWatch(managerExportsPerDay: nil, alertThreshold: 2)
            $0.onAlert = { alerts.add($0) }
        }
        try server.createCustomer("Leaving With The List", owner: "rep1")
        let registered = try server.query(
            "mutation { registerWebhook(url: \"https://crm.example.com/hook\", kinds: [ACCESS_ALERT]) { endpoint { kinds } } }")
        #expect(registered.at("data", "registerWebhook", "endpoint", "kinds") as? [String] == ["ACCESS_ALERT"])
        let manager = try server.console(as: "manager")
        for _ in 0..<2 { #expect(try manager.get("/admin/export.csv").status == 200) }
        #expect(alerts.all.isEmpty, "at the threshold, not past it")
        for _ in 0..<3 { #expect(try manager.get("/admin/export.csv").status == 200) }
        #expect(alerts.all.count == 1, "once a day")
        #expect(alerts.all.first?.todays == 3)
        let listed = try server.query("{ accessAlerts { user { name } records day } }")
        #expect((listed.at("data", "accessAlerts") as? [[String: Any]])?.count == 1)
        #expect((listed.at("data", "accessAlerts", 0, "user") as? [String: Any])?["name"] as? String == "manager")
        let payloads = try server.rows("SELECT payload FROM webhook_outbox WHERE kind = 'access.alert'")
        #expect(payloads.count == 1)
        #expect(payloads.first?.first??.contains("\"records\":3") == true)
        server.clock.advance(days: 1)
        let tomorrow = try server.console(as: "manager")
        for _ in 0..<3 { _ = try tomorrow.get("/admin/export.csv") }
        #expect(alerts.all.count == 2, "and again on another day")
    }
}
