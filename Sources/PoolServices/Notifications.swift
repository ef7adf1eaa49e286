import PoolDomain
import PoolStore

/// A user's own notifications (warnings before a reclaim, reclaims, assignments).
public struct Notifications: Sendable {
    let store: any PoolDatabase

    public func list(unreadOnly: Bool, first: Int, for actor: Actor) throws -> [UserNotification] {
        try store.notifications(for: actor.userID, unreadOnly: unreadOnly, first: first)
    }

    /// Marks the user's notifications `ids` (nil: all) read; returns how many changed.
    public func markRead(_ ids: [Int64]?, for actor: Actor) throws -> Int {
        try store.markNotificationsRead(for: actor.userID, ids: ids)
    }
}
