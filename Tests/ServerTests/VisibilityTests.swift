import Foundation
import Testing

import PoolDomain
import TestSupport

/// Pool membership, department subtrees, collaborators and masking: nothing reaches a user
/// who may not see it, through any field, filter, count or error.
@Suite struct VisibilityTests {
    let server = try! TestServer()
    let west: DepartmentID

    init() throws {
        west = try server.database.createDepartment(name: "West", parentID: nil).id
        try server.addUser("westRep", department: west)
        try server.addUser("westManager", role: .manager, department: west)
        let east = try #require(try server.database.department(named: "East"))
        let result = try server.query(
            "mutation($id: ID!, $i: PoolInput!) { updatePool(id: $id, input: $i) { access { kind level } } }",
            variables: [
                "id": server.poolID("east"),
                "i": ["name": "East pool", "regions": ["上海", "浙江"], "priority": 10,
                      "access": [["kind": "DEPARTMENT", "level": "MEMBER", "departmentId": "dep_\(east.id.rawValue)"],
                                 ["kind": "USER", "level": "ADMIN", "userId": server.userID("manager")]]],
            ])
        #expect(result["errors"] == nil, "\(result)")
    }

    @Test func aRepOutsideThePoolCannotSeeFilterCountOrClaimItsCustomers() throws {
        let id = try server.createCustomer("East Lead", pool: "east", phone: "13812345678")
        try server.createCustomer("General Lead", pool: "general")
        let list = try server.query("{ customers { totalCount nodes { name } } }", as: "westRep")
        #expect(list.at("data", "customers", "totalCount") as? Int == 1)
        #expect(list.at("data", "customers", "nodes", 0, "name") as? String == "General Lead")
        let filtered = try server.query(
            "query($p: ID) { customers(filter: {poolId: $p}) { totalCount } }", as: "westRep",
            variables: ["p": server.poolID("east")])
        #expect(filtered.at("data", "customers", "totalCount") as? Int == 0)
        let searched = try server.query("{ customers(filter: {search: \"East\"}) { totalCount } }", as: "westRep")
        #expect(searched.at("data", "customers", "totalCount") as? Int == 0)
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "westRep", variables: ["id": id]).errorCodes == ["NOT_FOUND"])
        let claim = try server.query(
            "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { error { code } } } }", as: "westRep",
            variables: ["ids": [id]])
        #expect(claim.at("data", "claimCustomers", "results", 0, "error", "code") as? String == "NOT_FOUND")
        let poolList = try server.query("query($p: ID!) { pool(id: $p) { customers { totalCount } } }", as: "westRep", variables: ["p": server.poolID("east")])
        #expect(poolList.at("data", "pool", "customers", "totalCount") as? Int == 0)
        #expect(try server.query("{ customers { totalCount } }", as: "rep1").at("data", "customers", "totalCount") as? Int == 2)
    }

    @Test func aReleaseMayNameOnlyAPoolTheRepIsAMemberOf() throws {
        let id = try server.createCustomer("West Owned", owner: "westRep", region: "四川")
        let release = "mutation($id: ID!, $p: ID) { releaseCustomer(id: $id, reason: \"x\", poolId: $p) { pool { name } } }"
        #expect(try server.query(release, as: "westRep", variables: ["id": id, "p": server.poolID("east")]).errorCodes == ["FORBIDDEN"])
        let done = try server.query(release, as: "westRep", variables: ["id": id, "p": server.poolID("general")])
        #expect(done.at("data", "releaseCustomer", "pool", "name") as? String == "General")
    }

    @Test func maskedContactDetailsNeverReachRepsUntilClaimed() throws {
        let id = try server.createCustomer("Masked Co", pool: "east", phone: "13812345678", email: "boss@masked.cn")
        let seen = try server.query("{ customers { nodes { id phone email masked } } }", as: "rep1")
        #expect(seen.at("data", "customers", "nodes", 0, "phone") as? String == "138****5678")
        #expect(seen.at("data", "customers", "nodes", 0, "email") as? String == "b***@masked.cn")
        #expect(seen.at("data", "customers", "nodes", 0, "masked") as? Bool == true)
        for search in ["12345678", "boss@masked"] {
            let found = try server.query("query($s: String) { customers(filter: {search: $s}) { totalCount } }", as: "rep1", variables: ["s": search])
            #expect(found.at("data", "customers", "totalCount") as? Int == 0, "searching \(search) must not reveal a masked value")
        }
        _ = try server.query("mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded } }", as: "rep1", variables: ["ids": [id]])
        let claimed = try server.query("query($id: ID!) { customer(id: $id) { phone email masked } }", as: "rep1", variables: ["id": id])
        #expect(claimed.at("data", "customer", "phone") as? String == "13812345678")
        #expect(claimed.at("data", "customer", "masked") as? Bool == false)
        #expect(try server.query("{ customers(filter: {search: \"12345678\"}) { totalCount } }", as: "rep1")
            .at("data", "customers", "totalCount") as? Int == 1)
    }

    @Test func poolAdminsRevealMaskedFieldsAndEachRevealIsLogged() throws {
        let id = try server.createCustomer("Reveal Co", pool: "east", phone: "13812345678")
        let reveal = "mutation($id: ID!) { revealCustomerContact(id: $id) { phone email } }"
        #expect(try server.query(reveal, as: "rep1", variables: ["id": id]).errorCodes == ["FORBIDDEN"])
        let shown = try server.query(reveal, as: "manager", variables: ["id": id])
        #expect(shown.at("data", "revealCustomerContact", "phone") as? String == "13812345678")
        #expect(try server.count("SELECT COUNT(*) FROM reveal_log WHERE customer_id = \(id.dropFirst(4))") == 1)
        let masking = try server.query("query($id: ID!) { customer(id: $id) { phone } }", as: "manager", variables: ["id": id])
        #expect(masking.at("data", "customer", "phone") as? String == "138****5678")
    }

    @Test func managersSeeTheirDepartmentSubtreeOnly() throws {
        try server.createCustomer("Rep1 Co", owner: "rep1")
        try server.createCustomer("West Co", owner: "westRep")
        func names(_ user: String) throws -> Set<String> {
            let result = try server.query("{ customers(filter: {inPool: false}) { nodes { name } } }", as: user)
            return Set((result.at("data", "customers", "nodes") as? [[String: Any]] ?? []).compactMap { $0["name"] as? String })
        }
        #expect(try names("manager") == ["Rep1 Co"])
        #expect(try names("westManager") == ["West Co"])
        #expect(try names("admin") == ["Rep1 Co", "West Co"])
        let metrics = try server.query(
            "{ repMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { user { name } } }", as: "westManager")
        let users = Set((metrics.at("data", "repMetrics") as? [[String: Any]] ?? []).compactMap { ($0["user"] as? [String: Any])?["name"] as? String })
        #expect(users == ["westRep", "westManager"])
        #expect(try server.query("{ repMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { claimed } }", as: "rep1").errorCodes == ["FORBIDDEN"])
    }

    @Test func collaboratorsSeeAndWithWriteAccessWorkTheCustomer() throws {
        let id = try server.createCustomer("Team Co", owner: "rep1")
        let set = "mutation($c: ID!, $u: ID!, $a: CollaboratorAccess) { setCollaborator(customerId: $c, userId: $u, access: $a) { collaborators { user { name } access } } }"
        let follow = "mutation($id: ID!) { addFollowUp(customerId: $id, kind: NOTE, text: \"n\") { id } }"
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "westRep", variables: ["id": id]).errorCodes == ["NOT_FOUND"])
        let added = try server.query(set, as: "rep1", variables: ["c": id, "u": server.userID("westRep"), "a": "READ"])
        #expect(added.at("data", "setCollaborator", "collaborators", 0, "user", "name") as? String == "westRep")
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "westRep", variables: ["id": id])
            .at("data", "customer", "name") as? String == "Team Co")
        #expect(try server.query("{ customers(filter: {inPool: false}) { totalCount } }", as: "westRep").at("data", "customers", "totalCount") as? Int == 1)
        #expect(try server.query(follow, as: "westRep", variables: ["id": id]).errorCodes == ["FORBIDDEN"])
        _ = try server.query(set, as: "rep1", variables: ["c": id, "u": server.userID("westRep"), "a": "WRITE"])
        #expect(try server.query(follow, as: "westRep", variables: ["id": id])["errors"] == nil)
        #expect(try server.query(set, as: "westRep", variables: ["c": id, "u": server.userID("rep2"), "a": "READ"]).errorCodes == ["FORBIDDEN"])
        _ = try server.query(set, as: "rep1", variables: ["c": id, "u": server.userID("westRep"), "a": NSNull()])
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "westRep", variables: ["id": id]).errorCodes == ["NOT_FOUND"])
    }
}

@Suite struct AssignmentAndMetricsTests {
    let server = try! TestServer()

    @Test func roundRobinSkipsRepsOnLeaveAndNeverGivesOneCustomerTwice() throws {
        try server.setRules("general", ["autoAssign": "ROUND_ROBIN"])
        _ = try server.query("mutation($id: ID!) { setUserOnLeave(id: $id, onLeave: true) { onLeave } }", variables: ["id": server.userID("rep2")])
        let ids = try (0..<4).map { try server.createCustomer("Auto \($0)", pool: "general") }
        var owners: [String] = []
        for id in ids {
            let result = try server.query("query($id: ID!) { customer(id: $id) { owner { name } ownershipHistory { kind } } }", variables: ["id": id])
            owners.append(result.at("data", "customer", "owner", "name") as? String ?? "-")
            #expect((result.at("data", "customer", "ownershipHistory") as? [[String: Any]])?.compactMap { $0["kind"] as? String } == ["CREATE", "ASSIGN"])
        }
        #expect(owners == ["rep1", "rep3", "rep1", "rep3"])
        let notes = try server.query("{ notifications { kind } }", as: "rep3")
        #expect((notes.at("data", "notifications") as? [Any])?.count == 2)
        let metrics = try server.query(
            "{ poolMetrics(from: \"2026-01-01T00:00:00Z\", to: \"2027-01-01T00:00:00Z\") { pool { name } size inflow outflow fairness { spread members { user { name } assigned } } } }")
        let general = (metrics.at("data", "poolMetrics") as? [[String: Any]] ?? []).first { ($0["pool"] as? [String: Any])?["name"] as? String == "General" }
        #expect(general?["size"] as? Int == 0)
        #expect(general?["outflow"] as? Int == 4)
        #expect((general?["fairness"] as? [String: Any])?["spread"] as? Int == 0)
        #expect(((general?["fairness"] as? [String: Any])?["members"] as? [Any])?.count == 2)
    }

    @Test func deactivatingAUserReleasesTheirCustomersAndStopsTheirToken() throws {
        let a = try server.createCustomer("Leaver A", owner: "rep1", region: "上海")
        let b = try server.createCustomer("Leaver B", owner: "rep1", region: "四川")
        let result = try server.query("mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }", variables: ["id": server.userID("rep1")])
        #expect(result.at("data", "setUserActive", "active") as? Bool == false)
        let pools = try server.query(
            "query($a: ID!, $b: ID!) { a: customer(id: $a) { owner { name } pool { name } ownershipHistory { kind reason } } b: customer(id: $b) { pool { name } } }",
            variables: ["a": a, "b": b])
        #expect(pools.at("data", "a", "owner") is NSNull)
        #expect(pools.at("data", "a", "pool", "name") as? String == "East pool")
        #expect(pools.at("data", "b", "pool", "name") as? String == "General")
        #expect((pools.at("data", "a", "ownershipHistory", 1, "reason") as? String)?.contains("deactivated") == true)
        let refused = try server.client.graphQL("{ me { name } }", token: server.tokens["rep1"])
        #expect(refused.status == 401)
        #expect(try server.query("mutation($id: ID!) { setUserActive(id: $id, active: false) { active } }", as: "manager",
                                 variables: ["id": server.userID("rep2")]).errorCodes == ["FORBIDDEN"])
    }

    @Test func repMetricsCountWhatEachRepDid() throws {
        let ids = try (0..<3).map { try server.createCustomer("M \($0)", pool: "general") }
        _ = try server.query("mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded } }", as: "rep1", variables: ["ids": ids])
        server.clock.advance(seconds: 7200)
        _ = try server.query("mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"c\") { id } }", as: "rep1", variables: ["id": ids[0]])
        server.clock.advance(seconds: 3600 * 4)
        _ = try server.query("mutation($id: ID!) { addFollowUp(customerId: $id, kind: CALL, text: \"c\") { id } }", as: "rep1", variables: ["id": ids[1]])
        _ = try server.query("mutation($id: ID!) { updateCustomer(id: $id, input: {status: WON, dealAmount: 5000}) { id } }", as: "rep1", variables: ["id": ids[0]])
        _ = try server.query("mutation($id: ID!) { releaseCustomer(id: $id, reason: \"no\") { id } }", as: "rep1", variables: ["id": ids[2]])
        let metrics = try server.query(
            "{ repMetrics(from: \"2026-09-01T00:00:00Z\", to: \"2026-10-01T00:00:00Z\") { user { name } claimed released followUps medianHoursToFirstFollowUp convertedToWon wonAmount } }",
            as: "manager")
        let rep1 = (metrics.at("data", "repMetrics") as? [[String: Any]] ?? []).first { ($0["user"] as? [String: Any])?["name"] as? String == "rep1" }
        #expect(rep1?["claimed"] as? Int == 3)
        #expect(rep1?["released"] as? Int == 1)
        #expect(rep1?["followUps"] as? Int == 2)
        #expect(rep1?["medianHoursToFirstFollowUp"] as? Double == 4)
        #expect(rep1?["convertedToWon"] as? Int == 1)
        #expect(rep1?["wonAmount"] as? Double == 5000)
    }
}
