import Foundation
import PoolDomain

/// Who saw what, erasure on request and retention.
///
/// Access records are written in a transaction of their own after the look they record (a
/// refused export writes none); the alert of a day is raised at most once per user on both
/// backends. An erasure leaves no personal data of the customer in the store's tables (on
/// SQLite, not in the database file's bytes either, write-ahead log included).
public protocol DataProtectionStore: Sendable {
    /// Records `entry`; raises the day's alert when it takes the user's exports and reveals
    /// past `alertThreshold` (see `AccessWrites.record`).
    func recordAccess(_ entry: AccessEntry, alertThreshold: Int) throws -> AccessOutcome
    /// Newest first, before the record `before` when given.
    func accessRecords(_ filter: AccessRecordFilter, first: Int, before: Int64?) throws -> [AccessRecord]
    /// The alerts raised, newest first.
    func accessAlerts(first: Int) throws -> [AccessAlert]
    /// How many records of `kinds` `user` made since `start`.
    func accessCount(of user: UserID, kinds: [AccessRecord.Kind], since start: Date) throws -> Int
    /// See `ErasureWrites.erase`.
    func eraseCustomer(_ id: CustomerID, reference: String, by actor: Actor?) throws -> ErasureReport
    /// Clears follow-up texts written before `cutoff` and deletes deliveries delivered before it.
    func purge(before cutoff: Date) throws -> RetentionReport
}
