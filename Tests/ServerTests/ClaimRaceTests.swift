import Foundation
import GRDB
import Testing

import TestSupport

/// Many reps claim the same pool customers at the same moment over HTTP: each customer ends with
/// exactly one owner and one claim event, and every loser is told ALREADY_OWNED.
@Suite struct ClaimRaceTests {
    @Test func sixteenThreadsRacingForFiftyCustomersProduceOneOwnerEach() throws {
        let server = try TestServer(threads: 4)
        var tokens: [String] = []
        for index in 0..<16 {
            let user = try server.database.createUser(name: "racer\(index)", role: .rep, departmentID: nil)
            tokens.append(try server.database.issueToken(for: user.id, label: "race"))
        }
        let ids = try (0..<50).map { try server.createCustomer("Race \($0)", pool: "east") }
        let outcomes = Outcomes()
        let start = DispatchSemaphore(value: 0)
        let group = DispatchGroup()
        for (index, token) in tokens.enumerated() {
            group.enter()
            Thread {
                defer { group.leave() }
                start.wait()
                var order = ids
                order.shuffle()
                for id in order {
                    let response = try? server.client.graphQL(
                        "mutation($ids: [ID!]!) { claimCustomers(ids: $ids) { results { customerId ok error { code } customer { owner { name } } } } }",
                        variables: ["ids": [id]], token: token)
                    let result = response?.json.at("data", "claimCustomers", "results", 0) as? [String: Any]
                    let code = (result?["error"] as? [String: Any])?["code"] as? String
                    outcomes.add(id: id, racer: "racer\(index)", ok: result?["ok"] as? Bool == true, code: code)
                }
            }.start()
        }
        for _ in tokens { start.signal() }
        group.wait()

        let all = outcomes.all
        #expect(all.count == 16 * 50)
        for id in ids {
            let forID = all.filter { $0.id == id }
            let winners = forID.filter(\.ok)
            #expect(winners.count == 1, "\(id) had \(winners.count) winners")
            #expect(forID.filter { !$0.ok }.allSatisfy { $0.code == "ALREADY_OWNED" })
        }
        let rows = try server.rows(
            """
            SELECT c.id, u.name AS owner, c.pool_id,
              (SELECT COUNT(*) FROM ownership_events e WHERE e.customer_id = c.id AND e.kind = 'claim') AS claims,
              (SELECT u2.name FROM ownership_events e JOIN users u2 ON u2.id = e.to_owner_id
                 WHERE e.customer_id = c.id AND e.kind = 'claim') AS claimer
            FROM customers c LEFT JOIN users u ON u.id = c.owner_id WHERE c.name LIKE 'Race %'
            """)
        #expect(rows.count == 50)
        for row in rows {
            let (id, owner, pool, claims, claimer) = (row[0]!, row[1], row[2], row[3], row[4])
            #expect(owner != nil && pool == nil)
            #expect(claims == "1")
            #expect(claimer == owner)
            #expect(all.first { $0.id == "cus_\(id)" && $0.ok }?.racer == owner)
        }
    }
}

final class Outcomes: @unchecked Sendable {
    struct Outcome { let id: String; let racer: String; let ok: Bool; let code: String? }
    private let lock = NSLock()
    private var items: [Outcome] = []

    func add(id: String, racer: String, ok: Bool, code: String?) {
        lock.withLock { items.append(Outcome(id: id, racer: racer, ok: ok, code: code)) }
    }

    var all: [Outcome] { lock.withLock { items } }
}
