import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// See `OwnershipWrites.setActive`.
    public func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User {
        let now = clock.now()
        return try writeTransaction { db in try writes(db).setActive(id, active, by: actor, at: now) }
    }

    public func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User {
        let now = clock.now()
        return try writeTransaction { db in try writes(db).setOnLeave(id, onLeave, by: actor, at: now) }
    }

    // MARK: Notifications

    public func notifications(for user: UserID, unreadOnly: Bool, first: Int) throws -> [UserNotification] {
        try read { db in
            try Row.fetchAll(
                db,
                cachedSQL: "SELECT * FROM notifications WHERE user_id = ? AND (? = 0 OR read_at IS NULL) ORDER BY id DESC LIMIT ?",
                arguments: [user.rawValue, unreadOnly, first]
            ).map(RowDecoding.notification)
        }
    }

    public func markNotificationsRead(for user: UserID, ids: [Int64]?) throws -> Int {
        let now = nowMillis
        return try writeTransaction { db in
            if let ids {
                try db.execute(
                    cachedSQL: "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL AND id IN (SELECT value FROM json_each(?))",
                    arguments: [now, user.rawValue, Self.jsonIDs(ids)])
            } else {
                try db.execute(
                    cachedSQL: "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", arguments: [now, user.rawValue])
            }
            return db.changesCount
        }
    }
}
