import Foundation
import Testing

import TestSupport

/// The ownership event feed: in order, resumable from a cursor, with the same visibility as
/// everything else.
@Suite struct EventFeedTests {
    let server = try! TestServer()
    let feed = "query($after: String, $n: Int) { ownershipEvents(after: $after, first: $n) { events { id kind customer { name } toOwner { name } } endCursor hasMore } }"

    func poll(_ user: String, after: Any = NSNull(), first: Int = 50) throws -> [String: Any] {
        let result = try server.query(feed, as: user, variables: ["after": after, "n": first])
        #expect(result["errors"] == nil, "\(result)")
        return result.at("data", "ownershipEvents") as? [String: Any] ?? [:]
    }

    @Test func partnersCatchUpInOrderFromTheirLastCursorAndSeeOnlyWhatTheyMay() throws {
        let pooled = try server.createCustomer("Feed Pool Co", pool: "general")
        try server.createCustomer("Rep2 Secret Co", owner: "rep2")
        let first = try poll("rep1")
        let names = (first["events"] as? [[String: Any]] ?? []).compactMap { ($0["customer"] as? [String: Any])?["name"] as? String }
        #expect(names == ["Feed Pool Co"], "rep1 does not see rep2's customer's events")
        #expect(first["hasMore"] as? Bool == false)
        let cursor = try #require(first["endCursor"] as? String)
        let nothing = try poll("rep1", after: cursor)
        #expect((nothing["events"] as? [Any])?.isEmpty == true)
        #expect(nothing["endCursor"] as? String == cursor, "an empty page keeps the cursor")
        _ = try server.query("mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { succeeded } }", as: "rep1", variables: ["ids": [pooled]])
        let next = try poll("rep1", after: cursor)
        let kinds = (next["events"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["CLAIM"])
        #expect(next.at("events", 0, "toOwner", "name") as? String == "rep1")
        let all = try poll("admin")
        #expect((all["events"] as? [Any])?.count == 3)
    }

    @Test func pagesFollowEachOtherWithoutGapsOrRepeats() throws {
        for index in 0..<7 { try server.createCustomer("Paged \(index)", pool: "general") }
        var seen: [String] = []
        var cursor: Any = NSNull()
        while true {
            let page = try poll("admin", after: cursor, first: 3)
            seen += (page["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            cursor = page["endCursor"] ?? NSNull()
            if page["hasMore"] as? Bool != true { break }
        }
        #expect(seen.count == 7)
        #expect(seen == seen.sorted { Int($0.dropFirst(4))! < Int($1.dropFirst(4))! })
        #expect(try server.query(feed, as: "admin", variables: ["after": "not-a-cursor", "n": 3]).errorCodes == ["BAD_USER_INPUT"])
    }
}
