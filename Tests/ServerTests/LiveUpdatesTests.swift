import Foundation
import Testing

import GraphQLAPI
import PoolDomain
import TestSupport

/// Live updates over Server-Sent Events through the real server: what each subscriber is sent,
/// seen as their own queries would see it, the limits, and how streams end.
@Suite struct LiveUpdatesTests {
    static let fast: LiveLimits = {
        var limits = LiveLimits()
        limits.pollInterval = 0.05
        limits.heartbeat = 0.3
        limits.perToken = 2
        return limits
    }()

    static let mine = "subscription { myCustomersChanged { kind customer { id name phone owner { name } } event { kind } message } }"
    static let pool = "subscription($p: ID!) { poolChanged(poolId: $p) { kind customer { id name phone } event { kind toOwner { name } } } }"

    @Test func aRepHearsOfTheirOwnCustomersAndNothingElse() throws {
        let server = try TestServer(live: Self.fast)
        let stream = try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens["rep1"])
        #expect(stream.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let pooled = try server.createCustomer("Live Co", pool: "east", phone: "13811112222")
        let other = try server.createCustomer("Elsewhere Co", pool: "east")
        _ = try server.query("mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }",
                             variables: ["c": [other], "u": server.userID("rep2")])
        _ = try server.query("mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }",
                             variables: ["c": [pooled], "u": server.userID("rep1")])
        let assigned = try stream.next()
        #expect(assigned.name == "next")
        #expect(assigned.json.at("data", "myCustomersChanged", "kind") as? String == "ASSIGNED")
        #expect(assigned.json.at("data", "myCustomersChanged", "customer", "id") as? String == pooled, "rep2's customer was not sent")
        #expect(assigned.json.at("data", "myCustomersChanged", "customer", "owner", "name") as? String == "rep1")
        _ = try server.query("mutation($c: ID!) { releaseCustomer(id: $c, reason: \"not now\") { id } }", as: "rep1", variables: ["c": pooled])
        let released = try stream.next()
        #expect(released.json.at("data", "myCustomersChanged", "kind") as? String == "RELEASED")
        #expect(stream.staysQuiet(for: 0.5))
    }

    @Test func aPoolsWatchersSeeCustomersEnterAndLeaveAsTheirQueriesWould() throws {
        let server = try TestServer(live: Self.fast)
        _ = try server.setRules("east", ["maskedFields": ["PHONE"]])
        let stream = try EventStreamClient(port: server.app.port, query: Self.pool, variables: ["p": server.poolID("east")], token: server.tokens["rep1"])
        let id = try server.createCustomer("Masked Co", pool: "east", phone: "13811112222")
        let entered = try stream.next()
        #expect(entered.json.at("data", "poolChanged", "kind") as? String == "ENTERED")
        #expect(entered.json.at("data", "poolChanged", "customer", "id") as? String == id)
        #expect(entered.json.at("data", "poolChanged", "customer", "phone") as? String == "138****2222", "masked as in a query")
        _ = try server.query("mutation($c: [ID!]!) { claimCustomers(ids: $c) { succeeded } }", as: "rep2", variables: ["c": [id]])
        let left = try stream.next()
        #expect(left.json.at("data", "poolChanged", "kind") as? String == "LEFT")
        #expect(left.json.at("data", "poolChanged", "customer") is NSNull, "rep2's customer now: rep1 may not see it")
        _ = try server.createCustomer("General Co", pool: "general")
        #expect(stream.staysQuiet(for: 0.5), "another pool's changes are not sent")
    }

    @Test func subscriptionsAreRefusedWithoutAStreamAPoolOrRoom() throws {
        let server = try TestServer(live: Self.fast)
        let plain = try server.query(Self.mine, as: "rep1")
        #expect(plain.errorCodes == ["BAD_REQUEST"], "a subscription needs Accept: text/event-stream")
        let unknown = try #require(throws: EventStreamClient.Failure.self) {
            try EventStreamClient(port: server.app.port, query: Self.pool, variables: ["p": "pool_999"], token: server.tokens["rep1"])
        }
        guard case .status(let status, let body) = unknown else { Issue.record("\(unknown)"); return }
        #expect(status == 400 && body.contains("NOT_FOUND"), "refused before any stream opens: \(status) \(body)")
        let anonymous = try #require(throws: EventStreamClient.Failure.self) { try EventStreamClient(port: server.app.port, query: Self.mine, token: nil) }
        guard case .status(401, _) = anonymous else { Issue.record("\(anonymous)"); return }
        let first = try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens["rep1"])
        let second = try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens["rep1"])
        let third = try #require(throws: EventStreamClient.Failure.self) {
            try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens["rep1"])
        }
        guard case .status(let limited, let refusal) = third else { Issue.record("\(third)"); return }
        #expect(limited == 429 && refusal.contains("TOO_MANY_SUBSCRIPTIONS"))
        _ = (first, second)
    }

    /// A browser's `EventSource` sends no headers: a GET stream may carry the token as
    /// `access_token`; no other request may.
    @Test func anEventSourceStyleGetStreamCarriesItsTokenInTheQuery() throws {
        let server = try TestServer(live: Self.fast)
        let query = Self.mine.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let stream = try EventStreamClient(port: server.app.port, getPath: "/graphql?query=\(query)&access_token=\(server.tokens["rep1"]!)")
        let id = try server.createCustomer("Browser Co", pool: "east")
        _ = try server.query("mutation($c: [ID!]!, $u: ID!) { assignCustomers(ids: $c, toUserId: $u) { succeeded } }",
                             variables: ["c": [id], "u": server.userID("rep1")])
        #expect(try stream.next().json.at("data", "myCustomersChanged", "customer", "id") as? String == id)
        let plain = try server.client.send(
            method: "GET", path: "/graphql?query=%7B%20me%20%7B%20name%20%7D%20%7D&access_token=\(server.tokens["rep1"]!)",
            headers: [("Accept", "application/json")])
        #expect(plain.status == 401, "only an event stream takes the token from the query")
    }

    /// Open streams hold no worker thread: more streams than threads, and a query still answers.
    @Test func streamsHoldNoWorkerThread() throws {
        let server = try TestServer(threads: 2, live: Self.fast)
        let streams = try ["rep1", "rep2", "rep3", "manager"].flatMap { user in
            try (0..<2).map { _ in try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens[user]) }
        }
        let started = Date()
        #expect(try server.query("{ me { name } }").at("data", "me", "name") as? String == "admin")
        #expect(Date().timeIntervalSince(started) < 2, "8 streams on 2 worker threads left the query a thread")
        #expect(streams.allSatisfy { $0.status == 200 })
    }

    @Test func aRevokedTokensStreamsEndAndStoppingEndsEveryStream() throws {
        let server = try TestServer(live: Self.fast)
        let token = try server.database.issueToken(for: server.users["rep1"]!.id, label: "live")
        let stream = try EventStreamClient(port: server.app.port, query: Self.mine, token: token)
        let other = try EventStreamClient(port: server.app.port, query: Self.mine, token: server.tokens["rep2"])
        let id = try server.database.apiTokens().first { $0.label == "live" }!.id
        _ = try server.query("mutation($t: ID!) { revokeApiToken(id: $t) { id } }", variables: ["t": "tok_\(id)"])
        #expect(try stream.next(timeout: 3).name == "complete")
        #expect(throws: EventStreamClient.Failure.self) { try stream.next(timeout: 1) }
        server.app.stop()
        #expect(try other.next(timeout: 5).name == "complete")
    }
}
