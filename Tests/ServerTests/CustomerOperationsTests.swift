import Foundation
import Testing

import TestSupport

/// Every operation through the real HTTP endpoint.
@Suite struct CustomerOperationsTests {
    let server = try! TestServer()

    @Test func whoeverCreatesACustomerOwnsItAndTheCreationIsRecorded() throws {
        let result = try server.query(
            """
            mutation($input: CreateCustomerInput!) { createCustomer(input: $input) {
              id name phone status owner { name } pool { name } createdBy { name }
              ownershipHistory { kind toOwner { name } actor { name } } } }
            """, as: "rep1",
            variables: ["input": ["name": "杭州云帆科技有限公司", "phone": "138 0013 8000", "region": "浙江"]])
        #expect(result["errors"] == nil)
        #expect(result.at("data", "createCustomer", "owner", "name") as? String == "rep1")
        #expect(result.at("data", "createCustomer", "pool") is NSNull)
        #expect(result.at("data", "createCustomer", "status") as? String == "LEAD")
        #expect(result.at("data", "createCustomer", "ownershipHistory", 0, "kind") as? String == "CREATE")
        #expect(result.at("data", "createCustomer", "ownershipHistory", 0, "toOwner", "name") as? String == "rep1")
    }

    @Test func aDuplicateIsRefusedSayingWhereTheRecordIsWithoutLeakingItsId() throws {
        try server.createCustomer("北京星辰科技有限公司", owner: "rep2", phone: "13900001111", email: "info@xingchen.cn")
        for input: [String: Any] in [
            ["name": "北京 星辰科技"], ["name": "Other", "phone": "+86 139-0000-1111"],
            ["name": "Other2", "email": "INFO@xingchen.cn"],
        ] {
            let result = try server.query(
                "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }", as: "rep1",
                variables: ["i": input])
            #expect(result.errorCodes == ["DUPLICATE_CUSTOMER"])
            let duplicate = result.at("errors", 0, "extensions", "duplicate") as? [String: Any]
            #expect(duplicate?["owner"] as? String == "rep2")
            #expect(duplicate?["customerId"] is NSNull, "rep1 may not see rep2's customer")
        }
        let asManager = try server.query(
            "mutation { createCustomer(input: {name: \"北京星辰科技\"}) { id } }", as: "manager")
        #expect((asManager.at("errors", 0, "extensions", "duplicate") as? [String: Any])?["customerId"] as? String != nil)
        let field = asManager.at("errors", 0, "extensions", "duplicate", "field") as? String
        #expect(field == "NAME")
    }

    @Test func managersCreateLeadsStraightIntoAPoolButRepsCannot() throws {
        let pool = "pool_\(server.pools["east"]!.id.rawValue)"
        let query = "mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { owner { name } pool { name } } }"
        let byManager = try server.query(query, as: "manager", variables: ["i": ["name": "Lead One", "poolId": pool]])
        #expect(byManager.at("data", "createCustomer", "pool", "name") as? String == "East pool")
        let byRep = try server.query(query, as: "rep1", variables: ["i": ["name": "Lead Two", "poolId": pool]])
        #expect(byRep.errorCodes == ["FORBIDDEN"])
    }

    @Test func claimTakesAPoolCustomerAndASecondClaimSaysWhoOwnsIt() throws {
        let id = try server.createCustomer("Pool Co", pool: "east")
        let claim = "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded results { customerId ok error { code message } customer { owner { name } pool { name } ownerSince } } } }"
        let first = try server.query(claim, as: "rep1", variables: ["ids": [id]])
        #expect(first.at("data", "claimCustomers", "succeeded") as? Int == 1)
        #expect(first.at("data", "claimCustomers", "results", 0, "customer", "owner", "name") as? String == "rep1")
        #expect(first.at("data", "claimCustomers", "results", 0, "customer", "pool") is NSNull)
        let second = try server.query(claim, as: "rep2", variables: ["ids": [id, "cus_999999", "bogus"]])
        let results = try #require(second.at("data", "claimCustomers", "results") as? [[String: Any]])
        #expect(results.map { $0["ok"] as? Bool } == [false, false, false])
        #expect(results.map { ($0["error"] as? [String: Any])?["code"] as? String } == ["ALREADY_OWNED", "NOT_FOUND", "INVALID_ID"])
        #expect(results.map { $0["customerId"] as? String } == [id, "cus_999999", "bogus"])
    }

    @Test func releaseNeedsTheOwnerAndAReasonAndRoutesByRegion() throws {
        let id = try server.createCustomer("Release Co", owner: "rep1", region: "上海")
        let release = "mutation($id: ID!, $r: String!) { releaseCustomer(id: $id, reason: $r) { owner { name } previousOwner { name } pool { name } ownershipHistory { kind reason routedBy fromOwner { name } toPool { name } } } }"
        #expect(try server.query(release, as: "rep2", variables: ["id": id, "r": "x"]).errorCodes == ["NOT_FOUND"])
        #expect(try server.query(release, as: "rep1", variables: ["id": id, "r": "  "]).errorCodes == ["BAD_USER_INPUT"])
        let done = try server.query(release, as: "rep1", variables: ["id": id, "r": "no budget"])
        #expect(done.at("data", "releaseCustomer", "owner") is NSNull)
        #expect(done.at("data", "releaseCustomer", "previousOwner", "name") as? String == "rep1")
        #expect(done.at("data", "releaseCustomer", "pool", "name") as? String == "East pool")
        #expect(done.at("data", "releaseCustomer", "ownershipHistory", 1, "kind") as? String == "RELEASE")
        #expect(done.at("data", "releaseCustomer", "ownershipHistory", 1, "routedBy") as? String == "MATCHED")
        #expect(done.at("data", "releaseCustomer", "ownershipHistory", 1, "reason") as? String == "no budget")
        #expect(done.at("data", "releaseCustomer", "ownershipHistory", 1, "fromOwner", "name") as? String == "rep1")
        let again = try server.query(release, as: "rep1", variables: ["id": id, "r": "again"])
        #expect(again.errorCodes == ["NOT_OWNER"])
    }

    @Test func releaseIntoANamedPoolAndUnmatchedGoesToTheDefault() throws {
        let general = "pool_\(server.pools["general"]!.id.rawValue)"
        let a = try server.createCustomer("Named Co", owner: "rep1", region: "上海")
        let b = try server.createCustomer("Unmatched Co", owner: "rep1", region: "四川")
        let named = try server.query(
            "mutation($id: ID!, $p: ID) { releaseCustomer(id: $id, reason: \"x\", poolId: $p) { pool { name } ownershipHistory { routedBy } } }",
            as: "rep1", variables: ["id": a, "p": general])
        #expect(named.at("data", "releaseCustomer", "pool", "name") as? String == "General")
        #expect(named.at("data", "releaseCustomer", "ownershipHistory", 1, "routedBy") as? String == "EXPLICIT")
        let routed = try server.query(
            "mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { pool { name } ownershipHistory { routedBy } } }",
            as: "rep1", variables: ["id": b])
        #expect(routed.at("data", "releaseCustomer", "pool", "name") as? String == "General")
        #expect(routed.at("data", "releaseCustomer", "ownershipHistory", 1, "routedBy") as? String == "DEFAULT")
    }

    @Test func managersAssignPoolAndTeamCustomersRepsMayNot() throws {
        let pooled = try server.createCustomer("Assign Pool Co", pool: "east")
        let owned = try server.createCustomer("Assign Team Co", owner: "rep1")
        let rep2 = "usr_\(server.users["rep2"]!.id.rawValue)"
        let assign = "mutation($ids: [ID!]!, $to: ID!) { assignCustomers(ids: $ids, toUserId: $to, reason: \"balance\") { succeeded results { ok error { code } customer { owner { name } ownershipHistory { kind actor { name } } } } } }"
        let byRep = try server.query(assign, as: "rep1", variables: ["ids": [pooled], "to": rep2])
        #expect(byRep.at("data", "assignCustomers", "results", 0, "error", "code") as? String == "FORBIDDEN")
        let byManager = try server.query(assign, as: "manager", variables: ["ids": [pooled, owned], "to": rep2])
        #expect(byManager.at("data", "assignCustomers", "succeeded") as? Int == 2)
        #expect(byManager.at("data", "assignCustomers", "results", 1, "customer", "owner", "name") as? String == "rep2")
        #expect(byManager.at("data", "assignCustomers", "results", 0, "customer", "ownershipHistory", 1, "actor", "name") as? String == "manager")
        let badUser = try server.query(assign, as: "manager", variables: ["ids": [pooled], "to": "cus_1"])
        #expect(badUser.errorCodes == ["INVALID_ID"])
    }

    @Test func transferHandsAPrivateCustomerToAnotherRep() throws {
        let id = try server.createCustomer("Transfer Co", owner: "rep1")
        let rep2 = "usr_\(server.users["rep2"]!.id.rawValue)"
        let transfer = "mutation($id: ID!, $to: ID!) { transferCustomer(id: $id, toUserId: $to, reason: \"leave\") { owner { name } previousOwner { name } } }"
        #expect(try server.query(transfer, as: "rep3", variables: ["id": id, "to": rep2]).errorCodes == ["NOT_FOUND"])
        let done = try server.query(transfer, as: "rep1", variables: ["id": id, "to": rep2])
        #expect(done.at("data", "transferCustomer", "owner", "name") as? String == "rep2")
        #expect(done.at("data", "transferCustomer", "previousOwner", "name") as? String == "rep1")
    }

    @Test func lockedCustomersStayPutUntilUnlocked() throws {
        let id = try server.createCustomer("Lock Co", owner: "rep1")
        let lock = try server.query("mutation($id: ID!) { lockCustomer(id: $id) { locked } }", as: "rep1", variables: ["id": id])
        #expect(lock.at("data", "lockCustomer", "locked") as? Bool == true)
        let release = "mutation($id: ID!) { releaseCustomer(id: $id, reason: \"x\") { id } }"
        #expect(try server.query(release, as: "rep1", variables: ["id": id]).errorCodes == ["CUSTOMER_LOCKED"])
        _ = try server.query("mutation($id: ID!) { unlockCustomer(id: $id) { locked } }", as: "rep1", variables: ["id": id])
        #expect(try server.query(release, as: "rep1", variables: ["id": id])["errors"] == nil)
    }

    @Test func aFollowUpMovesLastFollowUpAtAndCannotBeInTheFuture() throws {
        let id = try server.createCustomer("Follow Co", owner: "rep1")
        server.clock.advance(days: 3)
        let add = "mutation($id: ID!, $at: DateTime) { addFollowUp(customerId: $id, kind: CALL, text: \"called\", at: $at) { kind text at by { name } } }"
        let done = try server.query(add, as: "rep1", variables: ["id": id])
        #expect(done.at("data", "addFollowUp", "by", "name") as? String == "rep1")
        let expected = "2026-09-24T14:13:20.000Z"
        #expect(done.at("data", "addFollowUp", "at") as? String == expected)
        let customer = try server.query(
            "query($id: ID!) { customer(id: $id) { lastFollowUpAt lastFollowUp { text } followUps { kind } } }",
            as: "rep1", variables: ["id": id])
        #expect(customer.at("data", "customer", "lastFollowUpAt") as? String == expected)
        #expect(customer.at("data", "customer", "lastFollowUp", "text") as? String == "called")
        let future = try server.query(add, as: "rep1", variables: ["id": id, "at": "2030-01-01T00:00:00Z"])
        #expect(future.errorCodes == ["BAD_USER_INPUT"])
        let notADate = try server.query(add, as: "rep1", variables: ["id": id, "at": "yesterday"])
        #expect(notADate.errorCodes == ["BAD_USER_INPUT"])
        #expect(try server.query(add, as: "rep2", variables: ["id": id]).errorCodes == ["NOT_FOUND"])
    }

    @Test func aStatusChangeMovesLastProgressAtButOtherEditsDoNot() throws {
        let id = try server.createCustomer("Progress Co", owner: "rep1")
        server.clock.advance(days: 2)
        let update = "mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { status level dealAmount phone lastProgressAt owner { name } } }"
        let edit = try server.query(update, as: "rep1", variables: ["id": id, "i": ["level": "A", "phone": "13811112222"]])
        #expect(edit.at("data", "updateCustomer", "lastProgressAt") as? String == "2026-09-21T14:13:20.000Z")
        #expect(edit.at("data", "updateCustomer", "level") as? String == "A")
        let won = try server.query(update, as: "rep1", variables: ["id": id, "i": ["status": "WON", "dealAmount": 12800.5, "phone": NSNull()]])
        #expect(won.at("data", "updateCustomer", "lastProgressAt") as? String == "2026-09-23T14:13:20.000Z")
        #expect(won.at("data", "updateCustomer", "dealAmount") as? Double == 12800.5)
        #expect(won.at("data", "updateCustomer", "phone") is NSNull)
        #expect(won.at("data", "updateCustomer", "owner", "name") as? String == "rep1")
        #expect(try server.query(update, as: "rep1", variables: ["id": id, "i": ["name": NSNull()]]).errorCodes == ["BAD_USER_INPUT"])
    }

    @Test func theOwnerCannotBeEditedThroughUpdate() throws {
        let id = try server.createCustomer("Owner Edit Co", owner: "rep1")
        let result = try server.query(
            "mutation($id: ID!) { updateCustomer(id: $id, input: {owner: \"usr_1\"}) { id } }", as: "rep1",
            variables: ["id": id])
        #expect(result.errorCodes == ["GRAPHQL_VALIDATION_FAILED"])
    }
}
