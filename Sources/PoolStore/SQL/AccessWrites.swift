import Foundation
import PoolDomain

/// Who saw what (`access_records`), the daily alert (`access_alerts`), erasure and retention:
/// the same on both backends.
public struct AccessWrites<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    static var columns: String { "id, user_id, token_id, kind, channel, customer_ids, filter, rows_seen, at" }

    static func record(_ row: Session.Row) -> AccessRecord {
        let ids = row.text(5).split(whereSeparator: { $0 == "[" || $0 == "]" || $0 == "," }).compactMap { Int64($0) }.map(CustomerID.init)
        return AccessRecord(
            id: row.int64(0), userID: UserID(row.int64(1)), tokenID: row.optionalInt64(2),
            kind: AccessRecord.Kind(rawValue: row.text(3)) ?? .export, channel: AccessRecord.Channel(rawValue: row.text(4)) ?? .console,
            customerIDs: ids, filter: row.optionalText(6), rows: row.int(7), at: Timestamp.decode(row.int64(8)))
    }

    /// Records `entry`; when it takes the user's exports and reveals of `day` past `threshold`
    /// for the first time that day, also records the alert and queues its webhook, in the same
    /// transaction (the alert's key makes it once per user and day on both backends, however
    /// many transactions race to it).
    public func record(_ entry: AccessEntry, at now: Date, dayStart: Date, day: String, threshold: Int) throws -> AccessOutcome {
        let ids = "[" + entry.customerIDs.map { String($0.rawValue) }.joined(separator: ",") + "]"
        let id = try session.insert(
            """
            INSERT INTO access_records (user_id, token_id, kind, channel, customer_ids, filter, rows_seen, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [.int(entry.userID.rawValue), SQLValue(entry.tokenID), .text(entry.kind.rawValue), .text(entry.channel.rawValue),
             .text(ids), SQLValue(entry.filter), .int(Int64(entry.rows)), .int(Timestamp.encode(now))])
        let record = AccessRecord(
            id: id, userID: entry.userID, tokenID: entry.tokenID, kind: entry.kind, channel: entry.channel,
            customerIDs: entry.customerIDs, filter: entry.filter, rows: entry.rows, at: now)
        guard AccessWatch.countsTowardsAlert(entry.kind) else { return AccessOutcome(record: record, todays: 0, alerted: false) }
        let todays = try count(of: entry.userID, kinds: [.export, .reveal], since: dayStart)
        guard todays > threshold else { return AccessOutcome(record: record, todays: todays, alerted: false) }
        let inserted = try session.execute(
            "INSERT INTO access_alerts (user_id, day, records, at) VALUES (?, ?, ?, ?) ON CONFLICT (user_id, day) DO NOTHING",
            [.int(entry.userID.rawValue), .text(day), .int(Int64(todays)), .int(Timestamp.encode(now))])
        guard inserted == 1 else { return AccessOutcome(record: record, todays: todays, alerted: false) }
        let name = try session.fetchOne("SELECT name FROM users WHERE id = ?", [.int(entry.userID.rawValue)]) { $0.text(0) } ?? ""
        try WebhookWrites(session).enqueue(kind: .accessAlert, at: now) {
            ["user": ["id": "usr_\(entry.userID.rawValue)", "name": name], "day": day, "records": todays, "threshold": threshold]
        }
        return AccessOutcome(record: record, todays: todays, alerted: true)
    }

    /// How many records of `kinds` `user` made since `start`.
    public func count(of user: UserID, kinds: [AccessRecord.Kind], since start: Date) throws -> Int {
        try session.fetchOne(
            """
            SELECT COUNT(*) FROM access_records
            WHERE user_id = ? AND at >= ? AND kind IN (\(Session.dialect.textList))
            """, [.int(user.rawValue), .int(Timestamp.encode(start)), SQLList.texts(kinds.map(\.rawValue))]
        ) { $0.int(0) } ?? 0
    }

    /// Newest first, before the record `before` when given.
    public func records(_ filter: AccessRecordFilter, first: Int, before: Int64?) throws -> [AccessRecord] {
        let customer = filter.customerID.map { "%,\($0.rawValue),%" }
        return try session.fetchAll(
            """
            SELECT \(Self.columns) FROM access_records
            WHERE (CAST(? AS BIGINT) IS NULL OR id < ?) AND (CAST(? AS BIGINT) IS NULL OR user_id = ?)
              AND (CAST(? AS TEXT) IS NULL OR kind = ?) AND (CAST(? AS BIGINT) IS NULL OR at >= ?)
              AND (CAST(? AS BIGINT) IS NULL OR at < ?)
              AND (CAST(? AS TEXT) IS NULL OR REPLACE(REPLACE(customer_ids, '[', ','), ']', ',') LIKE ?)
            ORDER BY id DESC LIMIT ?
            """,
            [SQLValue(before), SQLValue(before), SQLValue(filter.userID?.rawValue), SQLValue(filter.userID?.rawValue),
             SQLValue(filter.kind?.rawValue), SQLValue(filter.kind?.rawValue),
             SQLValue(Timestamp.encode(optional: filter.from)), SQLValue(Timestamp.encode(optional: filter.from)),
             SQLValue(Timestamp.encode(optional: filter.to)), SQLValue(Timestamp.encode(optional: filter.to)),
             SQLValue(customer), SQLValue(customer), .int(Int64(first))],
            Self.record)
    }

    /// The alerts raised, newest first.
    public func alerts(first: Int) throws -> [AccessAlert] {
        try session.fetchAll("SELECT user_id, day, records, at FROM access_alerts ORDER BY at DESC LIMIT ?", [.int(Int64(first))]) {
            AccessAlert(userID: UserID($0.int64(0)), day: $0.text(1), records: $0.int(2), at: Timestamp.decode($0.int64(3)))
        }
    }
}
