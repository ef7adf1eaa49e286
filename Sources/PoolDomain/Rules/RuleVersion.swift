import Foundation

/// One saved version of a pool's rules: who saved what, when. Versions are never changed;
/// ownership events name the version a reclaim applied.
public struct RuleVersion: Sendable, Equatable {
    public let version: Int64
    public let rules: PoolRules
    public let createdAt: Date
    public let createdBy: UserID?

    public init(version: Int64, rules: PoolRules, createdAt: Date, createdBy: UserID?) {
        self.version = version
        self.rules = rules
        self.createdAt = createdAt
        self.createdBy = createdBy
    }
}
