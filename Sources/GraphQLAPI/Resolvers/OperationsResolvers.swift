import Foundation
import PoolDomain

/// Resolvers of notifications, sweep runs and metrics.
enum OperationsResolvers {
    struct NotificationValue: Sendable {
        let notification: UserNotification
        let context: RequestContext
    }

    static let notification: [String: FieldResolver] = [
        "id": field(NotificationValue.self) { "ntf_\($0.notification.id)" },
        "kind": field(NotificationValue.self) { enumName($0.notification.kind) },
        "customer": field(NotificationValue.self) { value in
            guard let id = value.notification.customerID,
                let customer = try value.context.database.customers(ids: [id])[id], try value.context.canSee(customer)
            else { return nil }
            return CustomerNode(customer: customer, batch: CustomerBatch([customer], context: value.context))
        },
        "message": field(NotificationValue.self) { $0.notification.message },
        "dueOn": field(NotificationValue.self) { $0.notification.dueOn?.description },
        "createdAt": field(NotificationValue.self) { DateTimeFormat.format($0.notification.createdAt) },
        "read": field(NotificationValue.self) { $0.notification.readAt != nil },
    ]

    struct RunValue: Sendable {
        let report: SweepReport
        let context: RequestContext

        /// A run's items with one outcome: from `sweep_items` (the sweep does not hold them),
        /// one query for the field; a dry run's are in its report.
        func items(_ outcome: String) throws -> [RunItemValue] {
            let items: [SweepReport.Item]
            if let id = report.runId, !report.dryRun {
                items = try context.database.sweepItems(id, outcome: outcome, after: 0, first: Int(Int32.max))
            } else {
                items = outcome == "reclaimed" ? report.reclaimedCustomers : report.skippedCustomers
            }
            return items.map { RunItemValue(item: $0, context: context) }
        }
    }

    struct RunItemValue: Sendable {
        let item: SweepReport.Item
        let context: RequestContext
    }

    static let sweepRun: [String: FieldResolver] = [
        "id": field(RunValue.self) { $0.report.runId.map { "run_\($0)" } },
        "asOf": field(RunValue.self) { $0.report.asOf },
        "dryRun": field(RunValue.self) { $0.report.dryRun },
        "status": field(RunValue.self) { $0.report.status.uppercased() },
        "evaluated": field(RunValue.self) { $0.report.evaluated },
        "reclaimed": field(RunValue.self) { $0.report.reclaimed },
        "skipped": field(RunValue.self) { $0.report.skipped },
        "failed": field(RunValue.self) { $0.report.failed },
        "warned": field(RunValue.self) { $0.report.warned },
        "reclaimedCustomers": field(RunValue.self) { try $0.items("reclaimed") },
        "skippedCustomers": field(RunValue.self) { try $0.items("skipped") },
    ]

    static let sweepRunItem: [String: FieldResolver] = [
        "customerId": field(RunItemValue.self) { "cus_\($0.item.customerId)" },
        "customerName": field(RunItemValue.self) { $0.item.customerName },
        "previousOwner": field(RunItemValue.self) { try $0.context.user($0.item.previousOwnerId.map(UserID.init)) },
        "rule": field(RunItemValue.self) { $0.item.rule.flatMap(ReclaimRule.init(rawValue:)).map { enumName($0) } },
        "pool": field(RunItemValue.self) { try $0.context.pool($0.item.poolId.map(PoolID.init)) },
        "reason": field(RunItemValue.self) { $0.item.reason },
    ]

    struct RepValue: Sendable {
        let metrics: RepMetrics
        let context: RequestContext
    }

    static let repMetrics: [String: FieldResolver] = [
        "user": field(RepValue.self) { try $0.context.user($0.metrics.userID) },
        "claimed": field(RepValue.self) { $0.metrics.claimed },
        "assigned": field(RepValue.self) { $0.metrics.assigned },
        "released": field(RepValue.self) { $0.metrics.released },
        "reclaimed": field(RepValue.self) { $0.metrics.reclaimed },
        "followUps": field(RepValue.self) { $0.metrics.followUps },
        "medianHoursToFirstFollowUp": field(RepValue.self) { $0.metrics.medianHoursToFirstFollowUp },
        "convertedToWon": field(RepValue.self) { $0.metrics.convertedToWon },
        "wonAmount": field(RepValue.self) { Double($0.metrics.wonAmountCents) / 100 },
    ]

    struct PoolValue: Sendable {
        let metrics: PoolMetrics
        let from: Date
        let to: Date
        let context: RequestContext
    }

    static let poolMetrics: [String: FieldResolver] = [
        "pool": field(PoolValue.self) { try $0.context.pool($0.metrics.poolID) },
        "size": field(PoolValue.self) { $0.metrics.size },
        "ageUnder7Days": field(PoolValue.self) { $0.metrics.ageBuckets[0] },
        "age7To30Days": field(PoolValue.self) { $0.metrics.ageBuckets[1] },
        "age30To90Days": field(PoolValue.self) { $0.metrics.ageBuckets[2] },
        "ageOver90Days": field(PoolValue.self) { $0.metrics.ageBuckets[3] },
        "inflow": field(PoolValue.self) { $0.metrics.inflow },
        "outflow": field(PoolValue.self) { $0.metrics.outflow },
        "claimed": field(PoolValue.self) { $0.metrics.claimed },
        "reclaimedInto": field(PoolValue.self) { $0.metrics.reclaimedInto },
        "convertedToWon": field(PoolValue.self) { $0.metrics.convertedToWon },
        "claimRate": field(PoolValue.self) { $0.metrics.claimRate },
        "reclaimRate": field(PoolValue.self) { $0.metrics.reclaimRate },
        "conversionRate": field(PoolValue.self) { $0.metrics.conversionRate },
        "fairness": field(PoolValue.self) { value in
            guard let pool = try value.context.pool(value.metrics.poolID), pool.rules.autoAssign != .off else { return nil }
            let fairness = try value.context.database.assignmentFairness(pool: pool.id, from: value.from, to: value.to)
            return FairnessValue(fairness: fairness, context: value.context)
        },
    ]

    struct FairnessValue: Sendable {
        let fairness: AssignmentFairness
        let context: RequestContext
    }

    struct MemberValue: Sendable {
        let user: UserID
        let count: Int
        let context: RequestContext
    }

    static let fairness: [String: FieldResolver] = [
        "spread": field(FairnessValue.self) { $0.fairness.spread },
        "standardDeviation": field(FairnessValue.self) { $0.fairness.standardDeviation },
        "members": field(FairnessValue.self) { value in
            value.fairness.perMember.map { MemberValue(user: $0.0, count: $0.1, context: value.context) }
        },
    ]

    static let member: [String: FieldResolver] = [
        "user": field(MemberValue.self) { try $0.context.user($0.user) },
        "assigned": field(MemberValue.self) { $0.count },
    ]
}
