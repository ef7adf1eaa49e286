import Foundation
import PoolDomain
import GraphQLAPI
import Testing

import TestSupport

/// A page of customers with their owner, pool and last follow-up costs a fixed number of SQL
/// statements, whatever the page size.
@Suite struct BatchLoadingTests {
    @Test func aPageOfCustomersWithRelationsIssuesAFixedNumberOfStatements() throws {
        // Pages of 100 through a token would be recorded as who saw what (a fixed cost, not one
        // that grows with the page): this test counts the page's own reads.
        // The production executor alone: in `verify` mode the reference executor reads the
        // page again.
        let server = try TestServer(executor: .compiled) { $0.accessWatch = AccessWatch(bulkPageRows: 1000) }
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
        // The first request also reads the settings and users the store keeps between requests.
        _ = try server.query(query, as: "admin", variables: ["n": 10])
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
            // Not the token's check: it may come from the cache of recently verified tokens. Nor
            // the check GRDB makes when a thread opens its read connection.
            counts[size] = statements.filter {
                ["SELECT", "INSERT", "UPDATE", "DELETE"].contains($0.prefix(6)) && !$0.contains("api_tokens")
                    && !$0.contains("sqlite_master")
            }.count
        }
        #expect(counts[10] == counts[100], "\(last)")
        // The compiled page, the departments, its count, the last follow-ups of all its
        // customers at once, and the settings' change tokens.
        #expect((counts[100] ?? 99) <= 5, "statements: \(counts) \(last)")
    }

    /// A query's resolvers all read from one transaction (one snapshot), after the token check;
    /// a mutation does not, so its own reads see its writes.
    @Test func aQueryReadsFromOneSnapshotAndAMutationSeesItsOwnWrites() throws {
        let server = try TestServer(executor: .compiled)
        let pooled = try server.createCustomer("Snapshot Ltd", owner: nil, pool: "east")
        _ = try server.createCustomer("Owned Ltd", owner: "rep1", pool: nil)
        let query = "{ customers(first: 10) { totalCount nodes { id owner { name department { name } } pool { name } } } }"
        var response: [String: Any] = [:]
        let statements = try server.statements.capture { response = try server.query(query, as: "rep1") }
        #expect(response["errors"] == nil)
        #expect((response.at("data", "customers", "nodes") as? [Any])?.count == 2)
        let transactions = statements.filter { $0.hasPrefix("BEGIN") }
        // The token's check may come from the cache of recently verified tokens; a token's first
        // use in a minute is written down in a transaction of its own.
        #expect((1...3).contains(transactions.count), "one for the query, maybe one for the token and its use: \(statements)")

        let claimed = try server.query(
            "mutation($id: ID!) { claimCustomers(ids: [$id]) { results { ok customer { owner { name } } } } }", as: "rep1",
            variables: ["id": pooled])
        let result = (claimed.at("data", "claimCustomers", "results") as? [[String: Any]])?.first
        #expect(result?["ok"] as? Bool == true)
        #expect((result?["customer"] as? [String: Any])?.at("owner", "name") as? String == "rep1")
    }
}
