import PoolDomain

/// What a user may do, for adapters that show or hide a control before it is used: a console
/// page asks here whether to offer a button, exactly as the operation itself would be decided
/// (both come from `AccessPolicy`), so a page never offers what would then be refused.
public struct Capabilities: Sendable, Equatable {
    public let managePools: Bool
    public let manageUsers: Bool
    public let manageTokens: Bool
    public let manageWebhooks: Bool
    public let readAuditLog: Bool
    public let importCustomers: Bool
    public let exportCustomers: Bool
    public let runSweep: Bool
    public let viewMetrics: Bool
    public let readAccessRecords: Bool
    public let eraseCustomers: Bool

    public init(of actor: Actor) {
        func may(_ action: AccessPolicy.Action) -> Bool { (try? AccessPolicy.require(action, by: actor)) != nil }
        managePools = may(.managePools)
        manageUsers = may(.manageUsers)
        manageTokens = may(.manageTokens)
        manageWebhooks = may(.manageWebhooks)
        readAuditLog = may(.readAuditLog)
        importCustomers = may(.importCustomers)
        exportCustomers = may(.exportCustomers)
        runSweep = may(.runSweep)
        viewMetrics = may(.viewMetrics)
        readAccessRecords = may(.readAccessRecords)
        eraseCustomers = may(.eraseCustomers)
    }
}
