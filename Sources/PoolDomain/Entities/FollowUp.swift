import Foundation

/// How a rep followed a customer up (跟进方式).
public enum FollowUpKind: String, CaseIterable, Sendable, Codable {
    case call
    case visit
    case message
    case note
}

/// One follow-up (跟进记录): it resets the "not followed up for N days" clock.
public struct FollowUp: Sendable, Equatable, Identifiable {
    public let id: FollowUpID
    public var customerID: CustomerID
    public var kind: FollowUpKind
    public var text: String
    public var at: Date
    public var byID: UserID?

    public init(
        id: FollowUpID, customerID: CustomerID, kind: FollowUpKind, text: String, at: Date,
        byID: UserID?
    ) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.text = text
        self.at = at
        self.byID = byID
    }
}
