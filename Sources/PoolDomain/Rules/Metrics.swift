import Foundation

/// How one rep worked the pool in a period.
public struct RepMetrics: Sendable, Equatable {
    public var userID: UserID
    public var claimed = 0
    public var assigned = 0
    public var released = 0
    /// Customers taken back from this rep by the sweep.
    public var reclaimed = 0
    public var followUps = 0
    /// Median hours from a claim to the claimant's first follow-up of that customer.
    public var medianHoursToFirstFollowUp: Double?
    /// Customers the rep got from a pool in the period, still owns, and has won.
    public var convertedToWon = 0
    public var wonAmountCents: Int64 = 0

    public init(userID: UserID) { self.userID = userID }
}

/// A pool's health in a period.
public struct PoolMetrics: Sendable, Equatable {
    public var poolID: PoolID
    public var size = 0
    /// Customers by time in the pool: under 7 days, 7–30, 30–90, over 90.
    public var ageBuckets = [0, 0, 0, 0]
    public var inflow = 0
    public var outflow = 0
    public var claimed = 0
    public var reclaimedInto = 0
    public var convertedToWon = 0

    public init(poolID: PoolID) { self.poolID = poolID }

    /// Share of the customers available in the period (now in the pool, or taken out) that were claimed.
    public var claimRate: Double { ratio(claimed, size + outflow) }
    /// Reclaims into the pool per customer taken out of it.
    public var reclaimRate: Double { ratio(reclaimedInto, outflow) }
    /// Share of the customers taken out in the period that are now won.
    public var conversionRate: Double { ratio(convertedToWon, outflow) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
}

/// How evenly auto-assignment spread customers over a pool's eligible members.
public struct AssignmentFairness: Sendable, Equatable {
    public var perMember: [(UserID, Int)]
    public var spread: Int { (perMember.map(\.1).max() ?? 0) - (perMember.map(\.1).min() ?? 0) }
    public var standardDeviation: Double {
        guard !perMember.isEmpty else { return 0 }
        let values = perMember.map { Double($0.1) }
        let mean = values.reduce(0, +) / Double(values.count)
        return (values.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(values.count)).squareRoot()
    }

    public init(perMember: [(UserID, Int)]) { self.perMember = perMember }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.perMember.map { "\($0.0):\($0.1)" } == rhs.perMember.map { "\($0.0):\($0.1)" }
    }
}

public enum Median {
    public static func of(_ values: [Double]) -> Double? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count.isMultiple(of: 2) ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle]
    }
}
