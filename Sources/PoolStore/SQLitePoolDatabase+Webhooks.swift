import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String) {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""), parsed.host != nil, url.count <= 2000 else {
            throw PoolError.invalidInput(field: "url", message: "an http(s) URL")
        }
        let kinds = kinds.isEmpty ? WebhookEventKind.allCases : Array(Set(kinds)).sorted { $0.rawValue < $1.rawValue }
        let secret = TokenDigest.newToken().replacingOccurrences(of: "gh_", with: "whsec_")
        let now = nowMillis
        let endpoint = try writeTransaction { db in
            try db.execute(
                cachedSQL: "INSERT INTO webhook_endpoints (url, secret, kinds, active, created_at) VALUES (?, ?, ?, 1, ?)",
                arguments: [url, secret, RowDecoding.encodeList(kinds.map(\.rawValue)), now])
            let endpoint = WebhookEndpoint(id: db.lastInsertedRowID, url: url, kinds: kinds, active: true, createdAt: Timestamp.decode(now))
            try audit(db, actor, "register_webhook", "webhook \(endpoint.id)", before: nil, after: "{\"url\":\(Self.json(url))}")
            return endpoint
        }
        return (endpoint, secret)
    }

    public func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor) throws {
        try writeTransaction { db in
            try db.execute(cachedSQL: "UPDATE webhook_endpoints SET active = ? WHERE id = ?", arguments: [active, id])
            guard db.changesCount == 1 else { throw PoolError.notFound(entity: "Webhook") }
            try audit(db, actor, active ? "enable_webhook" : "disable_webhook", "webhook \(id)", before: nil, after: nil)
        }
    }

    public func webhooks() throws -> [WebhookEndpoint] {
        try read { db in
            try Row.fetchAll(db, cachedSQL: "SELECT * FROM webhook_endpoints ORDER BY id").map { row in
                WebhookEndpoint(
                    id: row["id"], url: row["url"],
                    kinds: RowDecoding.stringList(row["kinds"]).compactMap(WebhookEventKind.init(rawValue:)),
                    active: row["active"], createdAt: Timestamp.decode(row["created_at"] as Int64))
            }
        }
    }

    /// Queues the event for every active endpoint subscribed to its kind, inside the
    /// transaction that made the change: committed together or not at all. The payload (names
    /// read for it) is built only when some endpoint subscribes.
    func enqueueWebhooks(_ db: Database, kind: WebhookEventKind, at: Date, payload makePayload: () throws -> [String: Any]) throws {
        try writes(db).enqueueWebhooks(kind: kind, at: at, payload: makePayload)
    }

    /// Deliveries due now, oldest first, with their endpoint's URL and secret.
    public func dueDeliveries(limit: Int) throws -> [(WebhookDelivery, url: String, secret: String)] {
        let now = nowMillis
        return try read { db in
            try Row.fetchAll(
                db,
                cachedSQL: """
                    SELECT o.*, e.url, e.secret FROM webhook_outbox o JOIN webhook_endpoints e ON e.id = o.endpoint_id
                    WHERE o.status = 'pending' AND o.next_attempt_at <= ? AND e.active = 1 ORDER BY o.id LIMIT ?
                    """, arguments: [now, limit]
            ).map { (Self.delivery($0), $0["url"], $0["secret"]) }
        }
    }

    /// Records one attempt: delivered, or retried later with backoff, or dead after the last.
    public func recordDelivery(_ id: Int64, succeeded: Bool, error: String?) throws {
        let now = clock.now()
        try writeTransaction { db in
            if succeeded {
                try db.execute(
                    cachedSQL: "UPDATE webhook_outbox SET status = 'delivered', attempts = attempts + 1, delivered_at = ?, last_error = NULL WHERE id = ?",
                    arguments: [Timestamp.encode(now), id])
                return
            }
            let attempts = (try Int.fetchOne(db, cachedSQL: "SELECT attempts FROM webhook_outbox WHERE id = ?", arguments: [id]) ?? 0) + 1
            let dead = attempts >= WebhookBackoff.maxAttempts
            try db.execute(
                cachedSQL: "UPDATE webhook_outbox SET attempts = ?, status = ?, next_attempt_at = ?, last_error = ? WHERE id = ?",
                arguments: [
                    attempts, dead ? "dead" : "pending",
                    Timestamp.encode(now.addingTimeInterval(WebhookBackoff.delay(afterAttempt: attempts))),
                    error.map { String($0.prefix(500)) }, id,
                ])
        }
    }

    public func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery] {
        try read { db in
            try Row.fetchAll(
                db, cachedSQL: "SELECT * FROM webhook_outbox WHERE (? IS NULL OR status = ?) ORDER BY id DESC LIMIT ?",
                arguments: [status?.rawValue, status?.rawValue, first]
            ).map(Self.delivery)
        }
    }

    /// Puts a dead delivery back in line.
    public func retryDelivery(_ id: Int64, by actor: Actor) throws {
        try writeTransaction { db in
            try db.execute(
                cachedSQL: "UPDATE webhook_outbox SET status = 'pending', attempts = 0, next_attempt_at = ? WHERE id = ? AND status = 'dead'",
                arguments: [nowMillis, id])
            guard db.changesCount == 1 else { throw PoolError.notFound(entity: "Dead delivery") }
        }
    }

    static func delivery(_ row: Row) -> WebhookDelivery {
        WebhookDelivery(
            id: row["id"], endpointID: row["endpoint_id"], deliveryID: row["delivery_id"],
            kind: WebhookEventKind(rawValue: row["kind"]) ?? .created, payload: row["payload"],
            status: WebhookDelivery.Status(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
            nextAttemptAt: Timestamp.decode(row["next_attempt_at"] as Int64), lastError: row["last_error"],
            createdAt: Timestamp.decode(row["created_at"] as Int64))
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withMilliseconds: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
