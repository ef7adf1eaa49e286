import Foundation
import PoolDomain

/// Counts over ownership history for reports; reads only.
public protocol MetricsStore: Sendable {
    func repMetrics(users: [UserID], from: Date, to: Date) throws -> [RepMetrics]
    func poolMetrics(pools: [PoolID], from: Date, to: Date) throws -> [PoolMetrics]
    /// Customers in each pool now (pools with none are absent).
    func poolSizes() throws -> [PoolID: Int]
    func assignmentFairness(pool: PoolID, from: Date, to: Date) throws -> AssignmentFairness
    /// Ownership events per day and kind over the `days` days through `through`.
    func dailyEventCounts(days: Int, through: Day) throws -> [Day: [String: Int]]
}
