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
            return try writes(db).addFollowUp(to: id, kind: kind, text: text, at: at ?? facts.now, by: actor, now: facts.now)
        }
    }

    public func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]] {
        try read { db in try CustomerQueries(db).followUps(of: ids, limitEach: limitEach) }
    }

    public func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]] {
        try read { db in try CustomerQueries(db).ownershipEvents(of: ids) }
    }

    public func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent] {
        try read { db in try CustomerQueries(db).ownershipEvents(after: id, scope: scope, first: first) }
    }

    public func liveCursor() throws -> LiveCursor { try read { db in try CustomerQueries(db).liveCursor() } }

    public func liveChanges(after cursor: LiveCursor, first: Int) throws -> (events: [OwnershipEvent], warnings: [UserNotification]) {
        try read { db in try CustomerQueries(db).liveChanges(after: cursor, first: first) }
    }
}
