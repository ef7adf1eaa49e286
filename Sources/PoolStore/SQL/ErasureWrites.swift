import Foundation
import PoolDomain

/// Erasing one customer's personal information on request (PIPL Art. 47), and the retention
/// purge: the same on both backends.
///
/// What is kept after an erasure, and why: the customer row (its id, industry, region, status,
/// placement and dates) and the ownership history with ids only, because claim limits, metrics
/// and the sweep count them and an auditor must still see who held which record when. Nothing
/// in them names or reaches the person.
public struct ErasureWrites<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// The name an erased customer is shown under.
    public static func tombstone(_ id: CustomerID) -> String { "已删除客户 #\(id.rawValue)" }

    /// Clears the customer's name, contact details, follow-up texts, the reasons typed into
    /// its ownership events, its notifications' texts and every webhook payload that carries
    /// it; records the erasure (with the request's reference, no personal data) in the audit log.
    public func erase(_ id: CustomerID, reference: String, by actor: Actor?, at now: Date) throws -> ErasureReport {
        guard try session.fetchOne("SELECT 1 FROM customers WHERE id = ?", [.int(id.rawValue)], { _ in true }) != nil else {
            throw PoolError.notFound(entity: "Customer")
        }
        let tombstone = Self.tombstone(id)
        let value = SQLValue.int(id.rawValue)
        try session.execute(
            """
            UPDATE customers SET name = ?, name_key = ?, phone = NULL, phone_key = NULL, email = NULL, email_key = NULL,
              updated_at = ? WHERE id = ?
            """, [.text(tombstone), .text("erased:\(id.rawValue)"), .int(Timestamp.encode(now)), value])
        let followUps = try session.execute("UPDATE follow_ups SET text = '' WHERE customer_id = ? AND text <> ''", [value])
        // The append-only trigger lets exactly this change through: a reason cleared, nothing else.
        let reasons = try session.execute(
            "UPDATE ownership_events SET reason = NULL WHERE customer_id = ? AND reason IS NOT NULL", [value])
        let notifications = try session.execute(
            "UPDATE notifications SET message = ? WHERE customer_id = ?", [.text(tombstone), value])
        let payloads = try eraseFromOutbox(id)
        let report = ErasureReport(
            customerID: id, followUps: followUps, eventReasons: reasons, notifications: notifications, webhookPayloads: payloads)
        try PeopleWrites(session).audit(
            actor, "erase_customer", "customer \(id.rawValue)", before: nil,
            after: "{\"reference\":\(AuditText.json(reference)),\"followUps\":\(followUps),\"eventReasons\":\(reasons),\"notifications\":\(notifications),\"webhookPayloads\":\(payloads)}",
            at: Timestamp.encode(now))
        return report
    }

    /// Every outbox payload about the customer keeps only its delivery id, kind and the
    /// customer's id (a pending delivery still tells the partner that something happened, and
    /// that the record was erased). Payloads are written with sorted keys, so the customer
    /// object always begins with its id.
    private func eraseFromOutbox(_ id: CustomerID) throws -> Int {
        let rows = try session.fetchAll(
            "SELECT id, delivery_id, kind FROM webhook_outbox WHERE payload LIKE ?", [.text("%\"customer\":{\"id\":\"cus_\(id.rawValue)\",%")]
        ) { ($0.int64(0), $0.text(1), $0.text(2)) }
        for (row, delivery, kind) in rows {
            let body: [String: Any] = ["deliveryId": delivery, "kind": kind, "customer": ["id": "cus_\(id.rawValue)"], "erased": true]
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            try session.execute("UPDATE webhook_outbox SET payload = ? WHERE id = ?", [.text(json), .int(row)])
        }
        return rows.count
    }

    /// One batch of the retention purge: follow-up texts written before `cutoff` among the
    /// next `batch` follow-ups after id `after`; returns how many it cleared and the last id it
    /// looked at (nil when there are no more). Batches keep each write transaction short.
    public func purgeFollowUps(before cutoff: Date, after: Int64, batch: Int) throws -> (cleared: Int, last: Int64?) {
        let ids = try session.fetchAll(
            "SELECT id FROM follow_ups WHERE id > ? ORDER BY id LIMIT ?", [.int(after), .int(Int64(batch))]
        ) { $0.int64(0) }
        guard let last = ids.last else { return (0, nil) }
        let cleared = try session.execute(
            "UPDATE follow_ups SET text = '' WHERE id > ? AND id <= ? AND at < ? AND text <> ''",
            [.int(after), .int(last), .int(Timestamp.encode(cutoff))])
        return (cleared, last)
    }

    /// Deletes delivered outbox rows delivered before `cutoff` (pending and dead ones stay:
    /// they are still owed, or an administrator has yet to look at them).
    public func purgeDeliveries(before cutoff: Date) throws -> Int {
        try session.execute(
            "DELETE FROM webhook_outbox WHERE status = 'delivered' AND delivered_at < ?", [.int(Timestamp.encode(cutoff))])
    }
}

/// The retention purge, once for both backends: follow-up texts in batches by id, each batch a
/// transaction of its own (a first purge of millions never holds the writer long), then the
/// delivered deliveries and the audit entry.
public struct RetentionPurge<Store: SQLTransactions> {
    let store: Store

    public init(_ store: Store) { self.store = store }

    public func purge(before cutoff: Date, at now: Date) throws -> RetentionReport {
        var (cleared, after) = (0, Int64(0))
        while true {
            let (batch, last) = try store.writeTransaction { try ErasureWrites($0).purgeFollowUps(before: cutoff, after: after, batch: 5000) }
            cleared += batch
            guard let last else { break }
            after = last
        }
        let deliveries = try store.writeTransaction { session in
            let deleted = try ErasureWrites(session).purgeDeliveries(before: cutoff)
            try PeopleWrites(session).audit(
                nil, "retention_purge", "retention", before: nil,
                after: "{\"cutoff\":\(Timestamp.encode(cutoff)),\"followUps\":\(cleared),\"deliveries\":\(deleted)}", at: Timestamp.encode(now))
            return deleted
        }
        return RetentionReport(cutoff: cutoff, followUpTexts: cleared, deliveries: deliveries)
    }
}
