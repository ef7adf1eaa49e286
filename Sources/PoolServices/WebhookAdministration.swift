import Foundation
import PoolDomain
import PoolStore

/// Webhook endpoints and their deliveries: administrators only.
public struct WebhookAdministration: Sendable {
    let store: any PoolDatabase
    let targets: WebhookTargets

    public func endpoints(by actor: Actor) throws -> [WebhookEndpoint] {
        try require(.manageWebhooks, by: actor)
        return try store.webhooks()
    }

    public func deliveries(status: WebhookDelivery.Status?, first: Int, by actor: Actor) throws -> [WebhookDelivery] {
        try require(.manageWebhooks, by: actor)
        return try store.deliveries(status: status, first: first)
    }

    /// A new endpoint and its signing secret, shown once. The target must resolve to public
    /// addresses (`WebhookTargets`) and name at least one event.
    public func register(url: String, kinds: [WebhookEventKind], by actor: Actor) throws -> (WebhookEndpoint, secret: String) {
        try require(.manageWebhooks, by: actor)
        _ = try targets.check(url)
        return try store.registerWebhook(url: url, kinds: kinds, by: actor)
    }

    /// Where a delivery to `url` may connect now: checked again at every delivery, after
    /// resolving the host (a name may point elsewhere since it was registered).
    public func deliveryTarget(_ url: String) throws -> (target: URL, addresses: [NetworkAddress]) {
        try targets.check(url)
    }

    public func setActive(_ id: Int64, _ active: Bool, by actor: Actor) throws -> WebhookEndpoint {
        try require(.manageWebhooks, by: actor)
        try store.setWebhookActive(id, active, by: actor)
        guard let endpoint = try store.webhooks().first(where: { $0.id == id }) else {
            throw PoolError.notFound(entity: "Webhook")
        }
        return endpoint
    }

    /// Puts a dead delivery back in line.
    public func retry(_ id: Int64, by actor: Actor) throws -> WebhookDelivery {
        try require(.manageWebhooks, by: actor)
        try store.retryDelivery(id, by: actor)
        guard let delivery = try store.deliveries(status: nil, first: 1000).first(where: { $0.id == id }) else {
            throw PoolError.notFound(entity: "Delivery")
        }
        return delivery
    }
}
