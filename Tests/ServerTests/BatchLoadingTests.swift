import Foundation
import Testing

import TestSupport

/// A page of customers with their owner, pool and last follow-up costs a fixed number of SQL
/// statements, whatever the page size.
@Suite struct BatchLoadingTests {
    @Test func aPageOfCustomersWithRelationsIssuesAFixedNumberOfStatements() throws {
        let server = try TestServer()
        for index in 0..<120 {
            let owner = ["rep1", "rep2", "rep3", nil][index % 4]
            let id = try server.createCustomer("Batch \(index)", owner: owner, pool: owner == nil ? "east" : nil)
            if let owner {
                _ = try server.query(
                    "mutation($id: ID!) { addFollowUp(customerId: $id, kind: NOTE, text: \"n\") { id } }", as: owner,
                    variables: ["id": id])
            }
        }
        let query = "query($n: Int) { customers(first: $n) { totalCount nodes { id name owner { name department { name } } pool { name } lastFollowUp { text by { name } } } } }"
        var counts: [Int: Int] = [:]
        var last: [String] = []
        for size in [10, 100] {
            var response: [String: Any] = [:]
            let statements = try server.statements.capture {
                response = try server.query(query, as: "admin", variables: ["n": size])
            }
            #expect(response["errors"] == nil)
            let nodes = response.at("data", "customers", "nodes") as? [[String: Any]] ?? []
            #expect(nodes.count == size)
            #expect(nodes.contains { ($0["lastFollowUp"] as? [String: Any])?["text"] as? String == "n" })
            last = statements
            counts[size] = statements.filter { ["SELECT", "INSERT", "UPDATE", "DELETE"].contains($0.prefix(6)) }.count
        }
        #expect(counts[10] == counts[100])
        #expect((counts[100] ?? 99) <= 7, "statements: \(counts) \(last)")
    }
}
