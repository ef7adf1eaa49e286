import Foundation
import PoolStore
import PoolDomain

extension PostgresPoolDatabase {
    public func recordAccess(_ entry: AccessEntry, alertThreshold: Int) throws -> AccessOutcome {
        let now = clock.now()
        let day = calendar.day(of: now)
        return try writeTransaction { db in
            try AccessWrites(db).record(
                entry, at: now, dayStart: calendar.start(of: day), day: day.description, threshold: alertThreshold)
        }
    }

    public func accessRecords(_ filter: AccessRecordFilter, first: Int, before: Int64?) throws -> [AccessRecord] {
        try read { try AccessWrites($0).records(filter, first: first, before: before) }
    }

    public func accessAlerts(first: Int) throws -> [AccessAlert] {
        try read { try AccessWrites($0).alerts(first: first) }
    }

    public func accessCount(of user: UserID, kinds: [AccessRecord.Kind], since start: Date) throws -> Int {
        try read { try AccessWrites($0).count(of: user, kinds: kinds, since: start) }
    }

    /// The rows no longer hold the customer's data once this commits; the older row versions
    /// PostgreSQL keeps for snapshots in flight are removed by (auto)vacuum, and WAL archives
    /// and backups keep them until they are rotated (docs/threat-model.md).
    public func eraseCustomer(_ id: CustomerID, reference: String, by actor: Actor?) throws -> ErasureReport {
        let now = clock.now()
        return try writeTransaction { try ErasureWrites($0).erase(id, reference: reference, by: actor, at: now) }
    }

    public func purge(before cutoff: Date) throws -> RetentionReport {
        try RetentionPurge(self).purge(before: cutoff, at: clock.now())
    }
}
