import Foundation
import PoolDomain

/// The operator's choices that shape decisions, set when the server starts and the same for
/// every adapter (the console and the API decide alike).
public struct ServiceSettings: Sendable {
    /// Where webhooks may be sent.
    public var webhookTargets: WebhookTargets
    /// Limits and alerts on looking at customers in bulk.
    public var accessWatch: AccessWatch
    /// A console session unused this long ends (an unattended browser).
    public var sessionIdleTimeout: TimeInterval
    /// Follow-up texts and delivered webhook payloads older than this many days are purged by
    /// the daily retention run; nil keeps them.
    public var retentionDays: Int?
    /// Told of every access alert (the server writes it to its log).
    public var onAlert: @Sendable (AccessOutcome) -> Void
    /// How many heavy operations run at once (see `HeavyWork`).
    public var heavyWork: HeavyWork

    public init(
        webhookTargets: WebhookTargets = WebhookTargets(), accessWatch: AccessWatch = .standard,
        sessionIdleTimeout: TimeInterval = 30 * 60, retentionDays: Int? = nil,
        onAlert: @escaping @Sendable (AccessOutcome) -> Void = { _ in }, heavyOperations: Int = 2
    ) {
        self.heavyWork = HeavyWork(limit: heavyOperations)
        self.webhookTargets = webhookTargets
        self.accessWatch = accessWatch
        self.sessionIdleTimeout = sessionIdleTimeout
        self.retentionDays = retentionDays
        self.onAlert = onAlert
    }

    /// The defaults, each time with a gate of its own (one server's adapters share theirs).
    public static var standard: ServiceSettings { ServiceSettings() }
}
