import Foundation
import PoolDomain
import PoolStore

/// Webhooks and the audit log on PostgreSQL. Instances share one outbox: a claim locks the
/// rows it takes with `FOR UPDATE … SKIP LOCKED` and moves their next attempt a lease ahead,
/// so two instances never send one delivery at once.
extension PostgresPoolDatabase {
    public func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String) {
        let secret = TokenDigest.newToken().replacingOccurrences(of: "gh_", with: "whsec_")
        let stored = try secrets.seal(secret)
        let now = nowMillis
        let endpoint = try writeTransaction { try WebhookWrites($0).registerWebhook(url: url, kinds: kinds, secret: stored, by: actor, at: now) }
        return (endpoint, secret)
    }

    public func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { try WebhookWrites($0).setWebhookActive(id, active, by: actor, at: now) }
    }

    public func webhooks() throws -> [WebhookEndpoint] { try read { try WebhookWrites($0).webhooks() } }

    public func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery] {
        try read { try WebhookWrites($0).deliveries(status: status, first: first) }
    }

    public func claimDueDeliveries(limit: Int, lease: TimeInterval) throws -> [(WebhookDelivery, url: String, secret: String)] {
        let now = clock.now()
        let due = try writeTransaction { try WebhookWrites($0).claimDue(limit: limit, at: now, lease: lease) }
        // A secret no configured key opens comes back empty: the sender records that delivery
        // as failed instead of signing with anything else.
        return due.map { ($0.0, url: $0.url, secret: (try? secrets.open($0.secret)) ?? "") }
    }

    /// Seals every webhook secret under the current key (see `SecretBox`); returns how many
    /// were sealed again. Throws when a secret is sealed under a key that is not configured.
    public func resealSecrets() throws -> Int {
        try writeTransaction { 
            let writes = WebhookWrites($0)
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
        try writeTransaction { try WebhookWrites($0).recordDelivery(id, succeeded: succeeded, error: error, at: now) }
    }

    public func retryDelivery(_ id: Int64, by actor: Actor) throws {
        let now = nowMillis
        try writeTransaction { try WebhookWrites($0).retryDelivery(id, at: now) }
    }

    public func auditLog(first: Int, before: Int64?) throws -> [AuditEntry] {
        try read { try WebhookWrites($0).auditLog(first: first, before: before) }
    }

    public func recordAudit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws {
        let now = nowMillis
        try writeTransaction { try PeopleWrites($0).audit(actor, action, entity, before: before, after: after, at: now) }
    }
}
