import Foundation

/// Why a claim (or an assignment) was refused by a limit, with what frees it up.
public struct LimitRefusal: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case ownedLimit = "owned_limit"
        case lockedLimit = "locked_limit"
        case dailyClaimLimit = "daily_claim_limit"
        case cooldown
        case embargo
    }

    public let kind: Kind
    public let limit: Int
    public let current: Int?
    /// When the limit stops applying, when that is a moment in time (cooldown, embargo, a new day).
    public let freesAt: Date?

    public init(kind: Kind, limit: Int, current: Int?, freesAt: Date?) {
        self.kind = kind
        self.limit = limit
        self.current = current
        self.freesAt = freesAt
    }
}

/// The facts a claim decision reads, gathered in the claim's transaction.
public struct ClaimFacts: Sendable, Equatable {
    /// Private customers the claimant owns, counted as the owner limit says (won or not).
    public var ownedCount: Int
    /// Claims the claimant made from this pool since the start of today.
    public var claimsToday: Int
    /// When the claimant (or, if the rule says so, their department) last lost this customer.
    public var lastLostAt: Date?
    /// When the customer last entered the pool.
    public var enteredPoolAt: Date?

    public init(ownedCount: Int, claimsToday: Int, lastLostAt: Date?, enteredPoolAt: Date?) {
        self.ownedCount = ownedCount
        self.claimsToday = claimsToday
        self.lastLostAt = lastLostAt
        self.enteredPoolAt = enteredPoolAt
    }
}

/// Checks the claim rules. Pure: the store gathers the facts in the same transaction as the
/// claim's conditional write, so no race can slip between check and write.
public enum ClaimLimits {
    public static func check(
        _ facts: ClaimFacts, rules: ClaimRules, limit: OwnerLimit, now: Date, calendar: LocalCalendar
    ) throws {
        if let max = limit.maxPrivate, facts.ownedCount >= max {
            throw PoolError.limit(LimitRefusal(kind: .ownedLimit, limit: max, current: facts.ownedCount, freesAt: nil))
        }
        if let days = rules.cooldownDays, let lost = facts.lastLostAt {
            let frees = lost.addingTimeInterval(TimeInterval(days) * 86_400)
            if now < frees {
                throw PoolError.limit(LimitRefusal(kind: .cooldown, limit: days, current: nil, freesAt: frees))
            }
        }
        if let hours = rules.embargoHours, let entered = facts.enteredPoolAt {
            let frees = entered.addingTimeInterval(TimeInterval(hours) * 3600)
            if now < frees {
                throw PoolError.limit(LimitRefusal(kind: .embargo, limit: hours, current: nil, freesAt: frees))
            }
        }
        if let max = rules.maxClaimsPerDay, facts.claimsToday >= max {
            let tomorrow = calendar.start(of: calendar.adding(1, to: calendar.day(of: now)))
            throw PoolError.limit(
                LimitRefusal(kind: .dailyClaimLimit, limit: max, current: facts.claimsToday, freesAt: tomorrow))
        }
    }

    /// Checks only the owner limit: for assignment and transfer, which are not claims.
    public static func checkOwned(_ ownedCount: Int, limit: OwnerLimit) throws {
        if let max = limit.maxPrivate, ownedCount >= max {
            throw PoolError.limit(LimitRefusal(kind: .ownedLimit, limit: max, current: ownedCount, freesAt: nil))
        }
    }

    public static func checkLocked(_ lockedCount: Int, limit: OwnerLimit) throws {
        if let max = limit.maxLocked, lockedCount >= max {
            throw PoolError.limit(LimitRefusal(kind: .lockedLimit, limit: max, current: lockedCount, freesAt: nil))
        }
    }
}
