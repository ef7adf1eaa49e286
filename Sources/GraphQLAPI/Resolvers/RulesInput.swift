import Foundation
import PoolDomain
import PoolStore

/// The rule, pool and limit inputs of `schema.graphql` as domain values.
enum RulesInput {
    static func rules(_ input: Arguments?) throws -> PoolRules {
        guard let input else { return .standard }
        var rules = PoolRules()
        if let claim = input.object("claim") {
            rules.claim = ClaimRules(
                maxClaimsPerDay: claim.int("maxClaimsPerDay"), cooldownDays: claim.int("cooldownDays"),
                cooldownIncludesDepartment: claim.bool("cooldownIncludesDepartment") ?? false,
                embargoHours: claim.int("embargoHours"))
        }
        if let reclaim = input.object("reclaim") {
            var byLevel: [String: ReclaimDays] = [:]
            for level in reclaim.objects("byLevel") {
                let name = try level.requireString("level").trimmingWhitespace()
                guard !name.isEmpty else {
                    throw APIError(.badUserInput, "byLevel.level must not be empty.", extensions: ["field": .string("byLevel")])
                }
                byLevel[name] = days(level)
            }
            rules.reclaim = ReclaimRules(
                days: days(reclaim), byLevel: byLevel, exemptLocked: reclaim.bool("exemptLocked") ?? true,
                exemptWon: reclaim.bool("exemptWon") ?? true, warningDays: reclaim.int("warningDays") ?? 0)
        }
        if input.has("maskedFields") {
            rules.maskedFields = (input.strings("maskedFields") ?? []).compactMap { MaskableField(rawValue: $0.lowercased()) }
        }
        if let mode = input.enumValue("autoAssign", AutoAssignMode.self) { rules.autoAssign = mode }
        return try rules.validated()
    }

    private static func days(_ input: Arguments) -> ReclaimDays {
        ReclaimDays(
            noFollowUpDays: input.int("noFollowUpDays"), noProgressDays: input.int("noProgressDays"),
            claimedNoFollowUpDays: input.int("claimedNoFollowUpDays"))
    }

    static func pool(_ input: Arguments) throws -> PoolDraft {
        var access: [PoolAccessEntry]?
        if input.has("access") {
            access = try input.objects("access").map(entry)
        }
        return PoolDraft(
            name: try input.requireString("name"), industries: input.strings("industries") ?? [],
            regions: input.strings("regions") ?? [], priority: input.int("priority") ?? 0,
            isDefault: input.bool("isDefault") ?? false, rules: try rules(input.object("rules")), access: access)
    }

    private static func entry(_ input: Arguments) throws -> PoolAccessEntry {
        let level = input.enumValue("level", PoolAccessEntry.Level.self) ?? .member
        let principal: PoolAccessEntry.Principal
        switch input.string("kind") {
        case "DEPARTMENT": principal = .department(DepartmentID(try input.requireID("departmentId", .department)))
        case "USER": principal = .user(UserID(try input.requireID("userId", .user)))
        default:
            guard let role = input.enumValue("role", Role.self) else {
                throw APIError(.badUserInput, "role is required for a ROLE entry.", extensions: ["field": .string("role")])
            }
            principal = .role(role)
        }
        return PoolAccessEntry(principal: principal, level: level)
    }

    static func scope(_ input: Arguments?) throws -> LimitScope {
        switch input?.string("kind") {
        case "DEPARTMENT": return .department(DepartmentID(try input!.requireID("departmentId", .department)))
        case "USER": return .user(UserID(try input!.requireID("userId", .user)))
        default: return .everyone
        }
    }

    static func limit(_ input: Arguments?) -> OwnerLimit? {
        guard let input else { return nil }
        return OwnerLimit(
            maxPrivate: input.int("maxPrivate"), countWon: input.bool("countWon") ?? false, maxLocked: input.int("maxLocked"))
    }

    /// A `YYYY-MM-DD` argument, or today.
    static func day(_ args: Arguments, _ name: String, context: RequestContext) throws -> Day {
        guard let text = args.string(name) else { return context.today }
        guard let day = Day(text) else {
            throw APIError(.badUserInput, "\(name): not a date (YYYY-MM-DD).", extensions: ["field": .string(name)])
        }
        return day
    }
}

extension Arguments {
    func objects(_ name: String) -> [Arguments] {
        guard case .array(let items) = raw(name) else { return [] }
        return items.compactMap { if case .dictionary = $0 { return Arguments($0) } else { return nil } }
    }
}
