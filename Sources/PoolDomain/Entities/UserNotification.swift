import Foundation

/// An in-app message to one user: a customer was reclaimed from them, is about to be, or was
/// assigned to them.
public struct UserNotification: Sendable, Equatable, Identifiable {
    public enum Kind: String, Sendable, CaseIterable {
        case reclaimed
        case reclaimWarning = "reclaim_warning"
        case assigned
    }

    public let id: Int64
    public var userID: UserID
    public var kind: Kind
    public var customerID: CustomerID?
    public var message: String
    /// For warnings: the day the customer will be reclaimed.
    public var dueOn: Day?
    public var createdAt: Date
    public var readAt: Date?

    public init(
        id: Int64, userID: UserID, kind: Kind, customerID: CustomerID?, message: String, dueOn: Day?,
        createdAt: Date, readAt: Date?
    ) {
        self.id = id
        self.userID = userID
        self.kind = kind
        self.customerID = customerID
        self.message = message
        self.dueOn = dueOn
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
