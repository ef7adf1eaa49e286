import Foundation
import PoolDomain
import PoolStore
import TestSupport
import Testing

/// The webhook outbox shared by two senders (two processes on one SQLite file, two instances
/// on one PostgreSQL database): no delivery is in two senders' hands at once, and one whose
/// sender never reported back is due again when its claim ends.
@Suite struct OutboxContractTests {
    @Test(arguments: StoreBackend.allCases)
    func twoSendersNeverHoldOneDeliveryAtOnce(_ backend: StoreBackend) throws {
        let (first, second, sql) = try backend.pairWithSQL()
        let admin = Actor(try first.createUser(name: "admin", role: .admin, departmentID: nil, by: nil))
        let (endpoint, _) = try first.registerWebhook(url: "https://partner.example/hook", kinds: [.created], by: admin)
        for index in 0..<24 {
            try sql(
                """
                INSERT INTO webhook_outbox (endpoint_id, delivery_id, kind, payload, next_attempt_at, created_at)
                VALUES (\(endpoint.id), 'delivery-\(index)', 'customer.created', '{}', 0, 0)
                """)
        }
        let claims = ClaimLog()
        onRealThreads(8) { index in
            let store = index.isMultiple(of: 2) ? first : second
            while let (delivery, url, _) = (try? store.claimDueDeliveries(limit: 1, lease: 60))?.first {
                claims.add(delivery.id, url)
            }
        }
        #expect(claims.ids.count == 24, "every delivery claimed")
        #expect(Set(claims.ids).count == 24, "none claimed twice")
        #expect(Set(claims.urls) == ["https://partner.example/hook"])
        #expect(try first.claimDueDeliveries(limit: 10, lease: 60).isEmpty, "all in hand")

        // Half are reported delivered; the others' sender vanished. Their claims end…
        let delivered = Array(claims.ids.sorted().prefix(12))
        for id in delivered { try second.recordDelivery(id, succeeded: true, error: nil) }
        try sql("UPDATE webhook_outbox SET next_attempt_at = 0 WHERE status = 'pending'")
        let again = try first.claimDueDeliveries(limit: 50, lease: 60).map(\.0.id)
        #expect(Set(again) == Set(claims.ids).subtracting(delivered), "…and only the unreported are due again")
        #expect(try second.deliveries(status: .delivered, first: 50).count == 12)
    }
}

private final class ClaimLog: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [(Int64, String)] = []

    func add(_ id: Int64, _ url: String) { lock.withLock { entries.append((id, url)) } }
    var ids: [Int64] { lock.withLock { entries.map(\.0) } }
    var urls: [String] { lock.withLock { entries.map(\.1) } }
}
