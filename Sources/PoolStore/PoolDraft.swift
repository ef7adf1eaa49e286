import PoolDomain

/// The fields of a new pool.
public struct PoolDraft: Sendable, Equatable {
    public var name: String
    public var industries: [String]
    public var regions: [String]
    public var priority: Int
    public var isDefault: Bool

    public init(
        name: String, industries: [String] = [], regions: [String] = [], priority: Int = 0,
        isDefault: Bool = false
    ) {
        self.name = name
        self.industries = industries
        self.regions = regions
        self.priority = priority
        self.isDefault = isDefault
    }
}
