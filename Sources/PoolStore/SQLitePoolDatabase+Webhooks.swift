import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String) {
        let secret = TokenDigest.newToken().replacingOccurrences(of: "gh_", with: "whsec_")
        let now = nowMillis
        let endpoint = try writeTransaction { db in
            try WebhookWrites(db).registerWebhook(url: url, kinds: kinds, secret: secret, by: actor, at: now)
        }
        return (endpoint, secret)
    }

    public func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { db in try WebhookWrites(db).setWebhookActive(id, active, by: actor, at: now) }
    }

    public func webhooks() throws -> [WebhookEndpoint] {
        try read { db in try WebhookWrites(db).webhooks() }
    }

    /// Queues the event for every active endpoint subscribed to its kind, inside the
    /// transaction that made the change: committed together or not at all.
    func enqueueWebhooks(_ db: Database, kind: WebhookEventKind, at: Date, payload makePayload: () throws -> [String: Any]) throws {
        try writes(db).enqueueWebhooks(kind: kind, at: at, payload: makePayload)
    }

    /// See `WebhookWrites.claimDue`.
    public func claimDueDeliveries(limit: Int, lease: TimeInterval) throws -> [(WebhookDelivery, url: String, secret: String)] {
        let now = clock.now()
        return try writeTransaction { db in try WebhookWrites(db).claimDue(limit: limit, at: now, lease: lease) }
    }

    public func recordDelivery(_ id: Int64, succeeded: Bool, error: String?) throws {
        let now = clock.now()
        try writeTransaction { db in try WebhookWrites(db).recordDelivery(id, succeeded: succeeded, error: error, at: now) }
    }

    public func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery] {
        try read { db in try WebhookWrites(db).deliveries(status: status, first: first) }
    }

    public func retryDelivery(_ id: Int64, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { db in try WebhookWrites(db).retryDelivery(id, at: now) }
    }
}

extension ISO8601DateFormatter {
    nonisolated(unsafe) static let withMilliseconds: ISO8601DateFormatter = {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }()
}
