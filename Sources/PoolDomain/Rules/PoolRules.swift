/// A pool's rules, as data: stored as a versioned JSON document, evaluated by pure functions.
///
/// Every limit is optional; `nil` means "no such limit".
public struct PoolRules: Codable, Sendable, Equatable {
    public var claim: ClaimRules
    public var reclaim: ReclaimRules
    /// Fields hidden from viewers while a customer is in this pool (phone and e-mail by default).
    public var maskedFields: [MaskableField]
    public var autoAssign: AutoAssignMode

    public init(
        claim: ClaimRules = ClaimRules(), reclaim: ReclaimRules = ReclaimRules(),
        maskedFields: [MaskableField] = [.phone, .email], autoAssign: AutoAssignMode = .off
    ) {
        self.claim = claim
        self.reclaim = reclaim
        self.maskedFields = maskedFields
        self.autoAssign = autoAssign
    }

    public static let standard = PoolRules()
}

/// Limits checked when a rep claims from this pool, in the claim's own transaction.
public struct ClaimRules: Codable, Sendable, Equatable {
    /// Claims one user may make from this pool per calendar day.
    public var maxClaimsPerDay: Int?
    /// Days a previous owner must wait before re-claiming a customer they released or lost.
    public var cooldownDays: Int?
    /// Whether the cooldown also binds the previous owner's whole department.
    public var cooldownIncludesDepartment: Bool
    /// Hours a customer must sit in the pool before anyone may claim it.
    public var embargoHours: Int?

    public init(
        maxClaimsPerDay: Int? = nil, cooldownDays: Int? = nil, cooldownIncludesDepartment: Bool = false,
        embargoHours: Int? = nil
    ) {
        self.maxClaimsPerDay = maxClaimsPerDay
        self.cooldownDays = cooldownDays
        self.cooldownIncludesDepartment = cooldownIncludesDepartment
        self.embargoHours = embargoHours
    }
}

/// The day counts of the reclaim rules; `ReclaimRules.byLevel` can override them per level.
public struct ReclaimDays: Codable, Sendable, Equatable {
    /// Reclaim when not followed up for this many days.
    public var noFollowUpDays: Int?
    /// Reclaim when the status has not moved for this many days.
    public var noProgressDays: Int?
    /// Reclaim a claimed customer not followed up within this many days of the claim.
    public var claimedNoFollowUpDays: Int?

    public init(noFollowUpDays: Int? = nil, noProgressDays: Int? = nil, claimedNoFollowUpDays: Int? = nil) {
        self.noFollowUpDays = noFollowUpDays
        self.noProgressDays = noProgressDays
        self.claimedNoFollowUpDays = claimedNoFollowUpDays
    }
}

/// When private customers governed by this pool fall back into it (回收).
public struct ReclaimRules: Codable, Sendable, Equatable {
    public var days: ReclaimDays
    /// Per customer level (e.g. "A"), days that replace `days` field by field.
    public var byLevel: [String: ReclaimDays]
    public var exemptLocked: Bool
    public var exemptWon: Bool
    /// Owners are warned this many days before a customer is reclaimed.
    public var warningDays: Int

    public init(
        days: ReclaimDays = ReclaimDays(), byLevel: [String: ReclaimDays] = [:], exemptLocked: Bool = true,
        exemptWon: Bool = true, warningDays: Int = 0
    ) {
        self.days = days
        self.byLevel = byLevel
        self.exemptLocked = exemptLocked
        self.exemptWon = exemptWon
        self.warningDays = warningDays
    }

    /// The days that apply to a customer of `level`.
    public func days(forLevel level: String?) -> ReclaimDays {
        guard let level, let override = byLevel[level] else { return days }
        return ReclaimDays(
            noFollowUpDays: override.noFollowUpDays ?? days.noFollowUpDays,
            noProgressDays: override.noProgressDays ?? days.noProgressDays,
            claimedNoFollowUpDays: override.claimedNoFollowUpDays ?? days.claimedNoFollowUpDays)
    }
}

public enum MaskableField: String, Codable, Sendable, CaseIterable {
    case phone, email
}

/// How new pool customers are handed out automatically.
public enum AutoAssignMode: String, Codable, Sendable, CaseIterable {
    case off
    /// Members in turn, by a stored cursor.
    case roundRobin = "round_robin"
    /// The member with the most free capacity (limit minus owned), turn order breaking ties.
    case weighted
}

extension PoolRules {
    /// The longest level label: a level is a short grade ("A", "重点客户"), not a note.
    public static let maxLevelLabel = 30

    /// Refuses rules no team would mean (see `problems`): the first problem, as an error.
    public func validated() throws -> PoolRules {
        if let (field, message) = problems.first { throw PoolError.invalidInput(field: field, message: message) }
        return self
    }

    /// Every problem with these rules, by field: counts out of range, a level without a label
    /// or days or with a label too long, and a warning longer than the shortest reclaim rule
    /// (it would be due before the customer was even claimed).
    public var problems: [(field: String, message: String)] {
        var found: [(String, String)] = []
        let counts: [(String, Int?)] = [
            ("claim.maxClaimsPerDay", claim.maxClaimsPerDay), ("claim.cooldownDays", claim.cooldownDays),
            ("claim.embargoHours", claim.embargoHours), ("reclaim.noFollowUpDays", reclaim.days.noFollowUpDays),
            ("reclaim.noProgressDays", reclaim.days.noProgressDays),
            ("reclaim.claimedNoFollowUpDays", reclaim.days.claimedNoFollowUpDays),
            ("reclaim.warningDays", reclaim.warningDays),
        ] + reclaim.byLevel.sorted { $0.key < $1.key }.flatMap { level, days in
            [("reclaim.byLevel.\(level)", days.noFollowUpDays), ("reclaim.byLevel.\(level)", days.noProgressDays),
             ("reclaim.byLevel.\(level)", days.claimedNoFollowUpDays)]
        }
        for (field, value) in counts {
            if let value, !(0...3650).contains(value) { found.append((field, "must be between 0 and 3650")) }
        }
        for (level, days) in reclaim.byLevel.sorted(by: { $0.key < $1.key }) {
            let label = level.trimmingWhitespace()
            if label.isEmpty || label.count > Self.maxLevelLabel {
                found.append(("reclaim.byLevel.\(level)", "a level is 1 to \(Self.maxLevelLabel) characters"))
            } else if days.noFollowUpDays == nil && days.noProgressDays == nil && days.claimedNoFollowUpDays == nil {
                found.append(("reclaim.byLevel.\(level)", "a level needs at least one number of days"))
            }
        }
        let reclaimDays = ([reclaim.days] + Array(reclaim.byLevel.values))
            .flatMap { [$0.noFollowUpDays, $0.noProgressDays, $0.claimedNoFollowUpDays] }.compactMap { $0 }
        if reclaim.warningDays > 0, let shortest = reclaimDays.min(), reclaim.warningDays > shortest {
            found.append(("reclaim.warningDays", "the warning cannot come before the rule starts counting: at most the days of the shortest reclaim rule"))
        }
        return found
    }
}
