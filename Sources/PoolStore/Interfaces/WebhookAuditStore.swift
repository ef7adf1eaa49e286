import Foundation
import PoolDomain

/// Webhook endpoints with their outbox, and the audit log.
///
/// Outbox rows are written in the transaction of the change they report, so an event is never
/// lost nor sent for a change that rolled back; delivery is at least once, under a stable
/// delivery id. Audit records are append-only.
public protocol WebhookAuditStore: Sendable {
    func registerWebhook(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String)
    func setWebhookActive(_ id: Int64, _ active: Bool, by actor: Actor) throws
    func webhooks() throws -> [WebhookEndpoint]
    /// Newest first; `status` nil: any.
    func deliveries(status: WebhookDelivery.Status?, first: Int) throws -> [WebhookDelivery]
    /// Claims up to `limit` deliveries due now, oldest first, for `lease` seconds: no other
    /// sender (process or instance) gets them meanwhile; unrecorded ones are due again after.
    /// The secret comes back opened; empty when no configured key opens it.
    func claimDueDeliveries(limit: Int, lease: TimeInterval) throws -> [(WebhookDelivery, url: String, secret: String)]
    /// Records one attempt: delivered, or retried later with backoff, or dead after the last.
    func recordDelivery(_ id: Int64, succeeded: Bool, error: String?) throws
    /// Puts a dead delivery back in line.
    func retryDelivery(_ id: Int64, by actor: Actor) throws
    /// Seals webhook secrets at rest with these keys (`SecretBox`).
    var secrets: SecretBox { get }
    /// Seals every stored secret under the current key; returns how many changed.
    func resealSecrets() throws -> Int

    /// Newest first, before the entry `before` when given.
    func auditLog(first: Int, before: Int64?) throws -> [AuditEntry]
    /// `actor` nil: the server itself or an operator at the database file.
    func recordAudit(_ actor: Actor?, _ action: String, _ entity: String, before: String?, after: String?) throws
}

extension WebhookAuditStore {
    /// The newest entries.
    public func auditLog(first: Int) throws -> [AuditEntry] { try auditLog(first: first, before: nil) }
}
