import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String) {
        let secret = TokenDigest.newToken().replacingOccurrences(of: "gh_", with: "whsec_")
        let stored = try secrets.seal(secret)
        let now = nowMillis
        let endpoint = try writeTransaction { db in
            try WebhookWrites(db).registerWebhook(url: url, kinds: kinds, secret: stored, by: actor, at: now)
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
        let due = try writeTransaction { db in try WebhookWrites(db).claimDue(limit: limit, at: now, lease: lease) }
        // A secret no configured key opens comes back empty: the sender records that delivery
        // as failed instead of signing with anything else.
        return due.map { ($0.0, url: $0.url, secret: (try? secrets.open($0.secret)) ?? "") }
    }

    /// Seals every webhook secret under the current key (see `SecretBox`); returns how many
    /// were sealed again. Throws when a secret is sealed under a key that is not configured.
    public func resealSecrets() throws -> Int {
        try writeTransaction { db in 
            let writes = WebhookWrites(db)
            var resealed = 0
            for (id, stored) in try writes.secrets() where secrets.needsResealing(stored) {
                try writes.setSecret(id, try secrets.seal(try secrets.open(stored)))
                resealed += 1
            }
            return resealed
        }
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
