import Foundation
import PoolDomain
import PoolStore

/// Erasure on request and the retention purge.
public struct DataProtection: Sendable {
    let store: any PoolDatabase
    let clock: any TimeSource
    let retentionDays: Int?

    /// Erases a customer's personal information (PIPL Art. 47), recorded in the audit log with
    /// `reference` (the request's ticket or letter number). Administrators.
    public func erase(_ id: CustomerID, reference: String, by actor: Actor?) throws -> ErasureReport {
        try require(.eraseCustomers, by: actor)
        let reference = reference.trimmingWhitespace()
        guard !reference.isEmpty, reference.count <= 200 else {
            throw PoolError.invalidInput(field: "reference", message: "the request's reference, 1 to 200 characters")
        }
        return try store.eraseCustomer(id, reference: reference, by: actor)
    }

    /// The retention period in days, when one is set.
    public var retention: Int? { retentionDays }

    /// Purges what is older than the retention period (nil when none is set): follow-up texts
    /// and delivered webhook deliveries. Run daily by the server; administrators may run it now.
    public func applyRetention(by actor: Actor?) throws -> RetentionReport? {
        try require(.eraseCustomers, by: actor)
        guard let days = retentionDays else { return nil }
        return try store.purge(before: clock.now().addingTimeInterval(-Double(days) * 86_400))
    }
}
