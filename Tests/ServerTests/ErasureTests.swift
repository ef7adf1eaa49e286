import Foundation
import Logging
import PoolDomain
import PoolServices
import Testing

@testable import GonghaiServer
import TestSupport

/// Erasure on request (PIPL Art. 47) and retention (issue 20), through the real server on the
/// backend under test.
@Suite struct ErasureTests {
    /// What was typed about the person; none of it may survive the erasure, in any case.
    static let markers = ["Formerlyco", "Erasableco", "13711112222", "erasable.person@example.cn", "secret-note-xyz", "reason-xyz"]

    func tables(_ server: TestServer) throws -> [String] {
        let sql = server.backend == .postgres
            ? "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
            : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        return try server.rows(sql).compactMap { $0.first ?? nil }
    }

    /// Every marker found in any row of any table, case-insensitively.
    func leftovers(_ server: TestServer) throws -> [String] {
        var found: [String] = []
        for table in try tables(server) {
            let text = try server.rows("SELECT * FROM \(table)").map { $0.map { $0 ?? "" }.joined(separator: "|") }.joined(separator: "\n").lowercased()
            for marker in Self.markers where text.contains(marker.lowercased()) { found.append("\(marker) in \(table)") }
        }
        return found
    }

    @Test func anErasedCustomerLeavesNoPersonalDataInAnyTableNorOnSQLiteInTheFilesBytes() throws {
        let server = try TestServer()
        _ = try server.query("mutation { registerWebhook(url: \"https://crm.example.com/hook\") { secret } }")
        let created = try server.query(
            "mutation { createCustomer(input: {name: \"Formerlyco\", phone: \"13711112222\", email: \"erasable.person@example.cn\"}) { id } }",
            as: "rep1")
        let id = try #require(created.at("data", "createCustomer", "id") as? String)
        for (query, variables) in [
            ("mutation($id: ID!) { updateCustomer(id: $id, input: {name: \"Erasableco\"}) { name } }", ["id": id]),
            ("mutation($id: ID!) { addFollowUp(customerId: $id, kind: VISIT, text: \"visited, secret-note-xyz\") { id } }", ["id": id]),
            ("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"moved away, reason-xyz\") { id } }", ["id": id]),
        ] {
            let answer = try server.query(query, as: "rep1", variables: variables)
            #expect(answer["errors"] == nil, "\(answer)")
        }
        let assigned = try server.query("mutation($id: ID!, $u: ID!) { assignCustomers(ids: [$id], toUserId: $u) { succeeded } }", variables: ["id": id, "u": server.userID("rep2")])
        #expect(assigned.at("data", "assignCustomers", "succeeded") as? Int == 1, "\(assigned)")
        #expect(try !leftovers(server).isEmpty, "the markers were stored before (the check can fail)")
        let events = try server.query("query($id: ID!) { customer(id: $id) { ownershipHistory { kind } } }", variables: ["id": id])
        let kindsBefore = (events.at("data", "customer", "ownershipHistory") as? [[String: Any]])?.compactMap { $0["kind"] as? String }

        let refused = try server.query("mutation($id: ID!) { eraseCustomer(id: $id, reference: \"  \") { followUps } }", variables: ["id": id])
        #expect(refused.errorCodes == ["BAD_USER_INPUT"], "a request's reference is required")
        let erased = try server.query(
            "mutation($id: ID!) { eraseCustomer(id: $id, reference: \"PIPL-2026-001\") { customer { name phone email } followUps eventReasons webhookPayloads } }",
            variables: ["id": id])
        #expect(erased["errors"] == nil, "\(erased)")
        #expect(erased.at("data", "eraseCustomer", "customer", "name") as? String == "已删除客户 #\(id.dropFirst(4))")
        #expect(erased.at("data", "eraseCustomer", "customer", "phone") is NSNull)
        #expect(erased.at("data", "eraseCustomer", "followUps") as? Int == 1)
        #expect(erased.at("data", "eraseCustomer", "eventReasons") as? Int == 1)
        #expect((erased.at("data", "eraseCustomer", "webhookPayloads") as? Int ?? 0) >= 3)

        #expect(try leftovers(server) == [])
        if server.backend == .sqlite {
            let path = String(server.address)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
            if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { bytes.append(wal) }
            for marker in Self.markers {
                for form in [marker, marker.lowercased()] {
                    #expect(bytes.range(of: Data(form.utf8)) == nil, "\(form) is still in the database file's bytes")
                }
            }
        }
        let after = try server.query(
            "query($id: ID!) { customer(id: $id) { ownershipHistory { kind reason } } }", variables: ["id": id])
        let history = after.at("data", "customer", "ownershipHistory") as? [[String: Any]] ?? []
        #expect(history.compactMap { $0["kind"] as? String } == kindsBefore ?? [], "the ownership history is kept")
        #expect(history.allSatisfy { $0["reason"] is NSNull })
        let audit = try server.rows("SELECT after FROM audit_log WHERE action = 'erase_customer'")
        #expect(audit.count == 1 && audit.first?.first??.contains("PIPL-2026-001") == true)
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "rep2", variables: ["id": id])
            .at("data", "customer", "name") as? String == "已删除客户 #\(id.dropFirst(4))")
    }

    @Test func theOwnershipHistoryStaysAppendOnlyExceptForAnErasuresClearedReason() throws {
        let server = try TestServer()
        let id = try server.createCustomer("Append Only Co", owner: "rep1")
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"typed\") { id } }", as: "rep1", variables: ["id": id])
        let number = id.dropFirst(4)
        #expect(throws: (any Error).self) { try server.rows("UPDATE ownership_events SET reason = 'changed' WHERE customer_id = \(number)") }
        #expect(throws: (any Error).self) { try server.rows("UPDATE ownership_events SET reason = NULL, at = 0 WHERE customer_id = \(number)") }
        #expect(throws: (any Error).self) { try server.rows("DELETE FROM ownership_events WHERE customer_id = \(number)") }
    }

    @Test func aConsoleAdministratorErasesFromTheCustomersPage() throws {
        let server = try TestServer()
        let id = try server.createCustomer("Console Erasableco", owner: "rep1", phone: "13711112222")
        let number = String(id.dropFirst(4))
        let manager = try server.console(as: "manager")
        #expect(try !manager.get("/admin/customers/\(number)").text.contains("name=\"reference\""), "managers are not offered it")
        let refused = try manager.post("/admin/customers/\(number)/action", [("op", "erase"), ("reference", "X-1")])
        #expect(refused.status == 403)
        let admin = try server.console(as: "admin")
        #expect(try admin.get("/admin/customers/\(number)").text.contains("name=\"reference\""))
        let done = try admin.post("/admin/customers/\(number)/action", [("op", "erase"), ("reference", "PIPL-7")])
        #expect(done.status == 303)
        #expect(try admin.get("/admin/customers/\(number)").text.contains("已删除客户 #\(number)"))
        #expect(try server.rows("SELECT phone FROM customers WHERE id = \(number)").first?.first == .some(nil))
    }

    @Test func retentionPurgesOldFollowUpTextsAndDeliveredDeliveriesAndKeepsTheRest() throws {
        let receiver = try Receiver()
        let server = try TestServer { $0.retentionDays = 30 }
        _ = try server.query("mutation($u: String!) { registerWebhook(url: $u, kinds: [CUSTOMER_CREATED]) { secret } }", variables: ["u": receiver.url])
        let old = try server.createCustomer("Retained Co", owner: "rep1")
        _ = try server.query("mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"old words\") { id } }", as: "rep1", variables: ["id": old])
        let dispatcher = WebhookDispatcher(
            database: server.database, clock: server.clock, logger: Logger(label: "t", factory: { _ in SwiftLogNoOpLogHandler() }), timeout: 5,
            targets: server.settings.webhookTargets)
        dispatcher.tick()
        #expect(receiver.deliveries.count == 1)
        server.clock.advance(days: 31)
        _ = try server.query("mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"new words\") { id } }", as: "rep1", variables: ["id": old])
        try server.createCustomer("Pending Co", owner: "rep1")
        #expect(try server.query("mutation { applyRetention { followUpTexts } }", as: "manager").errorCodes == ["FORBIDDEN"])
        let purged = try server.query("mutation { applyRetention { followUpTexts deliveries } }")
        #expect(purged.at("data", "applyRetention", "followUpTexts") as? Int == 1)
        #expect(purged.at("data", "applyRetention", "deliveries") as? Int == 1)
        #expect(Set(try server.rows("SELECT text FROM follow_ups").compactMap { $0.first ?? nil }) == ["", "new words"])
        #expect(try server.count("SELECT COUNT(*) FROM webhook_outbox WHERE status = 'pending'") == 1, "owed deliveries stay")
        #expect(try server.count("SELECT COUNT(*) FROM webhook_outbox") == 1)
        #expect(try server.count("SELECT COUNT(*) FROM audit_log WHERE action = 'retention_purge'") == 1)
        let unset = try TestServer()
        #expect(try unset.query("mutation { applyRetention { followUpTexts } }").at("data", "applyRetention") is NSNull)
    }
}
