import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// Deactivating a user releases their customers to the pools (routed as any release),
    /// revokes nothing else: the tokens stop working because the user is inactive.
    public func setActive(_ id: UserID, _ active: Bool, by actor: Actor) throws -> User {
        let now = clock.now()
        return try writeTransaction { db in
            let user = try requireUser(db, id)
            try db.execute(cachedSQL: "UPDATE users SET active = ? WHERE id = ?", arguments: [active, id.rawValue])
            try audit(db, actor, active ? "activate_user" : "deactivate_user", "user \(id.rawValue)",
                      before: Self.describe(user), after: Self.describe(try requireUser(db, id)))
            if !active && user.active {
                for customer in try db.fetchAll(
                    cachedSQL: "SELECT \(RowDecoding.customerColumns) FROM customers WHERE owner_id = ? ORDER BY id",
                    arguments: [id.rawValue], as: RowDecoding.customer)
                {
                    let (pool, routedBy) = try poolTarget(db, customer, explicit: nil)
                    try apply(
                        OwnershipChange(
                            customerID: customer.id, kind: .release, expected: customer.placement, target: .inPool(pool),
                            actorID: actor.userID, reason: "负责人停用 / owner deactivated", routedBy: routedBy, at: now), db)
                    try autoAssign(db, customer.id, at: now)
                }
                try db.execute(cachedSQL: "DELETE FROM collaborators WHERE user_id = ?", arguments: [id.rawValue])
            }
            return try requireUser(db, id)
        }
    }

    public func setOnLeave(_ id: UserID, _ onLeave: Bool, by actor: Actor) throws -> User {
        return try writeTransaction { db in
            let before = try requireUser(db, id)
            try db.execute(cachedSQL: "UPDATE users SET on_leave = ? WHERE id = ?", arguments: [onLeave, id.rawValue])
            let after = try requireUser(db, id)
            try audit(db, actor, "set_on_leave", "user \(id.rawValue)", before: Self.describe(before), after: Self.describe(after))
            return after
        }
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
