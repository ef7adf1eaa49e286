import Foundation

/// The reclaim rules a private customer can trip.
public enum ReclaimRule: String, Codable, Sendable, CaseIterable {
    /// Not followed up for N days (N天未跟进).
    case noFollowUp = "no_follow_up"
    /// No first follow-up within K days of becoming the owner (领取后K天未跟进).
    case claimedNoFollowUp = "claimed_no_follow_up"
    /// Status unchanged for M days (M天未成交/无进展).
    case noProgress = "no_progress"

    /// What the owner can do to restart the rule's clock.
    public var resetBy: ResetAction {
        self == .noProgress ? .changeStatus : .addFollowUp
    }
}

public enum ResetAction: String, Sendable {
    case addFollowUp = "add_follow_up"
    case changeStatus = "change_status"
}

/// The facts of a private customer that reclaim rules read.
public struct ReclaimFacts: Sendable, Equatable {
    public var customerID: CustomerID
    public var ownerID: UserID
    public var level: String?
    public var status: CustomerStatus
    public var locked: Bool
    public var createdAt: Date
    public var ownerSince: Date?
    public var lastFollowUpAt: Date?
    public var lastProgressAt: Date?

    public init(
        customerID: CustomerID, ownerID: UserID, level: String?, status: CustomerStatus, locked: Bool, createdAt: Date,
        ownerSince: Date?, lastFollowUpAt: Date?, lastProgressAt: Date?
    ) {
        self.customerID = customerID
        self.ownerID = ownerID
        self.level = level
        self.status = status
        self.locked = locked
        self.createdAt = createdAt
        self.ownerSince = ownerSince
        self.lastFollowUpAt = lastFollowUpAt
        self.lastProgressAt = lastProgressAt
    }

    public init(_ customer: Customer) {
        customerID = customer.id
        ownerID = customer.ownerID ?? UserID(0)
        level = customer.level
        status = customer.status
        locked = customer.locked
        createdAt = customer.createdAt
        ownerSince = customer.ownerSince
        lastFollowUpAt = customer.lastFollowUpAt
        lastProgressAt = customer.lastProgressAt
    }
}

/// When and why a customer falls back into the pool, if nothing changes.
public struct ReclaimDue: Sendable, Equatable {
    public let rule: ReclaimRule
    /// The moment the rule's clock counts from (the last follow-up, the last status change, or
    /// when the owner got the customer).
    public let countingFrom: Date
    public let limitDays: Int
    /// The first day on which the sweep reclaims the customer.
    public let reclaimOn: Day
}

public enum ReclaimExemption: String, Sendable {
    case locked, won
    /// The governing pool has no reclaim rule that applies.
    case noRule = "no_rule"
}

public enum ReclaimAssessment: Sendable, Equatable {
    case exempt(ReclaimExemption)
    case due(ReclaimDue)

    public var due: ReclaimDue? {
        if case .due(let due) = self { return due }
        return nil
    }

    /// Whether the sweep for `day` takes the customer.
    public func isReclaimable(on day: Day) -> Bool {
        guard let due else { return false }
        return day >= due.reclaimOn
    }
}

/// Evaluates a customer against reclaim rules: pure, so the sweep, the forecast and the rule
/// preview give the same answer for the same facts.
public enum ReclaimEvaluator {
    public static func assess(_ facts: ReclaimFacts, rules: ReclaimRules, calendar: LocalCalendar) -> ReclaimAssessment {
        if rules.exemptLocked && facts.locked { return .exempt(.locked) }
        if rules.exemptWon && facts.status == .won { return .exempt(.won) }
        let days = rules.days(forLevel: facts.level)
        let ownedFrom = facts.ownerSince ?? facts.createdAt
        var candidates: [ReclaimDue] = []
        func add(_ rule: ReclaimRule, _ limit: Int?, from start: Date) {
            guard let limit else { return }
            let reclaimOn = calendar.adding(limit + 1, to: calendar.day(of: start))
            candidates.append(ReclaimDue(rule: rule, countingFrom: start, limitDays: limit, reclaimOn: reclaimOn))
        }
        add(.noFollowUp, days.noFollowUpDays, from: max(ownedFrom, facts.lastFollowUpAt ?? ownedFrom))
        if facts.lastFollowUpAt.map({ $0 < ownedFrom }) ?? true {
            add(.claimedNoFollowUp, days.claimedNoFollowUpDays, from: ownedFrom)
        }
        add(.noProgress, days.noProgressDays, from: max(ownedFrom, facts.lastProgressAt ?? ownedFrom))
        let order = ReclaimRule.allCases
        guard let first = candidates.min(by: { lhs, rhs in
            (lhs.reclaimOn, order.firstIndex(of: lhs.rule)!) < (rhs.reclaimOn, order.firstIndex(of: rhs.rule)!)
        }) else { return .exempt(.noRule) }
        return .due(first)
    }
}
