import Foundation
import PoolDomain

/// Webhook endpoints and their outbox, the same on both backends.
///
/// Several processes (SQLite) or instances (PostgreSQL) may deliver from one outbox: each
/// claims its deliveries by moving their next attempt a lease ahead in one transaction, so no
/// delivery is sent by two at once; one that is neither delivered nor failed when its lease
/// ends (the sender died) is due again. Delivery stays at least once, under its stable id.
public struct WebhookWrites<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    static var deliveryColumns: String {
        "o.id, o.endpoint_id, o.delivery_id, o.kind, o.payload, o.status, o.attempts, o.next_attempt_at, o.last_error, o.created_at"
    }

    static func delivery(_ row: Session.Row) -> WebhookDelivery {
        WebhookDelivery(
            id: row.int64(0), endpointID: row.int64(1), deliveryID: row.text(2),
            kind: WebhookEventKind(rawValue: row.text(3)) ?? .created, payload: row.text(4),
            status: WebhookDelivery.Status(rawValue: row.text(5)) ?? .pending, attempts: row.int(6),
            nextAttemptAt: Timestamp.decode(row.int64(7)), lastError: row.optionalText(8),
            createdAt: Timestamp.decode(row.int64(9)))
    }

    public func registerWebhook(url: String, kinds: [WebhookEventKind], secret: String, by actor: Actor, at now: Int64) throws -> WebhookEndpoint {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil, url.count <= 2000 else {
            throw PoolError.invalidInput(field: "url", message: "an http(s) URL")
        }
        let kinds = kinds.isEmpty ? WebhookEventKind.allCases : Array(Set(kinds)).sorted { $0.rawValue < $1.rawValue }
        let id = try session.insert(
            "INSERT INTO webhook_endpoints (url, secret, kinds, active, created_at) VALUES (?, ?, ?, 1, ?)", [.text(url), .text(secret), .text(RowDecoding.encodeList(kinds.map(\.rawValue))), .int(now)])
        try PeopleWrites(session).audit(actor, "register_webhook", "webhook \(id)", before: nil, after: "{\"url\":\(AuditText.json(url))}", at: now)
        return WebhookEndpoint(id: id, url: url, kinds: kinds, active: true, createdAt: Timestamp.decode(now))
    }

    /// One outbox row per active endpoint subscribed to `kind`, in the change's transaction.
    public func enqueue(kind: WebhookEventKind, at: Date, payload makePayload: () throws -> [String: Any]) throws {
        let endpoints = try session.fetchAll("SELECT id, kinds FROM webhook_endpoints WHERE active = 1") {
            ($0.int64(0), RowDecoding.stringList($0.text(1)))
        }.filter { $0.1.contains(kind.rawValue) }
        guard !endpoints.isEmpty else { return }
        let payload = try makePayload()
        for (endpoint, _) in endpoints {
            let deliveryID = UUID().uuidString.lowercased()
            var body = payload
            body["deliveryId"] = deliveryID
            body["kind"] = kind.rawValue
            body["occurredAt"] = ISO8601DateFormatter.withMilliseconds.string(from: at)
            let json = String(decoding: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]), as: UTF8.self)
            try session.execute(
                """
                INSERT INTO webhook_outbox (endpoint_id, delivery_id, kind, payload, next_attempt_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, [.int(endpoint), .text(deliveryID), .text(kind.rawValue), .text(json), .int(Timestamp.encode(at)), .int(Timestamp.encode(at))])
        }
    }

    public func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor, at now: Int64) throws {
        guard try session.execute("UPDATE webhook_endpoints SET active = ? WHERE id = ?", [SQLValue(active), .int(id)]) == 1 else {
            throw PoolError.notFound(entity: "Webhook")
        }
        try PeopleWrites(session).audit(actor, active ? "enable_webhook" : "disable_webhook", "webhook \(id)", before: nil, after: nil, at: now)
    }

    /// Every endpoint's stored secret (sealed or not).
    public func secrets() throws -> [(Int64, String)] {
        try session.fetchAll("SELECT id, secret FROM webhook_endpoints ORDER BY id") { ($0.int64(0), $0.text(1)) }
    }

    public func setSecret(_ id: Int64, _ stored: String) throws {
        try session.execute("UPDATE webhook_endpoints SET secret = ? WHERE id = ?", [.text(stored), .int(id)])
    }

    public func webhooks() throws -> [WebhookEndpoint] {
        try session.fetchAll("SELECT id, url, kinds, active, created_at FROM webhook_endpoints ORDER BY id") { row in
            WebhookEndpoint(
                id: row.int64(0), url: row.text(1), kinds: RowDecoding.stringList(row.text(2)).compactMap(WebhookEventKind.init(rawValue:)),
                active: row.bool(3), createdAt: Timestamp.decode(row.int64(4)))
        }
    }

    /// Claims up to `limit` deliveries due at `now`, oldest first, for `lease` seconds.
    public func claimDue(limit: Int, at now: Date, lease: TimeInterval) throws -> [(WebhookDelivery, url: String, secret: String)] {
        let skipLocked = Session.dialect == .postgres ? " FOR UPDATE OF o SKIP LOCKED" : ""
        let due = try session.fetchAll(
            """
            SELECT \(Self.deliveryColumns), e.url, e.secret FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
            WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND e.active = 1 ORDER BY o.id LIMIT ?\(skipLocked)
            """, [.int(Timestamp.encode(now)), .int(Int64(limit))]
        ) { (Self.delivery($0), url: $0.text(10), secret: $0.text(11)) }
        guard !due.isEmpty else { return [] }
        try session.execute(
            "UPDATE webhook_outbox SET next_attempt_at = ? WHERE id IN (\(Session.dialect.idList))",
            [.int(Timestamp.encode(now.addingTimeInterval(lease))), SQLList.ids(due.map(\.0.id))])
        return due
    }

    /// Records one attempt: delivered, or retried later with backoff, or dead after the last.
    public func recordDelivery(_ id: Int64, succeeded: Bool, error: String?, at now: Date) throws {
        if succeeded {
            try session.execute(
                "UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
                [.int(Timestamp.encode(now)), .int(id)])
            return
        }
        let attempts = (try session.fetchOne("SELECT attempts FROM webhook_outbox WHERE id = ?", [.int(id)]) { $0.int(0) } ?? 0) + 1
        let dead = attempts >= WebhookBackoff.maxAttempts
        try session.execute(
            "UPDATE webhook_outbox SET attempts = ?, status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
            [.int(Int64(attempts)), .text(dead ? "dead" : "pending"),
             .int(Timestamp.encode(now.addingTimeInterval(WebhookBackoff.delay(afterAttempt: attempts)))),
             SQLValue(error.map { String($0.prefix(500)) }), .int(id)])
    }

    public func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery] {
        try session.fetchAll(
            "SELECT \(Self.deliveryColumns) FROM webhook_outbox o WHERE (CAST(? AS TEXT) IS NULL OR o.status = ?) ORDER BY o.id DESC LIMIT ?",
            [SQLValue(status?.rawValue), SQLValue(status?.rawValue), .int(Int64(first))], Self.delivery)
    }

    /// Puts a dead delivery back in line.
    public func retryDelivery(_ id: Int64, at now: Int64) throws {
        let changed = try session.execute(
            "UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'dead'",
            [.int(now), .int(id)])
        guard changed == 1 else { throw PoolError.notFound(entity: "Dead delivery") }
    }

    /// Newest first, before the entry `before` when given.
    public func auditLog(first: Int, before: Int64?) throws -> [AuditEntry] {
        try session.fetchAll(
            """
            SELECT id, user_id, action, entity, before, after, at FROM audit_log
            WHERE (CAST(? AS BIGINT) IS NULL OR id < ?) ORDER BY id DESC LIMIT ?
            """, [SQLValue(before), SQLValue(before), .int(Int64(first))]
        ) { row in
            AuditEntry(
                id: row.int64(0), userID: row.optionalInt64(1).map(UserID.init), action: row.text(2), entity: row.text(3),
                before: row.optionalText(4), after: row.optionalText(5), at: Timestamp.decode(row.int64(6)))
        }
    }
}
