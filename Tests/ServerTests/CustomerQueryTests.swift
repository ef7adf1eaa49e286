import Foundation
import Testing

import TestSupport

@Suite struct CustomerQueryTests {
    let server = try! TestServer()

    @Test func meDescribesTheCaller() throws {
        let result = try server.query("{ me { id name role active department { name parent { name } } } }", as: "rep1")
        #expect(result.at("data", "me", "name") as? String == "rep1")
        #expect(result.at("data", "me", "role") as? String == "REP")
        #expect(result.at("data", "me", "department", "name") as? String == "East")
        #expect(result.at("data", "me", "department", "parent", "name") as? String == "Sales")
    }

    @Test func usersDepartmentsAndPoolsAreListed() throws {
        let result = try server.query("{ users { name role } departments { name children { name } } pools { name isDefault regions priority } }", as: "rep1")
        #expect((result.at("data", "users") as? [Any])?.count == 5)
        #expect(result.at("data", "departments", 0, "children", 0, "name") as? String == "East")
        #expect(result.at("data", "pools", 0, "name") as? String == "East pool")
        #expect(result.at("data", "pools", 0, "regions") as? [String] == ["上海", "浙江"])
        #expect(result.at("data", "pools", 1, "isDefault") as? Bool == true)
    }

    @Test func aRepSeesOwnAndPoolCustomersButNotAnotherRepsInAnyWay() throws {
        let mine = try server.createCustomer("Mine Co", owner: "rep1")
        let theirs = try server.createCustomer("Theirs Co", owner: "rep2")
        try server.createCustomer("Pooled Co", pool: "east")
        let list = try server.query("{ customers(first: 50) { totalCount nodes { id name } } }", as: "rep1")
        let names = Set(((list.at("data", "customers", "nodes") as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String })
        #expect(names == ["Mine Co", "Pooled Co"])
        #expect(list.at("data", "customers", "totalCount") as? Int == 2)
        let single = try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "rep1", variables: ["id": theirs])
        #expect(single.errorCodes == ["NOT_FOUND"])
        #expect(single.at("data", "customer") is NSNull)
        let searched = try server.query("{ customers(filter: {search: \"Theirs\"}) { totalCount } }", as: "rep1")
        #expect(searched.at("data", "customers", "totalCount") as? Int == 0)
        let byOwner = try server.query(
            "query($o: ID) { customers(filter: {ownerId: $o}) { totalCount } }", as: "rep1",
            variables: ["o": "usr_\(server.users["rep2"]!.id.rawValue)"])
        #expect(byOwner.at("data", "customers", "totalCount") as? Int == 0)
        let asManager = try server.query("{ customers { totalCount } }", as: "manager")
        #expect(asManager.at("data", "customers", "totalCount") as? Int == 3)
        #expect(try server.query("query($id: ID!) { customer(id: $id) { name } }", as: "rep1", variables: ["id": mine])
            .at("data", "customer", "name") as? String == "Mine Co")
    }

    @Test func filtersCombine() throws {
        try server.createCustomer("Alpha Medical", owner: "rep1", region: "上海", phone: "021-5555 0001", industry: "医疗健康")
        try server.createCustomer("Beta Retail", owner: "rep1", region: "浙江", email: "hello@beta.cn", industry: "零售")
        try server.createCustomer("Gamma Pool", pool: "east", region: "上海", industry: "医疗健康")
        func names(_ filter: String) throws -> [String] {
            let result = try server.query("{ customers(filter: \(filter), orderBy: {field: NAME, direction: ASC}) { nodes { name } } }", as: "rep1")
            return ((result.at("data", "customers", "nodes") as? [[String: Any]]) ?? []).compactMap { $0["name"] as? String }
        }
        #expect(try names("{mine: true}") == ["Alpha Medical", "Beta Retail"])
        #expect(try names("{inPool: true}") == ["Gamma Pool"])
        #expect(try names("{poolId: \"pool_\(server.pools["east"]!.id.rawValue)\"}") == ["Gamma Pool"])
        #expect(try names("{industry: \"医疗健康\"}") == ["Alpha Medical", "Gamma Pool"])
        #expect(try names("{region: \"上海\", mine: true}") == ["Alpha Medical"])
        #expect(try names("{search: \"beta.cn\"}") == ["Beta Retail"])
        #expect(try names("{search: \"55550001\"}") == ["Alpha Medical"])
        #expect(try names("{search: \"alpha\"}") == ["Alpha Medical"])
        #expect(try names("{status: [LEAD]}").count == 3)
        #expect(try names("{status: [WON]}").isEmpty)
        #expect(try names("{search: \"%\"}").isEmpty)
    }

    /// Found by the GraphQL fuzzer: a search holding a NUL answered INTERNAL (FTS5 met an
    /// unterminated phrase). No stored value holds a NUL, so such a search matches nothing, on
    /// the list, its count and a pool's list alike, and the same text without it still matches.
    @Test func aSearchHoldingANULMatchesNothingAndIsNoFault() throws {
        try server.createCustomer("Order 007", owner: "rep1")
        try server.createCustomer("Pool 007", pool: "east")
        for text in ["00\\u0000", "007\\u0000", "\\u0000", "a\\u0000b"] {
            let result = try server.query(
                "{ customers(filter: {search: \"\(text)\"}) { totalCount nodes { name } } pools { customers(filter: {search: \"\(text)\"}) { totalCount } } }",
                as: "admin")
            #expect(result.errorCodes.isEmpty, "\(text): \(result.errorCodes)")
            #expect(result.at("data", "customers", "totalCount") as? Int == 0, "\(text)")
            #expect((result.at("data", "customers", "nodes") as? [Any])?.isEmpty == true, "\(text)")
            #expect(result.at("data", "pools", 0, "customers", "totalCount") as? Int == 0, "\(text)")
        }
        let plain = try server.query("{ customers(filter: {search: \"007\"}) { totalCount } }", as: "admin")
        #expect(plain.at("data", "customers", "totalCount") as? Int == 2)
    }

    @Test func followUpDateFiltersFindCustomersToChase() throws {
        let stale = try server.createCustomer("Stale Co", owner: "rep1")
        let fresh = try server.createCustomer("Fresh Co", owner: "rep1")
        let add = "mutation($id: ID!) { addFollowUp(customerId: $id, kind: VISIT, text: \"visit\") { id } }"
        _ = try server.query(add, as: "rep1", variables: ["id": stale])
        server.clock.advance(days: 10)
        _ = try server.query(add, as: "rep1", variables: ["id": fresh])
        let cutoff = "2026-09-26T00:00:00Z"
        let before = try server.query("{ customers(filter: {followUpBefore: \"\(cutoff)\"}) { nodes { name } } }", as: "rep1")
        #expect(before.at("data", "customers", "nodes", 0, "name") as? String == "Stale Co")
        #expect((before.at("data", "customers", "nodes") as? [Any])?.count == 1)
        let after = try server.query("{ customers(filter: {followUpAfter: \"\(cutoff)\"}) { nodes { name } } }", as: "rep1")
        #expect(after.at("data", "customers", "nodes", 0, "name") as? String == "Fresh Co")
    }

    @Test func cursorsWalkEveryCustomerExactlyOnceInOrder() throws {
        for index in 0..<25 {
            try server.createCustomer("Page \(String(format: "%02d", index))", pool: "east")
            server.clock.advance(seconds: index % 3 == 0 ? 0 : 60)
        }
        for order in ["{field: NAME, direction: ASC}", "{field: CREATED_AT, direction: DESC}", "{field: LAST_FOLLOW_UP_AT}"] {
            var seen: [String] = []
            var after: Any = NSNull()
            var pages = 0
            while true {
                let result = try server.query(
                    "query($after: String) { customers(first: 7, after: $after, orderBy: \(order)) { totalCount edges { cursor node { id name } } pageInfo { hasNextPage endCursor } } }",
                    as: "rep1", variables: ["after": after])
                let edges = try #require(result.at("data", "customers", "edges") as? [[String: Any]])
                seen += edges.compactMap { ($0["node"] as? [String: Any])?["id"] as? String }
                #expect(result.at("data", "customers", "totalCount") as? Int == 25)
                pages += 1
                guard result.at("data", "customers", "pageInfo", "hasNextPage") as? Bool == true else { break }
                after = result.at("data", "customers", "pageInfo", "endCursor") ?? NSNull()
            }
            #expect(pages == 4)
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
        }
        let byName = try server.query("{ customers(first: 3, orderBy: {field: NAME, direction: ASC}) { nodes { name } } }", as: "rep1")
        #expect((byName.at("data", "customers", "nodes") as? [[String: Any]])?.compactMap { $0["name"] as? String } == ["Page 00", "Page 01", "Page 02"])
    }

    @Test func aCursorOfAnotherOrderIsRefused() throws {
        try server.createCustomer("Cursor Co", pool: "east")
        try server.createCustomer("Cursor Co 2", pool: "east")
        let page = try server.query("{ customers(first: 1) { pageInfo { endCursor } } }", as: "rep1")
        let cursor = try #require(page.at("data", "customers", "pageInfo", "endCursor") as? String)
        let wrong = try server.query(
            "query($c: String) { customers(first: 1, after: $c, orderBy: {field: NAME}) { nodes { id } } }", as: "rep1",
            variables: ["c": cursor])
        #expect(wrong.errorCodes == ["BAD_USER_INPUT"])
        let garbage = try server.query("{ customers(after: \"%%%\") { nodes { id } } }", as: "rep1")
        #expect(garbage.errorCodes == ["BAD_USER_INPUT"])
    }

    @Test func aPoolListsItsOwnCustomers() throws {
        try server.createCustomer("In East", pool: "east")
        try server.createCustomer("In General", pool: "general")
        let result = try server.query(
            "query($id: ID!) { pool(id: $id) { name customers { totalCount nodes { name pool { name } } } } }", as: "rep1",
            variables: ["id": "pool_\(server.pools["east"]!.id.rawValue)"])
        #expect(result.at("data", "pool", "customers", "totalCount") as? Int == 1)
        #expect(result.at("data", "pool", "customers", "nodes", 0, "name") as? String == "In East")
        let missing = try server.query("{ pool(id: \"pool_999\") { name } }", as: "rep1")
        #expect(missing.errorCodes == ["NOT_FOUND"])
    }
}
