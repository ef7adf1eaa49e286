/// A public pool (公海池): customers nobody owns, drawn by industry or region.
public struct Pool: Sendable, Equatable, Identifiable {
    public let id: PoolID
    public var name: String
    /// Industries routed to this pool; empty means "any industry".
    public var industries: [String]
    /// Regions routed to this pool; empty means "any region".
    public var regions: [String]
    /// Higher wins when several pools match a customer.
    public var priority: Int
    /// The pool for customers that match no other pool; exactly one pool is the default.
    public var isDefault: Bool
    /// The rules in force and their version (each save makes a new version).
    public var rules: PoolRules
    public var ruleVersion: Int64
    /// An archived pool routes nothing, takes no customer and holds none; it stays for its
    /// history and may be restored.
    public var archived: Bool

    public init(
        id: PoolID, name: String, industries: [String], regions: [String], priority: Int,
        isDefault: Bool, rules: PoolRules = .standard, ruleVersion: Int64 = 1, archived: Bool = false
    ) {
        self.archived = archived
        self.rules = rules
        self.ruleVersion = ruleVersion
        self.id = id
        self.name = name
        self.industries = industries
        self.regions = regions
        self.priority = priority
        self.isDefault = isDefault
    }
}
