import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Records a follow-up once `check` allows it, and restarts the customer's reclaim clock.
    public func addFollowUp(
        to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor,
        check: (any CustomerFacts) throws -> Void
    ) throws -> FollowUp {
        try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            let at = at ?? facts.now
            let millis = Timestamp.encode(at)
            try db.execute(
                cachedSQL: "INSERT INTO follow_ups (customer_id, kind, text, at, by_user_id) VALUES (?, ?, ?, ?, ?)",
                arguments: [id.rawValue, kind.rawValue, text, millis, actor.userID.rawValue])
            let followUpID = FollowUpID(db.lastInsertedRowID)
            try db.execute(
                cachedSQL: """
                    UPDATE customers SET last_follow_up_at = max(coalesce(last_follow_up_at, 0), ?),
                      updated_at = ? WHERE id = ?
                    """, arguments: [millis, Timestamp.encode(facts.now), id.rawValue])
            return FollowUp(id: followUpID, customerID: id, kind: kind, text: text, at: at, byID: actor.userID)
        }
    }

    public func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]] {
        guard !ids.isEmpty, limitEach > 0 else { return [:] }
        let followUps = try read { db in
            try db.fetchAll(
                cachedSQL: """
                    SELECT \(RowDecoding.followUpColumns) FROM (
                      SELECT follow_ups.*, row_number() OVER (
                        PARTITION BY customer_id ORDER BY at DESC, id DESC) AS rank
                      FROM follow_ups WHERE customer_id IN (SELECT value FROM json_each(?))
                    ) WHERE rank <= ? ORDER BY customer_id, at DESC, id DESC
                    """, arguments: [Self.jsonIDs(ids.map(\.rawValue)), limitEach], as: RowDecoding.followUp)
        }
        return Dictionary(grouping: followUps, by: \.customerID)
    }

    public func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]] {
        guard !ids.isEmpty else { return [:] }
        let events = try read { db in
            try db.fetchAll(
                cachedSQL: """
                    SELECT \(RowDecoding.ownershipEventColumns) FROM ownership_events
                    WHERE customer_id IN (SELECT value FROM json_each(?)) ORDER BY customer_id, id
                    """, arguments: [Self.jsonIDs(ids.map(\.rawValue))], as: RowDecoding.ownershipEvent)
        }
        return Dictionary(grouping: events, by: \.customerID)
    }

    public func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent] {
        let visible = CustomerSQL.joined(CustomerSQL.conditions(CustomerFilter(), scope: scope, masked: MaskedPools(phone: [], email: [])))
        let sql: SQL = """
            SELECT \(sql: RowDecoding.ownershipEventColumns) FROM ownership_events WHERE id > \(id)
              AND customer_id IN (SELECT id FROM customers WHERE \(visible))
            ORDER BY id LIMIT \(first)
            """
        return try read { db in try db.fetchAll(sql, as: RowDecoding.ownershipEvent) }
    }
}
