import Foundation

/// The events partners can subscribe to.
public enum WebhookEventKind: String, Sendable, CaseIterable, Codable {
    case created = "customer.created"
    case claimed = "customer.claimed"
    case released = "customer.released"
    case assigned = "customer.assigned"
    case transferred = "customer.transferred"
    case reclaimed = "customer.reclaimed"
    case reclaimWarning = "customer.reclaim_warning"
    /// A pool customer moved to another pool (re-routing).
    case moved = "customer.moved"
    /// A user's exports and reveals in one day went past the configured threshold.
    case accessAlert = "access.alert"

    public init(_ kind: OwnershipEventKind) {
        switch kind {
        case .create: self = .created
        case .claim: self = .claimed
        case .release: self = .released
        case .assign: self = .assigned
        case .transfer: self = .transferred
        case .reclaim: self = .reclaimed
        case .move: self = .moved
        }
    }
}

/// A registered receiver.
public struct WebhookEndpoint: Sendable, Equatable {
    public let id: Int64
    public var url: String
    public var kinds: [WebhookEventKind]
    public var active: Bool
    public var createdAt: Date

    public init(id: Int64, url: String, kinds: [WebhookEventKind], active: Bool, createdAt: Date) {
        self.id = id
        self.url = url
        self.kinds = kinds
        self.active = active
        self.createdAt = createdAt
    }
}

/// One delivery waiting in (or done with) the outbox.
public struct WebhookDelivery: Sendable, Equatable {
    public enum Status: String, Sendable { case pending, delivered, dead }

    public let id: Int64
    public let endpointID: Int64
    /// Stable across retries: receivers use it to ignore duplicates.
    public let deliveryID: String
    public let kind: WebhookEventKind
    public let payload: String
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastError: String?
    public var createdAt: Date

    public init(
        id: Int64, endpointID: Int64, deliveryID: String, kind: WebhookEventKind, payload: String, status: Status,
        attempts: Int, nextAttemptAt: Date, lastError: String?, createdAt: Date
    ) {
        self.id = id
        self.endpointID = endpointID
        self.deliveryID = deliveryID
        self.kind = kind
        self.payload = payload
        self.status = status
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.createdAt = createdAt
    }
}

/// Retry timing: exponential backoff from 2 seconds, capped at an hour; dead after 8 attempts.
public enum WebhookBackoff {
    public static let maxAttempts = 8

    public static func delay(afterAttempt attempt: Int) -> TimeInterval {
        min(3600, 2 * pow(2, Double(max(0, attempt - 1))))
    }
}
