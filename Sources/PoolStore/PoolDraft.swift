import PoolDomain

/// The fields of a new pool.
public struct PoolDraft: Sendable, Equatable {
    public var name: String
    public var industries: [String]
    public var regions: [String]
    public var priority: Int
    public var isDefault: Bool
    /// The rules of a new pool (ignored by `updatePool`: rules change through `setRules`).
    public var rules: PoolRules
    /// Members and admins; nil keeps the current ones on update.
    public var access: [PoolAccessEntry]?

    public init(
        name: String, industries: [String] = [], regions: [String] = [], priority: Int = 0,
        isDefault: Bool = false, rules: PoolRules = .standard, access: [PoolAccessEntry]? = nil
    ) {
        self.rules = rules
        self.access = access
        self.name = name
        self.industries = industries
        self.regions = regions
        self.priority = priority
        self.isDefault = isDefault
    }
}
