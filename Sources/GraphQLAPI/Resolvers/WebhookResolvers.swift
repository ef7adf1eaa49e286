import Foundation
import PoolDomain
import PoolServices

/// Webhook endpoints and deliveries: administrators only.
enum WebhookResolvers {
    static func name(_ kind: WebhookEventKind) -> String {
        kind.rawValue.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static func kind(_ name: String) -> WebhookEventKind? {
        WebhookEventKind.allCases.first { self.name($0) == name }
    }

    static let query: [String: FieldResolver] = [
        "webhooks": { _, _, context in
            try context.services.webhooks.endpoints(by: context.actor)
        },
        "webhookDeliveries": { _, args, context in
            let first = try PageSize.check(args.int("first") ?? 20, context.limits)
            let status = args.enumValue("status", WebhookDelivery.Status.self)
            return try context.services.webhooks.deliveries(status: status, first: first, by: context.actor)
        },
    ]

    static let mutation: [String: FieldResolver] = [
        "registerWebhook": { _, args, context in
            let kinds = (args.strings("kinds") ?? []).compactMap(kind)
            let (endpoint, secret) = try context.services.webhooks.register(url: try args.requireString("url"), kinds: kinds, by: context.actor)
            return Registration(endpoint: endpoint, secret: secret)
        },
        "setWebhookActive": { _, args, context in
            let id = try args.requireID("id", .webhook)
            return try context.services.webhooks.setActive(id, args.bool("active") ?? true, by: context.actor)
        },
        "retryWebhookDelivery": { _, args, context in
            let id = try args.requireID("id", .delivery)
            return try context.services.webhooks.retry(id, by: context.actor)
        },
    ]

    struct Registration: Sendable {
        let endpoint: WebhookEndpoint
        let secret: String
    }

    static let registration: [String: FieldResolver] = [
        "endpoint": field(Registration.self) { $0.endpoint },
        "secret": field(Registration.self) { $0.secret },
    ]

    static let endpoint: [String: FieldResolver] = [
        "id": field(WebhookEndpoint.self) { "wh_\($0.id)" },
        "url": field(WebhookEndpoint.self) { $0.url },
        "kinds": field(WebhookEndpoint.self) { $0.kinds.map(name) },
        "active": field(WebhookEndpoint.self) { $0.active },
        "createdAt": field(WebhookEndpoint.self) { DateTimeFormat.format($0.createdAt) },
    ]

    static let delivery: [String: FieldResolver] = [
        "id": field(WebhookDelivery.self) { "dlv_\($0.id)" },
        "deliveryId": field(WebhookDelivery.self) { $0.deliveryID },
        "kind": field(WebhookDelivery.self) { name($0.kind) },
        "status": field(WebhookDelivery.self) { $0.status.rawValue.uppercased() },
        "attempts": field(WebhookDelivery.self) { $0.attempts },
        "nextAttemptAt": field(WebhookDelivery.self) { DateTimeFormat.format($0.nextAttemptAt) },
        "lastError": field(WebhookDelivery.self) { $0.lastError },
        "createdAt": field(WebhookDelivery.self) { DateTimeFormat.format($0.createdAt) },
        "payload": field(WebhookDelivery.self) { $0.payload },
    ]
}
