/// What one sweep run did: the record `gonghai sweep --json` prints and the API returns.
public struct SweepReport: Sendable, Codable, Equatable {
    public struct Item: Sendable, Codable, Equatable {
        public var customerId: Int64
        public var customerName: String
        public var previousOwnerId: Int64?
        public var previousOwner: String?
        public var rule: String?
        public var poolId: Int64?
        public var pool: String?
        public var reason: String

        public init(
            customerId: Int64, customerName: String, previousOwnerId: Int64?, previousOwner: String?, rule: String?,
            poolId: Int64?, pool: String?, reason: String
        ) {
            self.customerId = customerId
            self.customerName = customerName
            self.previousOwnerId = previousOwnerId
            self.previousOwner = previousOwner
            self.rule = rule
            self.poolId = poolId
            self.pool = pool
            self.reason = reason
        }
    }

    /// nil for a dry run, which records nothing.
    public var runId: Int64?
    public var asOf: String
    public var dryRun: Bool
    public var status: String
    public var evaluated = 0
    public var reclaimed = 0
    public var skipped = 0
    public var failed = 0
    public var warned = 0
    /// Customers reclaimed (or, in a dry run, that would be).
    public var reclaimedCustomers: [Item] = []
    /// Customers due but not taken, with why (changed since evaluated, moved by someone else).
    public var skippedCustomers: [Item] = []

    public init(runId: Int64?, asOf: Day, dryRun: Bool) {
        self.runId = runId
        self.asOf = asOf.description
        self.dryRun = dryRun
        self.status = "running"
    }
}
