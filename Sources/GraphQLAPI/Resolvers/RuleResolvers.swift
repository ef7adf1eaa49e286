import Foundation
import PoolDomain

/// Resolvers of the rule types: pool rules, access, limits, forecasts, previews.
enum RuleResolvers {
    static let poolRules: [String: FieldResolver] = [
        "claim": field(PoolRules.self) { $0.claim },
        "reclaim": field(PoolRules.self) { $0.reclaim },
        "maskedFields": field(PoolRules.self) { $0.maskedFields.map { enumName($0) } },
        "autoAssign": field(PoolRules.self) { enumName($0.autoAssign) },
    ]

    static let claimRules: [String: FieldResolver] = [
        "maxClaimsPerDay": field(ClaimRules.self) { $0.maxClaimsPerDay },
        "cooldownDays": field(ClaimRules.self) { $0.cooldownDays },
        "cooldownIncludesDepartment": field(ClaimRules.self) { $0.cooldownIncludesDepartment },
        "embargoHours": field(ClaimRules.self) { $0.embargoHours },
    ]

    static let reclaimRules: [String: FieldResolver] = [
        "noFollowUpDays": field(ReclaimRules.self) { $0.days.noFollowUpDays },
        "noProgressDays": field(ReclaimRules.self) { $0.days.noProgressDays },
        "claimedNoFollowUpDays": field(ReclaimRules.self) { $0.days.claimedNoFollowUpDays },
        "byLevel": field(ReclaimRules.self) { rules in
            rules.byLevel.keys.sorted().map { LevelDays(level: $0, days: rules.byLevel[$0]!) }
        },
        "exemptLocked": field(ReclaimRules.self) { $0.exemptLocked },
        "exemptWon": field(ReclaimRules.self) { $0.exemptWon },
        "warningDays": field(ReclaimRules.self) { $0.warningDays },
    ]

    struct LevelDays: Sendable {
        let level: String
        let days: ReclaimDays
    }

    static let levelDays: [String: FieldResolver] = [
        "level": field(LevelDays.self) { $0.level },
        "noFollowUpDays": field(LevelDays.self) { $0.days.noFollowUpDays },
        "noProgressDays": field(LevelDays.self) { $0.days.noProgressDays },
        "claimedNoFollowUpDays": field(LevelDays.self) { $0.days.claimedNoFollowUpDays },
    ]

    static let accessEntry: [String: FieldResolver] = [
        "kind": field(PoolAccessEntry.self) { entry in
            switch entry.principal {
            case .department: return "DEPARTMENT"
            case .user: return "USER"
            case .role: return "ROLE"
            }
        },
        "level": field(PoolAccessEntry.self) { enumName($0.level) },
        "department": on(PoolAccessEntry.self) { entry, _, context in
            if case .department(let id) = entry.principal { return try context.department(id) }
            return nil
        },
        "user": on(PoolAccessEntry.self) { entry, _, context in
            if case .user(let id) = entry.principal { return try context.user(id) }
            return nil
        },
        "role": field(PoolAccessEntry.self) { entry in
            if case .role(let role) = entry.principal { return enumName(role) }
            return nil
        },
    ]

    static let ownerLimit: [String: FieldResolver] = [
        "maxPrivate": field(OwnerLimit.self) { $0.maxPrivate },
        "countWon": field(OwnerLimit.self) { $0.countWon },
        "maxLocked": field(OwnerLimit.self) { $0.maxLocked },
    ]

    struct LimitSetting: Sendable {
        let scope: LimitScope
        let limit: OwnerLimit
    }

    static let limitSetting: [String: FieldResolver] = [
        "scope": field(LimitSetting.self) { setting in
            switch setting.scope {
            case .everyone: return "EVERYONE"
            case .department: return "DEPARTMENT"
            case .user: return "USER"
            }
        },
        "department": on(LimitSetting.self) { setting, _, context in
            if case .department(let id) = setting.scope { return try context.department(id) }
            return nil
        },
        "user": on(LimitSetting.self) { setting, _, context in
            if case .user(let id) = setting.scope { return try context.user(id) }
            return nil
        },
        "limit": field(LimitSetting.self) { $0.limit },
    ]

    static func settings(_ limits: [LimitScope: OwnerLimit]) -> [LimitSetting] {
        func key(_ scope: LimitScope) -> (Int, Int64) {
            switch scope {
            case .everyone: return (0, 0)
            case .department(let id): return (1, id.rawValue)
            case .user(let id): return (2, id.rawValue)
            }
        }
        return limits.map { LimitSetting(scope: $0.key, limit: $0.value) }.sorted { key($0.scope) < key($1.scope) }
    }

    static let collaborator: [String: FieldResolver] = [
        "user": field(CollaboratorValue.self) { try $0.context.user($0.userID) },
        "access": field(CollaboratorValue.self) { enumName($0.access) },
    ]

    static let contact: [String: FieldResolver] = [
        "phone": field(Customer.self) { $0.phone },
        "email": field(Customer.self) { $0.email },
    ]

    static let forecast: [String: FieldResolver] = [
        "pool": field(ReclaimForecastValue.self) { $0.pool },
        "ruleVersion": field(ReclaimForecastValue.self) { $0.pool.map { Int($0.ruleVersion) } },
        "exempt": field(ReclaimForecastValue.self) { value in
            if case .exempt(let reason) = value.assessment { return enumName(reason) }
            return nil
        },
        "rule": field(ReclaimForecastValue.self) { optionalEnumName($0.assessment.due?.rule) },
        "reclaimOn": field(ReclaimForecastValue.self) { $0.assessment.due?.reclaimOn.description },
        "countingFrom": field(ReclaimForecastValue.self) { $0.assessment.due.map { DateTimeFormat.format($0.countingFrom) } },
        "limitDays": field(ReclaimForecastValue.self) { $0.assessment.due?.limitDays },
        "daysLeft": field(ReclaimForecastValue.self) { $0.daysLeft },
        "resetBy": field(ReclaimForecastValue.self) { optionalEnumName($0.assessment.due?.rule.resetBy) },
        "warning": field(ReclaimForecastValue.self) { $0.warning },
    ]

    struct PreviewValue: Sendable {
        let preview: RulePreview
        let context: RequestContext
    }

    static let preview: [String: FieldResolver] = [
        "evaluated": field(PreviewValue.self) { $0.preview.evaluated },
        "today": field(PreviewValue.self) { $0.preview.today },
        "within7Days": field(PreviewValue.self) { $0.preview.within7Days },
        "within30Days": field(PreviewValue.self) { $0.preview.within30Days },
        "perOwner": field(PreviewValue.self) { value in
            value.preview.perOwner.map { OwnerPreviewValue(counts: $0, context: value.context) }
        },
        "customers": field(PreviewValue.self) { value in
            let entries = Array(value.preview.entries.prefix(200))
            let nodes = CustomerBatch(entries.map(\.customer), context: value.context).nodes()
            return zip(entries, nodes).map { PreviewCustomerValue(node: $1, due: $0.due) }
        },
    ]

    struct OwnerPreviewValue: Sendable {
        let counts: RulePreview.OwnerCounts
        let context: RequestContext
    }

    static let ownerPreview: [String: FieldResolver] = [
        "owner": field(OwnerPreviewValue.self) { try $0.context.user($0.counts.ownerID) },
        "today": field(OwnerPreviewValue.self) { $0.counts.today },
        "within7Days": field(OwnerPreviewValue.self) { $0.counts.within7Days },
        "within30Days": field(OwnerPreviewValue.self) { $0.counts.within30Days },
    ]

    struct PreviewCustomerValue: Sendable {
        let node: CustomerNode
        let due: ReclaimDue
    }

    static let previewCustomer: [String: FieldResolver] = [
        "customer": field(PreviewCustomerValue.self) { $0.node },
        "rule": field(PreviewCustomerValue.self) { enumName($0.due.rule) },
        "reclaimOn": field(PreviewCustomerValue.self) { $0.due.reclaimOn.description },
        "countingFrom": field(PreviewCustomerValue.self) { DateTimeFormat.format($0.due.countingFrom) },
    ]
}
