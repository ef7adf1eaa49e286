import Foundation
import PoolDomain
import PoolServices

/// The rule-engine fields of Query and Mutation; merged into those types' tables.
enum RuleQueryResolvers {
    static let query: [String: FieldResolver] = [
        "notifications": { _, args, context in
            let first = try PageSize.check(args.int("first") ?? 20, context.limits)
            return try context.services.notifications.list(unreadOnly: args.bool("unreadOnly") ?? false, first: first, for: context.actor)
                .map { OperationsResolvers.NotificationValue(notification: $0, context: context) }
        },
        "customersDueForReclaim": { _, args, context in
            let days = args.int("days") ?? 7
            guard (0...365).contains(days) else {
                throw APIError(.badUserInput, "days: 0 to 365.", extensions: ["field": .string("days")])
            }
            let owner = try args.id("ownerId", .user).map(UserID.init) ?? context.actor.userID
            guard case .restricted(let owners, _, _) = try context.scope, !owners.contains(owner) else {
                return try dueCustomers(owner: owner, days: days, context: context)
            }
            throw APIError.from(PoolError.notFound(entity: "User"))
        },
        "previewRules": { _, args, context in
            let pool = PoolID(try args.requireID("poolId", .pool))
            let rules = try RulesInput.rules(args.object("rules"))
            let preview = try context.services.pools.preview(rules, for: pool, by: context.actor)
            return RuleResolvers.PreviewValue(preview: preview, context: context)
        },
        "sweepRuns": { _, args, context in
            let first = try PageSize.check(args.int("first") ?? 20, context.limits)
            return try context.services.sweeps.history(first: first, by: context.actor).map { OperationsResolvers.RunValue(report: $0, context: context) }
        },
        "sweepRun": { _, args, context in
            let id = try args.requireID("id", .sweepRun)
            guard let report = try context.services.sweeps.run(id, by: context.actor) else { throw APIError.from(PoolError.notFound(entity: "Sweep run")) }
            return OperationsResolvers.RunValue(report: report, context: context)
        },
        "repMetrics": { _, args, context in
            let (from, to) = try period(args)
            return try context.services.metrics.reps(from: from, to: to, by: context.actor)
                .map { OperationsResolvers.RepValue(metrics: $0, context: context) }
        },
        "poolMetrics": { _, args, context in
            let (from, to) = try period(args)
            return try context.services.metrics.pools(from: from, to: to, by: context.actor)
                .map { OperationsResolvers.PoolValue(metrics: $0, from: from, to: to, context: context) }
        },
        "ownershipEvents": { _, args, context in
            let first = try PageSize.check(args.int("first") ?? 50, context.limits)
            let after = try args.string("after").map(EventFeed.decode) ?? 0
            let events = try context.database.ownershipEvents(after: after, scope: try context.scope, first: first + 1)
            return EventFeed(events: Array(events.prefix(first)), hasMore: events.count > first, after: after, context: context)
        },
        "ownerLimits": { _, _, context in
            RuleResolvers.settings(try context.services.pools.ownerLimits(by: context.actor))
        },
    ]

    static let mutation: [String: FieldResolver] = [
        "setCollaborator": { _, args, context in
            let id = CustomerID(try args.requireID("customerId", .customer))
            let user = UserID(try args.requireID("userId", .user))
            let access = args.enumValue("access", CollaboratorAccess.self)
            let customer = try context.services.operations.setCollaborator(user, on: id, access: access, by: context.actor)
            return CustomerNode(customer: customer, batch: CustomerBatch([customer], context: context))
        },
        "revealCustomerContact": { _, args, context in
            try context.services.operations.revealContact(CustomerID(try args.requireID("id", .customer)), by: context.actor)
        },
        "createPool": { _, args, context in
            try context.services.pools.create(try RulesInput.pool(args.object("input") ?? .none), by: context.actor)
        },
        "updatePool": { _, args, context in
            let id = PoolID(try args.requireID("id", .pool))
            return try context.services.pools.update(id, try RulesInput.pool(args.object("input") ?? .none), by: context.actor)
        },
        "setPoolRules": { _, args, context in
            let pool = PoolID(try args.requireID("poolId", .pool))
            return try context.services.pools.setRules(try RulesInput.rules(args.object("rules")), for: pool, by: context.actor)
        },
        "setPoolArchived": { _, args, context in
            try context.services.pools.setArchived(
                PoolID(try args.requireID("poolId", .pool)), args.bool("archived") ?? true, by: context.actor)
        },
        "reroutePoolCustomers": { _, args, context in
            try context.services.pools.reroute(into: PoolID(try args.requireID("poolId", .pool)), by: context.actor)
        },
        "setOwnerLimit": { _, args, context in
            RuleResolvers.settings(try context.services.pools.setOwnerLimit(
                RulesInput.limit(args.object("limit")), for: try RulesInput.scope(args.object("scope")), by: context.actor))
        },
        "setUserActive": { _, args, context in
            try context.services.people.setActive(
                UserID(try args.requireID("id", .user)), args.bool("active") ?? true, by: context.actor)
        },
        "setUserOnLeave": { _, args, context in
            try context.services.people.setOnLeave(
                UserID(try args.requireID("id", .user)), args.bool("onLeave") ?? false, by: context.actor)
        },
        "runSweep": { _, args, context in
            let day = try RulesInput.day(args, "asOf", context: context)
            let runs = try context.services.sweeps.run(asOf: day, dryRun: args.bool("dryRun") ?? false, trigger: .api, by: context.actor)
            return OperationsResolvers.RunValue(report: runs[runs.count - 1], context: context)
        },
        "markNotificationsRead": { _, args, context in
            let ids: [Int64]? = args.has("ids") ? try args.ids("ids", .notification) : nil
            return try context.services.notifications.markRead(ids, for: context.actor)
        },
    ]

    private static func period(_ args: Arguments) throws -> (Date, Date) {
        guard let from = try args.date("from"), let to = try args.date("to"), from < to else {
            throw APIError(.badUserInput, "from must be before to.", extensions: ["field": .string("to")])
        }
        return (from, to)
    }

    private static func dueCustomers(owner: UserID, days: Int, context: RequestContext) throws -> [CustomerNode] {
        let due = try context.forecaster().due(try context.database.privateCustomers(ownedBy: owner), within: days)
        return CustomerBatch(due.map(\.0), context: context).nodes()
    }
}

/// A page of the ownership event feed; the cursor is the last event's id, opaque to clients.
struct EventFeed: Sendable {
    let events: [OwnershipEvent]
    let hasMore: Bool
    let after: Int64
    let context: RequestContext

    static func encode(_ id: Int64) -> String { Data("feed:\(id)".utf8).base64EncodedString() }

    static func decode(_ cursor: String) throws -> Int64 {
        guard let data = Data(base64Encoded: cursor), let text = String(data: data, encoding: .utf8), text.hasPrefix("feed:"),
            let id = Int64(text.dropFirst(5)), id >= 0
        else { throw APIError(.badUserInput, "after: not a cursor of the event feed.", extensions: ["field": .string("after")]) }
        return id
    }

    static let resolvers: [String: FieldResolver] = [
        "events": field(EventFeed.self) { feed in
            let customers = EventCustomers(feed.events, context: feed.context)
            return feed.events.map { EventNode(event: $0, customers: customers) }
        },
        "endCursor": field(EventFeed.self) { feed in (feed.events.last?.id.rawValue ?? (feed.after > 0 ? feed.after : nil)).map(encode) },
        "hasMore": field(EventFeed.self) { $0.hasMore },
    ]
}
