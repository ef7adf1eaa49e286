import Foundation
import Testing

import PoolDomain
import PoolServices
import TestSupport

/// The people and org API an HR system keeps the org chart in sync through: departments,
/// users and API tokens, through the real server, each change audited.
@Suite struct PeopleAPITests {
    static func data(_ response: [String: Any], _ path: Any...) -> Any? {
        var value: Any? = response["data"]
        for step in path {
            if let key = step as? String { value = (value as? [String: Any])?[key] }
            if let index = step as? Int { value = (value as? [Any]).flatMap { $0.indices.contains(index) ? $0[index] : nil } }
        }
        return value
    }

    @Test func departmentsAreCreatedRenamedMovedAndDeletedOnlyWhenEmpty() throws {
        let server = try TestServer()
        let sales = try server.query(#"mutation { createDepartment(name: "销售部") { id name parent { id } } }"#)
        let salesID = try #require(Self.data(sales, "createDepartment", "id") as? String)
        #expect(Self.data(sales, "createDepartment", "parent") is NSNull)
        let east = try server.query(
            "mutation($p: ID!) { createDepartment(name: \"华东\", parentId: $p) { id parent { name } } }", variables: ["p": salesID])
        let eastID = try #require(Self.data(east, "createDepartment", "id") as? String)
        #expect(Self.data(east, "createDepartment", "parent", "name") as? String == "销售部")

        // A department cannot move under itself or below itself.
        let cycle = try server.query("mutation($d: ID!, $p: ID!) { updateDepartment(id: $d, parentId: $p) { id } }", variables: ["d": salesID, "p": eastID])
        #expect(cycle.errorCodes == ["BAD_USER_INPUT"])
        let renamed = try server.query(
            "mutation($d: ID!) { updateDepartment(id: $d, name: \"华东大区\", topLevel: true) { name parent { id } } }", variables: ["d": eastID])
        #expect(Self.data(renamed, "updateDepartment", "name") as? String == "华东大区")
        #expect(Self.data(renamed, "updateDepartment", "parent") is NSNull)
        let moved = try server.query(
            "mutation($d: ID!, $p: ID!) { updateDepartment(id: $d, parentId: $p) { name parent { name } } }", variables: ["d": eastID, "p": salesID])
        #expect(Self.data(moved, "updateDepartment", "name") as? String == "华东大区", "a move keeps the name")
        #expect(Self.data(moved, "updateDepartment", "parent", "name") as? String == "销售部")

        // Not empty: a sub-department, then a user.
        let busy = try server.query("mutation($d: ID!) { deleteDepartment(id: $d) }", variables: ["d": salesID])
        #expect(busy.errorCodes == ["BAD_USER_INPUT"])
        #expect((busy.at("errors", 0, "message") as? String)?.contains("1 sub-departments") == true)
        let user = try server.query(
            "mutation($d: ID!) { createUser(name: \"hr.wang\", role: REP, departmentId: $d) { id } }", variables: ["d": eastID])
        let userID = try #require(Self.data(user, "createUser", "id") as? String)
        #expect(try server.query("mutation($d: ID!) { deleteDepartment(id: $d) }", variables: ["d": eastID]).errorCodes == ["BAD_USER_INPUT"])
        let cleared = try server.query(
            "mutation($u: ID!) { updateUser(id: $u, noDepartment: true) { department { id } role } }", variables: ["u": userID])
        #expect(Self.data(cleared, "updateUser", "department") is NSNull)
        #expect(Self.data(cleared, "updateUser", "role") as? String == "REP", "what is not given stays")
        let deleted = try server.query("mutation($d: ID!) { deleteDepartment(id: $d) }", variables: ["d": eastID])
        #expect(Self.data(deleted, "deleteDepartment") as? String == eastID)
        #expect(try server.query("{ departments { name } }").at("data", "departments").map { "\($0)" }?.contains("华东大区") == false)

        let audited = try server.rows("SELECT action FROM audit_log WHERE action LIKE '%department%' ORDER BY id").map { $0[0] ?? "" }
        #expect(audited.suffix(5) == ["create_department", "create_department", "update_department", "update_department", "delete_department"])
    }

    @Test func usersAreCreatedAndChangedAndDeactivatingReleasesTheirCustomers() throws {
        let server = try TestServer()
        let east = "dep_\(try #require(try server.database.department(named: "East")).id.rawValue)"
        let created = try server.query(
            "mutation($d: ID!) { createUser(name: \"zhao.li\", role: REP, departmentId: $d) { id name role active department { name } } }",
            variables: ["d": east])
        let id = try #require(Self.data(created, "createUser", "id") as? String)
        #expect(Self.data(created, "createUser", "department", "name") as? String == "East")
        #expect(try server.query(#"mutation { createUser(name: "zhao.li", role: REP) { id } }"#).errorCodes == ["BAD_USER_INPUT"])
        let promoted = try server.query("mutation($u: ID!) { updateUser(id: $u, role: MANAGER) { role department { name } } }", variables: ["u": id])
        #expect(Self.data(promoted, "updateUser", "role") as? String == "MANAGER")
        #expect(Self.data(promoted, "updateUser", "department", "name") as? String == "East")
        let me = server.userID("admin")
        #expect(try server.query("mutation($u: ID!) { updateUser(id: $u, role: REP) { role } }", variables: ["u": me]).errorCodes == ["BAD_USER_INPUT"])

        let owned = try server.createCustomer("Leaving Co", owner: "rep1")
        let deactivated = try server.query("mutation($u: ID!) { setUserActive(id: $u, active: false) { active } }", variables: ["u": server.userID("rep1")])
        #expect(Self.data(deactivated, "setUserActive", "active") as? Bool == false)
        let customer = try server.query("query($c: ID!) { customer(id: $c) { owner { id } pool { id } } }", variables: ["c": owned])
        #expect(customer.at("data", "customer", "owner") is NSNull)
        #expect(customer.at("data", "customer", "pool", "id") is String, "released into a pool")
    }

    @Test func tokensAreIssuedListedWithoutTheSecretAndRevokedForGood() throws {
        let server = try TestServer()
        let issued = try server.query(
            "mutation($u: ID!) { issueApiToken(userId: $u, label: \"ERP sync\") { token apiToken { id label user { name } revokedAt } } }",
            variables: ["u": server.userID("rep2")])
        let token = try #require(Self.data(issued, "issueApiToken", "token") as? String)
        let id = try #require(Self.data(issued, "issueApiToken", "apiToken", "id") as? String)
        #expect(Self.data(issued, "issueApiToken", "apiToken", "user", "name") as? String == "rep2")
        #expect(try server.client.graphQL("{ me { name } }", token: token).json.at("data", "me", "name") as? String == "rep2")

        let listed = try server.query("{ apiTokens { id label revokedAt user { name } } }")
        let entries = try #require(listed.at("data", "apiTokens") as? [[String: Any]])
        #expect(entries.first?["id"] as? String == id, "newest first")
        #expect(!"\(listed)".contains(token), "the token itself is never listed")
        #expect(try server.query(#"mutation($u: ID!) { issueApiToken(userId: $u, label: "  ") { token } }"#, variables: ["u": server.userID("rep2")]).errorCodes == ["BAD_USER_INPUT"])

        let revoked = try server.query("mutation($t: ID!) { revokeApiToken(id: $t) { id revokedAt } }", variables: ["t": id])
        #expect(Self.data(revoked, "revokeApiToken", "revokedAt") is String)
        #expect(try server.client.graphQL("{ me { name } }", token: token).json.errorCodes == ["UNAUTHENTICATED"])
        #expect(try server.query("mutation($t: ID!) { revokeApiToken(id: $t) { id } }", variables: ["t": id]).errorCodes == ["NOT_FOUND"])
        let audited = try server.rows("SELECT action FROM audit_log WHERE action LIKE '%token%' ORDER BY id").map { $0[0] ?? "" }
        #expect(audited.suffix(2) == ["issue_token", "revoke_token"])
    }

    /// `users add --department 销售部/华东/上海` names a path: missing levels are made under the
    /// level above, existing ones reused, and a name that lives elsewhere in the tree refused.
    @Test func aDepartmentPathCreatesEachMissingLevelUnderTheOneAbove() throws {
        let server = try TestServer()
        let people = server.services.people
        let shanghai = try people.department(path: "销售部/华东/上海", creatingBy: nil)
        let tree = DepartmentTree(try server.database.departments())
        #expect(tree.ancestry(of: shanghai.id).compactMap { tree.byID[$0]?.name } == ["上海", "华东", "销售部"])
        let again = try people.department(path: " 销售部 / 华东 / 上海 ", creatingBy: nil)
        #expect(again.id == shanghai.id)
        let hangzhou = try people.department(path: "销售部/华东/杭州", creatingBy: nil)
        #expect(hangzhou.parentID == shanghai.parentID)
        #expect(throws: PoolError.self) { try people.department(path: "华东/上海", creatingBy: nil) }
        #expect(try people.department(path: "上海", creatingBy: nil).id == shanghai.id, "a single name is found anywhere")
    }

    /// A stolen laptop: the administrator signs the manager out of the console everywhere.
    @Test func anAdministratorEndsEverySessionOfAUser() throws {
        let server = try TestServer()
        let laptop = try server.console(as: "manager")  // sets the password, then signs in
        let desk = ConsoleClient(port: server.app.port)
        try desk.signIn("manager", "correct horse")
        #expect(try laptop.get("/admin").status == 200 && desk.get("/admin").status == 200)
        let ended = try server.query("mutation($u: ID!) { endUserSessions(id: $u) }", variables: ["u": server.userID("manager")])
        #expect(Self.data(ended, "endUserSessions") as? Int == 2)
        for client in [laptop, desk] {
            let page = try client.get("/admin")
            #expect(page.status == 303 && page.headers["location"]?.hasPrefix("/admin/login") == true)
        }
        #expect(try server.rows("SELECT after FROM audit_log WHERE action = 'end_sessions'").first?.first == "{\"ended\":2}")

        // The same from the console's user page.
        let again = ConsoleClient(port: server.app.port)
        try again.signIn("manager", "correct horse")
        let admin = try server.console(as: "admin")
        let id = server.users["manager"]!.id.rawValue
        try admin.get("/admin/people/users/\(id)")
        #expect(try admin.post("/admin/people/users/\(id)", [("op", "end_sessions")]).status == 303)
        #expect(try again.get("/admin").status == 303, "signed out by the console's button")
    }
}
