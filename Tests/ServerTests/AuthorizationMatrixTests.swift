import Foundation
import GraphQL
import Testing

import PoolDomain
import PoolServices
import PoolStore
import TestSupport

/// Every query field and mutation × every kind of caller → allowed, or the exact error code.
/// Counts in the expectations ("ok:2") prove that totalCount and lists leak nothing.
@Suite struct AuthorizationMatrixTests {
    enum Caller: String, CaseIterable, Sendable {
        case admin, manager, outsideManager, member, nonMember, collaborator, deactivated, revoked, anonymous
    }

    /// A server with East (manager, rep1 = member of the East pool, rep3) and West (westManager,
    /// westRep, westRep2 = a read collaborator on rep1's customer), a deactivated user and a
    /// revoked token.
    struct Scene {
        let server: TestServer
        let owned: String
        let pooled: String
        var tokens: [Caller: String?] = [:]

        init() throws {
            server = try TestServer()
            let west = try server.database.createDepartment(name: "West", parentID: nil).id
            let east = try #require(try server.database.department(named: "East")).id
            try server.addUser("westManager", role: .manager, department: west)
            try server.addUser("westRep", department: west)
            try server.addUser("westRep2", department: west)
            let gone = try server.addUser("gone", department: east)
            _ = try server.database.updatePool(
                server.pools["east"]!.id,
                PoolDraft(name: "East pool", regions: ["上海", "浙江"], priority: 10, access: [PoolAccessEntry(principal: .department(east), level: .member)]),
                by: nil)
            owned = try server.createCustomer("Owned Co", owner: "rep1", region: "上海")
            pooled = try server.createCustomer("Pooled Co", pool: "east", phone: "13812345678")
            _ = try server.services.operations.setCollaborator(
                server.users["westRep2"]!.id, on: CustomerID(Int64(owned.dropFirst(4))!), access: .read, by: Actor(server.users["rep1"]!))
            let admin = Actor(server.users["admin"]!)
            _ = try server.database.setActive(gone.id, false, by: admin)
            let revoked = try server.database.issueToken(for: server.users["rep2"]!.id, label: "old", by: nil)
            try server.database.revokeToken(try server.database.apiTokens().first { $0.label == "old" }!.id, by: admin)
            tokens = [
                .admin: server.tokens["admin"], .manager: server.tokens["manager"], .outsideManager: server.tokens["westManager"],
                .member: server.tokens["rep1"], .nonMember: server.tokens["westRep"], .collaborator: server.tokens["westRep2"],
                .deactivated: server.tokens["gone"], .revoked: revoked, .anonymous: nil,
            ]
        }

        func run(_ check: Check, as caller: Caller) throws -> String {
            let response = try server.client.graphQL(check.query, variables: check.variables(self), token: tokens[caller] ?? nil)
            let json = response.json
            if let code = json.errorCodes.first { return code }
            return check.read(json)
        }
    }

    struct Check: Sendable {
        let field: String
        let query: String
        var variables: @Sendable (Scene) -> [String: Any] = { _ in [:] }
        var read: @Sendable ([String: Any]) -> String = { _ in "ok" }
        let expected: [Caller: String]
    }

    static func same(_ outcome: String, for callers: [Caller]) -> [Caller: String] {
        Dictionary(uniqueKeysWithValues: callers.map { ($0, outcome) })
    }

    static let everyone = same("ok", for: [.admin, .manager, .outsideManager, .member, .nonMember, .collaborator])
    static let adminOnly = same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "ok"]) { $1 }
    static let managers = same("FORBIDDEN", for: [.member, .nonMember, .collaborator]).merging(same("ok", for: [.admin, .manager, .outsideManager])) { $1 }
    /// Who may change rep1's customer: its owner and the managers who see it.
    static let ownerOrManager: [Caller: String] = [
        .admin: "ok", .manager: "ok", .outsideManager: "NOT_FOUND", .member: "ok", .nonMember: "NOT_FOUND", .collaborator: "FORBIDDEN",
    ]

    static func count(_ first: String, _ second: String, _ rest: String...) -> @Sendable ([String: Any]) -> String {
        let path = [first, second] + rest
        return { json in
            var value: Any? = json
            for key in path { value = (value as? [String: Any])?[key] }
            return "ok:\((value as? Int).map(String.init) ?? (value as? [Any]).map { String($0.count) } ?? "?")"
        }
    }

    static func firstResult(_ root: String) -> @Sendable ([String: Any]) -> String {
        { json in (json.at("data", root, "results", 0, "error", "code") as? String) ?? "ok" }
    }

    static let owned: @Sendable (Scene) -> [String: Any] = { ["id": $0.owned] }
    static let pooled: @Sendable (Scene) -> [String: Any] = { ["id": $0.pooled] }

    static let checks: [Check] = [
        Check(field: "me", query: "{ me { name } }", expected: everyone),
        Check(field: "customer", query: "query($id: ID!) { customer(id: $id) { name } }", variables: owned,
              expected: [.admin: "ok", .manager: "ok", .outsideManager: "NOT_FOUND", .member: "ok", .nonMember: "NOT_FOUND", .collaborator: "ok"]),
        Check(field: "customers", query: "{ customers { totalCount nodes { id } } }", read: count("data", "customers", "totalCount"),
              expected: [.admin: "ok:2", .manager: "ok:2", .outsideManager: "ok:0", .member: "ok:2", .nonMember: "ok:0", .collaborator: "ok:1"]),
        Check(field: "pools", query: "{ pools { name } }", expected: everyone),
        Check(field: "pool", query: "query($id: ID!) { pool(id: $id) { customers { totalCount } } }",
              variables: { ["id": $0.server.poolID("east")] }, read: count("data", "pool", "customers", "totalCount"),
              expected: [.admin: "ok:1", .manager: "ok:1", .outsideManager: "ok:0", .member: "ok:1", .nonMember: "ok:0", .collaborator: "ok:0"]),
        Check(field: "users", query: "{ users { name } }", expected: everyone),
        Check(field: "departments", query: "{ departments { name } }", expected: everyone),
        Check(field: "notifications", query: "{ notifications { id } }", expected: everyone),
        Check(field: "customersDueForReclaim", query: "{ customersDueForReclaim { id } }", expected: everyone),
        Check(field: "previewRules", query: "query($p: ID!) { previewRules(poolId: $p, rules: {}) { today } }",
              variables: { ["p": $0.server.poolID("east")] }, expected: adminOnly),
        Check(field: "sweepRuns", query: "{ sweepRuns { id } }", expected: managers),
        Check(field: "sweepRun", query: "{ sweepRun(id: \"run_999\") { id } }",
              expected: same("FORBIDDEN", for: [.member, .nonMember, .collaborator]).merging(same("NOT_FOUND", for: [.admin, .manager, .outsideManager])) { $1 }),
        Check(field: "repMetrics", query: "{ repMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { claimed } }", expected: managers),
        Check(field: "poolMetrics", query: "{ poolMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { size } }", expected: managers),
        Check(field: "ownerLimits", query: "{ ownerLimits { scope } }", expected: adminOnly),
        Check(field: "ownershipEvents", query: "{ ownershipEvents { events { id } } }", read: count("data", "ownershipEvents", "events"),
              expected: [.admin: "ok:2", .manager: "ok:2", .outsideManager: "ok:0", .member: "ok:2", .nonMember: "ok:0", .collaborator: "ok:1"]),
        Check(field: "webhooks", query: "{ webhooks { id } }", expected: adminOnly),
        Check(field: "webhookDeliveries", query: "{ webhookDeliveries { id } }", expected: adminOnly),
        Check(field: "createCustomer", query: "mutation { createCustomer(input: {name: \"Brand New Co\"}) { id } }", expected: everyone),
        Check(field: "updateCustomer", query: "mutation($id: ID!) { updateCustomer(id: $id, input: {level: \"A\"}) { id } }", variables: owned, expected: ownerOrManager),
        Check(field: "claimCustomers", query: "mutation($id: ID!) { claimCustomers(ids: [$id]) { results { error { code } } } }",
              variables: pooled, read: firstResult("claimCustomers"),
              expected: [.admin: "ok", .manager: "ok", .outsideManager: "NOT_FOUND", .member: "ok", .nonMember: "NOT_FOUND", .collaborator: "NOT_FOUND"]),
        Check(field: "releaseCustomer", query: "mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { id } }", variables: owned, expected: ownerOrManager),
        Check(field: "assignCustomers", query: "mutation($id: ID!, $to: ID!) { assignCustomers(ids: [$id], toUserId: $to) { results { error { code } } } }",
              variables: { ["id": $0.pooled, "to": $0.server.userID("rep3")] }, read: firstResult("assignCustomers"),
              expected: [.admin: "ok", .manager: "ok", .outsideManager: "NOT_FOUND", .member: "FORBIDDEN", .nonMember: "NOT_FOUND", .collaborator: "NOT_FOUND"]),
        Check(field: "transferCustomer", query: "mutation($id: ID!, $to: ID!) { transferCustomer(id: $id, toUserId: $to) { id } }",
              variables: { ["id": $0.owned, "to": $0.server.userID("rep3")] }, expected: ownerOrManager),
        Check(field: "lockCustomer", query: "mutation($id: ID!) { lockCustomer(id: $id) { id } }", variables: owned, expected: ownerOrManager),
        Check(field: "unlockCustomer", query: "mutation($id: ID!) { unlockCustomer(id: $id) { id } }", variables: owned, expected: ownerOrManager),
        Check(field: "addFollowUp", query: "mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"t\") { id } }", variables: owned, expected: ownerOrManager),
        Check(field: "setCollaborator", query: "mutation($id: ID!, $u: ID!) { setCollaborator(customerId: $id, userId: $u, access: READ) { id } }",
              variables: { ["id": $0.owned, "u": $0.server.userID("rep3")] }, expected: ownerOrManager),
        Check(field: "revealCustomerContact", query: "mutation($id: ID!) { revealCustomerContact(id: $id) { phone } }", variables: pooled,
              expected: [.admin: "ok", .manager: "FORBIDDEN", .outsideManager: "NOT_FOUND", .member: "FORBIDDEN", .nonMember: "NOT_FOUND", .collaborator: "NOT_FOUND"]),
        Check(field: "createPool", query: "mutation { createPool(input: {name: \"Matrix Pool\"}) { id } }", expected: adminOnly),
        Check(field: "updatePool", query: "mutation($p: ID!) { updatePool(id: $p, input: {name: \"Renamed\"}) { id } }",
              variables: { ["p": $0.server.poolID("east")] }, expected: adminOnly),
        Check(field: "setPoolRules", query: "mutation($p: ID!) { setPoolRules(poolId: $p, rules: {}) { ruleVersion } }",
              variables: { ["p": $0.server.poolID("east")] }, expected: adminOnly),
        Check(field: "setOwnerLimit", query: "mutation { setOwnerLimit(scope: {kind: EVERYONE}, limit: {maxPrivate: 5}) { scope } }", expected: adminOnly),
        Check(field: "setUserActive", query: "mutation($u: ID!) { setUserActive(id: $u, active: false) { active } }",
              variables: { ["u": $0.server.userID("rep3")] }, expected: adminOnly),
        Check(field: "setUserOnLeave", query: "mutation($u: ID!) { setUserOnLeave(id: $u, onLeave: true) { onLeave } }",
              variables: { ["u": $0.server.userID("rep3")] }, expected: adminOnly),
        Check(field: "importCustomers", query: "mutation { importCustomers(rows: [{name: \"Matrix Import Co\"}], dryRun: true) { imported } }",
              expected: adminOnly),
        Check(field: "endUserSessions", query: "mutation($u: ID!) { endUserSessions(id: $u) }",
              variables: { ["u": $0.server.userID("rep3")] }, expected: adminOnly),
        Check(field: "apiTokens", query: "{ apiTokens { id user { name } } }", expected: adminOnly),
        Check(field: "createUser", query: "mutation { createUser(name: \"hr-made\", role: REP) { id } }", expected: adminOnly),
        Check(field: "updateUser", query: "mutation($u: ID!) { updateUser(id: $u, role: MANAGER) { role } }",
              variables: { ["u": $0.server.userID("rep3")] }, expected: adminOnly),
        Check(field: "createDepartment", query: "mutation { createDepartment(name: \"HR-made\") { id } }", expected: adminOnly),
        Check(field: "updateDepartment", query: "mutation($d: ID!) { updateDepartment(id: $d, name: \"East\") { name } }",
              variables: { ["d": "dep_\(((try? $0.server.database.department(named: "East")) ?? nil)?.id.rawValue ?? 0)"] }, expected: adminOnly),
        Check(field: "deleteDepartment", query: "mutation { deleteDepartment(id: \"dep_999\") }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "issueApiToken", query: "mutation($u: ID!) { issueApiToken(userId: $u, label: \"matrix\") { token } }",
              variables: { ["u": $0.server.userID("rep3")] }, expected: adminOnly),
        Check(field: "revokeApiToken", query: "mutation { revokeApiToken(id: \"tok_999\") { id } }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "runSweep", query: "mutation { runSweep(dryRun: true) { evaluated } }", expected: adminOnly),
        Check(field: "markNotificationsRead", query: "mutation { markNotificationsRead }", expected: everyone),
        Check(field: "registerWebhook", query: "mutation { registerWebhook(url: \"http://127.0.0.1:9/hook\") { secret } }", expected: adminOnly),
        Check(field: "setWebhookActive", query: "mutation { setWebhookActive(id: \"wh_999\", active: false) { id } }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "retryWebhookDelivery", query: "mutation { retryWebhookDelivery(id: \"dlv_999\") { id } }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "accessRecords", query: "{ accessRecords { id kind } }", expected: adminOnly),
        Check(field: "accessAlerts", query: "{ accessAlerts { day } }", expected: adminOnly),
        Check(field: "eraseCustomer", query: "mutation { eraseCustomer(id: \"cus_999999\", reference: \"PIPL-1\") { followUps } }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "applyRetention", query: "mutation { applyRetention { followUpTexts } }", expected: adminOnly),
        Check(field: "setPoolArchived", query: "mutation { setPoolArchived(poolId: \"pool_999\", archived: true) }",
              expected: same("FORBIDDEN", for: [.manager, .outsideManager, .member, .nonMember, .collaborator]).merging([.admin: "NOT_FOUND"]) { $1 }),
        Check(field: "reroutePoolCustomers", query: "mutation($p: ID!) { reroutePoolCustomers(poolId: $p) }",
              variables: { ["p": $0.server.poolID("east")] }, expected: adminOnly),
    ]

    /// What a caller learns about the pool customer "Pooled Co" (phone 13812345678) once the East
    /// pool masks phones: the value itself, a search on the hidden digits, and the error for its id.
    static let leaks: [Check] = [
        Check(field: "masked phone", query: "query($id: ID!) { customer(id: $id) { phone } }", variables: pooled,
              read: { json in "ok:\(json.at("data", "customer", "phone") as? String ?? "nil")" },
              expected: [.admin: "ok:138****5678", .manager: "ok:138****5678", .outsideManager: "NOT_FOUND", .member: "ok:138****5678",
                         .nonMember: "NOT_FOUND", .collaborator: "NOT_FOUND"]),
        Check(field: "search on masked digits", query: "{ customers(filter: {search: \"12345678\"}) { totalCount } }",
              read: count("data", "customers", "totalCount"), expected: same("ok:0", for: [.admin, .manager, .outsideManager, .member, .nonMember, .collaborator])),
        Check(field: "search on the name", query: "{ customers(filter: {search: \"Pooled\"}) { totalCount } }",
              read: count("data", "customers", "totalCount"),
              expected: [.admin: "ok:1", .manager: "ok:1", .outsideManager: "ok:0", .member: "ok:1", .nonMember: "ok:0", .collaborator: "ok:0"]),
        Check(field: "unknown id", query: "{ customer(id: \"cus_999999\") { name } }",
              expected: same("NOT_FOUND", for: [.admin, .manager, .outsideManager, .member, .nonMember, .collaborator])),
    ]

    @Test(arguments: Self.leaks.map(\.field))
    func nothingLeaksThroughMaskedFieldsFiltersOrErrors(_ field: String) throws {
        let check = try #require(Self.leaks.first { $0.field == field })
        let scene = try Scene()
        let masked = try scene.server.query(
            "mutation($p: ID!) { setPoolRules(poolId: $p, rules: {maskedFields: [PHONE]}) { ruleVersion } }",
            variables: ["p": scene.server.poolID("east")])
        #expect(masked["errors"] == nil, "\(masked)")
        for caller in Caller.allCases {
            #expect(try scene.run(check, as: caller) == check.expected[caller] ?? "UNAUTHENTICATED", "\(field) as \(caller)")
        }
    }

    @Test func theMatrixCoversEveryQueryFieldAndMutation() throws {
        let schema = try buildSchema(source: try String(contentsOf: TestServer.schemaURL, encoding: .utf8))
        let roots = try (schema.queryType?.fields().keys.map { $0 } ?? []) + (schema.mutationType?.fields().keys.map { $0 } ?? [])
        #expect(Set(Self.checks.map(\.field)) == Set(roots))
        #expect(Self.checks.allSatisfy { Set($0.expected.keys) == Set(Caller.allCases).subtracting([.deactivated, .revoked, .anonymous]) })
    }

    @Test(arguments: Self.checks.map(\.field))
    func eachCallerGetsExactlyTheOutcomeTheMatrixSays(_ field: String) throws {
        let check = try #require(Self.checks.first { $0.field == field })
        for caller in Caller.allCases {
            let scene = try Scene()
            let expected = check.expected[caller] ?? "UNAUTHENTICATED"
            #expect(try scene.run(check, as: caller) == expected, "\(field) as \(caller)")
        }
    }
}
