import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func recordAccess(_ entry: AccessEntry, alertThreshold: Int) throws -> AccessOutcome {
        let now = clock.now()
        let day = calendar.day(of: now)
        return try writeTransaction { db in
            try AccessWrites(db).record(
                entry, at: now, dayStart: calendar.start(of: day), day: day.description, threshold: alertThreshold)
        }
    }

    public func accessRecords(_ filter: AccessRecordFilter, first: Int, before: Int64?) throws -> [AccessRecord] {
        try read { db in try AccessWrites(db).records(filter, first: first, before: before) }
    }

    public func accessAlerts(first: Int) throws -> [AccessAlert] {
        try read { db in try AccessWrites(db).alerts(first: first) }
    }

    public func accessCount(of user: UserID, kinds: [AccessRecord.Kind], since start: Date) throws -> Int {
        try read { db in try AccessWrites(db).count(of: user, kinds: kinds, since: start) }
    }

    /// After the erasure commits, the write-ahead log is checkpointed and truncated, so the
    /// frames that held the customer's earlier pages leave the log; `secure_delete` (set on
    /// every connection) has zeroed the old cells in the pages themselves.
    public func eraseCustomer(_ id: CustomerID, reference: String, by actor: Actor?) throws -> ErasureReport {
        let now = clock.now()
        let report = try writeTransaction { db in try ErasureWrites(db).erase(id, reference: reference, by: actor, at: now) }
        try lifetime.run { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
        return report
    }

    public func purge(before cutoff: Date) throws -> RetentionReport {
        var cleared = 0
        var after: Int64 = 0
        while true {
            let (batch, last) = try writeTransaction { db in try ErasureWrites(db).purgeFollowUps(before: cutoff, after: after, batch: 5000) }
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
        try lifetime.run { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
        return RetentionReport(cutoff: cutoff, followUpTexts: cleared, deliveries: deliveries)
    }
}
