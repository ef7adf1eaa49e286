import Foundation

/// What an erasure cleared.
public struct ErasureReport: Sendable, Equatable {
    public let customerID: CustomerID
    public let followUps: Int
    public let eventReasons: Int
    public let notifications: Int
    public let webhookPayloads: Int

    public init(customerID: CustomerID, followUps: Int, eventReasons: Int, notifications: Int, webhookPayloads: Int) {
        self.customerID = customerID
        self.followUps = followUps
        self.eventReasons = eventReasons
        self.notifications = notifications
        self.webhookPayloads = webhookPayloads
    }
}

/// What a retention run purged.
public struct RetentionReport: Sendable, Equatable {
    public let cutoff: Date
    public let followUpTexts: Int
    public let deliveries: Int

    public init(cutoff: Date, followUpTexts: Int, deliveries: Int) {
        self.cutoff = cutoff
        self.followUpTexts = followUpTexts
        self.deliveries = deliveries
    }
}
