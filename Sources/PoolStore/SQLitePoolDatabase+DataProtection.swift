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
    /// every connection) has zeroed the old cells in the pages themselves. The search index
    /// (`customer_search`) only records that the row's old trigrams are deleted and keeps them
    /// in its older segments until those are merged, so the erasure also has the index merged
    /// whole, in the background: it takes a second at a million customers, too long for the
    /// request (`compactSearchIndex`).
    public func eraseCustomer(_ id: CustomerID, reference: String, by actor: Actor?) throws -> ErasureReport {
        let now = clock.now()
        let report = try writeTransaction { db in try ErasureWrites(db).erase(id, reference: reference, by: actor, at: now) }
        try lifetime.run { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
        DispatchQueue.global(qos: .utility).async { [self] in
            // Again after a failure (a write lock held past the busy timeout), not once closed.
            for attempt in 0..<5 {
                do { return try compactSearchIndex() } catch is StoreClosedError { return } catch {
                    Thread.sleep(forTimeInterval: Double(attempt + 1))
                }
            }
        }
        return report
    }

    /// Merges the search index into one segment, which drops the trigrams rows no longer hold,
    /// then checkpoints and truncates the log as after the erasure itself.
    public func compactSearchIndex() throws {
        try writeTransaction(bounded: false) { db in
            try db.execute(sql: "INSERT INTO customer_search(customer_search) VALUES ('optimize')")
        }
        try lifetime.run { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
    }

    public func purge(before cutoff: Date) throws -> RetentionReport {
        let report = try RetentionPurge(self).purge(before: cutoff, at: clock.now())
        // As after an erasure: the purged texts leave the write-ahead log too.
        try lifetime.run { _ = try pool.writeWithoutTransaction { try $0.checkpoint(.truncate) } }
        return report
    }
}
