import Foundation
import GraphQL
import Testing

import PoolDomain
import PoolStore
import TestSupport

/// Each use case driven through each adapter that offers it, as each role: the GraphQL API (in
/// process) and the console (over HTTP) reach the same verdict, and it is the one in the table.
/// A verdict is read from the outcome, not from a status alone: "allowed" means the change is in
/// the database, "refused" that it is not and the adapter said FORBIDDEN (403 in the console).
/// Reps have no console (sign-in refuses them), so for them only the API's verdict is compared
/// with the table. The command line acts as an operator at the database file, not as a role.
@Suite struct AdapterAgreementTests {
    enum Role: String, CaseIterable, Sendable {
        case admin, manager, rep1
    }

    enum Verdict: Equatable, Sendable {
        case allowed, refused
        case unexpected(String)
    }

    struct UseCase: Sendable, CustomTestStringConvertible {
        let name: String
        let allowed: Set<Role>
        /// The mutation, given the scene.
        let graphQL: @Sendable (Scene) -> String
        /// The console form: path and fields, given the scene.
        let console: @Sendable (Scene) -> (String, [(String, String)])
        /// Whether the change is in the database.
        let applied: @Sendable (Scene) throws -> Bool

        var testDescription: String { name }
    }

    /// A fresh server with a pooled customer in East and a customer rep1 owns.
    struct Scene: Sendable {
        let server: TestServer
        let pooled: CustomerID
        let owned: CustomerID

        init() throws {
            server = try TestServer()
            pooled = CustomerID(Int64(try server.createCustomer("Pooled Co", pool: "east").dropFirst(4))!)
            owned = CustomerID(Int64(try server.createCustomer("Owned Co", owner: "rep1", region: "上海").dropFirst(4))!)
        }

        var rep3: UserID { server.users["rep3"]!.id }
        var east: PoolID { server.pools["east"]!.id }
        func customer(_ id: CustomerID) throws -> Customer { try server.database.customers(ids: [id])[id]! }
        func user(_ id: UserID) throws -> User { try server.database.users(ids: [id])[id]! }
    }

    static let cases: [UseCase] = [
        UseCase(
            name: "create a pool", allowed: [.admin],
            graphQL: { _ in #"mutation { createPool(input: {name: "New pool"}) { id } }"# },
            console: { _ in ("/admin/pools/new", [("name", "New pool"), ("priority", "5")]) },
            applied: { try $0.server.database.pools().contains { $0.name == "New pool" } }),
        UseCase(
            name: "save a pool's rules", allowed: [.admin],
            graphQL: { #"mutation { setPoolRules(poolId: "pool_\#($0.east.rawValue)", rules: {reclaim: {noFollowUpDays: 9}}) { ruleVersion } }"# },
            console: { ("/admin/pools/\($0.east.rawValue)/rules", [("action", "save"), ("no_follow_up_days", "9")]) },
            applied: { scene in try scene.server.database.pools().first { $0.id == scene.east }!.ruleVersion > 1 }),
        UseCase(
            name: "run the sweep", allowed: [.admin],
            graphQL: { _ in "mutation { runSweep { id } }" },
            console: { _ in ("/admin/sweeps/run", [("mode", "run")]) },
            applied: { try !$0.server.database.sweepRuns(first: 1).isEmpty }),
        UseCase(
            name: "deactivate a rep", allowed: [.admin],
            graphQL: { #"mutation { setUserActive(id: "usr_\#($0.rep3.rawValue)", active: false) { id } }"# },
            console: { ("/admin/people/users/\($0.rep3.rawValue)", [("op", "deactivate")]) },
            applied: { try !$0.user($0.rep3).active }),
        UseCase(
            name: "put a rep on leave", allowed: [.admin],
            graphQL: { #"mutation { setUserOnLeave(id: "usr_\#($0.rep3.rawValue)", onLeave: true) { id } }"# },
            console: { ("/admin/people/users/\($0.rep3.rawValue)", [("op", "leave")]) },
            applied: { try $0.user($0.rep3).onLeave }),
        UseCase(
            name: "register a webhook", allowed: [.admin],
            graphQL: { _ in #"mutation { registerWebhook(url: "https://crm.example.com/hook", kinds: [CUSTOMER_CLAIMED]) { secret } }"# },
            console: { _ in ("/admin/webhooks", [("url", "https://crm.example.com/hook"), ("kind", "customer.claimed")]) },
            applied: { try !$0.server.database.webhooks().isEmpty }),
        UseCase(
            name: "assign a pool customer", allowed: [.admin, .manager],
            graphQL: { #"mutation { assignCustomers(ids: ["cus_\#($0.pooled.rawValue)"], toUserId: "usr_\#($0.rep3.rawValue)") { results { ok error { code } } } }"# },
            console: { ("/admin/customers/\($0.pooled.rawValue)/action", [("op", "assign"), ("user", String($0.rep3.rawValue))]) },
            applied: { try $0.customer($0.pooled).ownerID == $0.rep3 }),
        UseCase(
            name: "transfer a rep's customer", allowed: [.admin, .manager, .rep1],
            graphQL: { #"mutation { transferCustomer(id: "cus_\#($0.owned.rawValue)", toUserId: "usr_\#($0.rep3.rawValue)") { id } }"# },
            console: { ("/admin/customers/\($0.owned.rawValue)/action", [("op", "transfer"), ("user", String($0.rep3.rawValue))]) },
            applied: { try $0.customer($0.owned).ownerID == $0.rep3 }),
        UseCase(
            name: "release a rep's customer", allowed: [.admin, .manager, .rep1],
            graphQL: { #"mutation { releaseCustomer(id: "cus_\#($0.owned.rawValue)", reason: "no budget") { id } }"# },
            console: { ("/admin/customers/\($0.owned.rawValue)/action", [("op", "release"), ("reason", "no budget")]) },
            applied: { try $0.customer($0.owned).poolID != nil }),
        UseCase(
            name: "rename a pool", allowed: [.admin],
            graphQL: { #"mutation { updatePool(id: "pool_\#($0.east.rawValue)", input: {name: "East two", priority: 10}) { id } }"# },
            console: { ("/admin/pools/\($0.east.rawValue)", [("name", "East two"), ("priority", "10")]) },
            applied: { try $0.server.database.pools().contains { $0.name == "East two" } }),
        UseCase(
            name: "lock a rep's customer", allowed: [.admin, .manager, .rep1],
            graphQL: { #"mutation { lockCustomer(id: "cus_\#($0.owned.rawValue)") { id } }"# },
            console: { ("/admin/customers/\($0.owned.rawValue)/action", [("op", "lock")]) },
            applied: { try $0.customer($0.owned).locked }),
    ]

    static var matrix: [(UseCase, Role)] { cases.flatMap { useCase in Role.allCases.map { (useCase, $0) } } }

    @Test(arguments: matrix)
    func everyAdapterReachesTheTablesVerdict(_ useCase: UseCase, _ role: Role) throws {
        let expected: Verdict = useCase.allowed.contains(role) ? .allowed : .refused
        #expect(try Self.throughGraphQL(useCase, role) == expected, "GraphQL")
        if role == .rep1 {
            let scene = try Scene()
            let signIn = try scene.server.console(as: role.rawValue)
            #expect(try signIn.get("/admin").headers["location"] == "/admin/login", "reps have no console")
        } else {
            #expect(try Self.throughConsole(useCase, role) == expected, "console")
        }
    }

    static func throughGraphQL(_ useCase: UseCase, _ role: Role) throws -> Verdict {
        let scene = try Scene()
        let json = try scene.server.inProcess(useCase.graphQL(scene), as: role.rawValue)
        var codes = json.errorCodes
        codes += (json.at("data", "assignCustomers", "results") as? [[String: Any]] ?? [])
            .compactMap { ($0["error"] as? [String: Any])?["code"] as? String }
        return try verdict(scene, useCase, refused: codes == ["FORBIDDEN"], detail: "\(json)")
    }

    static func throughConsole(_ useCase: UseCase, _ role: Role) throws -> Verdict {
        let scene = try Scene()
        let client = try scene.server.console(as: role.rawValue)
        try client.get("/admin")
        let (path, fields) = useCase.console(scene)
        let response = try client.post(path, fields)
        return try verdict(scene, useCase, refused: response.status == 403, detail: "\(response.status) \(response.text.prefix(300))")
    }

    private static func verdict(_ scene: Scene, _ useCase: UseCase, refused: Bool, detail: String) throws -> Verdict {
        switch (try useCase.applied(scene), refused) {
        case (true, false): return .allowed
        case (false, true): return .refused
        default: return .unexpected(detail)
        }
    }
}
