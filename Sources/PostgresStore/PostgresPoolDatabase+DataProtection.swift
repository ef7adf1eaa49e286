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
        let report = try writeTransaction { try ErasureWrites($0).erase(id, reference: reference, by: actor, at: now) }
        return report
    }

    public func purge(before cutoff: Date) throws -> RetentionReport {
        var cleared = 0
        var after: Int64 = 0
        while true {
            let (batch, last) = try writeTransaction { try ErasureWrites($0).purgeFollowUps(before: cutoff, after: after, batch: 5000) }
            cleared += batch
            guard let last else { break }
            after = last
        }
        let deliveries = try writeTransaction { db in
            let deleted = try ErasureWrites(db).purgeDeliveries(before: cutoff)
            try PeopleWrites(db).audit(
                nil, "retention_purge", "retention", before: nil,
                after: "{\"cutoff\":\(Timestamp.encode(cutoff)),\"followUps\":\(cleared),\"deliveries\":\(deleted)}", at: nowMillis)
            return deleted
        }
        return RetentionReport(cutoff: cutoff, followUpTexts: cleared, deliveries: deliveries)
    }
}
