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
        try read { db in try PeopleWrites(db).notifications(for: user, unreadOnly: unreadOnly, first: first) }
    }

    public func markNotificationsRead(for user: UserID, ids: [Int64]?) throws -> Int {
        let now = nowMillis
        return try writeTransaction { db in try PeopleWrites(db).markNotificationsRead(for: user, ids: ids, at: now) }
    }
}
