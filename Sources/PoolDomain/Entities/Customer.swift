import Foundation

/// Where a customer is: owned by exactly one rep (私海) or unowned in exactly one pool (公海).
///
/// An enum rather than two optionals, so "owned and in a pool" or "neither" cannot be stated.
public enum Placement: Sendable, Equatable {
    case owned(by: UserID)
    case inPool(PoolID)

    public var ownerID: UserID? {
        if case .owned(let id) = self { return id }
        return nil
    }

    public var poolID: PoolID? {
        if case .inPool(let id) = self { return id }
        return nil
    }
}

/// A customer record with its ownership facts.
public struct Customer: Sendable, Equatable, Identifiable {
    public let id: CustomerID
    public var name: String
    public var phone: String?
    public var email: String?
    public var industry: String?
    public var region: String?
    public var level: String?
    public var source: String?
    public var status: CustomerStatus
    /// Deal amount in minor units (fen / cents), exact.
    public var dealAmountCents: Int64?
    public var placement: Placement
    public var previousOwnerID: UserID?
    public var locked: Bool
    public var createdByID: UserID?
    public var createdAt: Date
    public var ownerSince: Date?
    public var lastFollowUpAt: Date?
    public var lastProgressAt: Date?
    public var updatedAt: Date
    /// When the customer last entered a pool (for the claim embargo and pool age).
    public var enteredPoolAt: Date?

    public init(
        id: CustomerID, name: String, phone: String? = nil, email: String? = nil,
        industry: String? = nil, region: String? = nil, level: String? = nil,
        source: String? = nil, status: CustomerStatus = .lead, dealAmountCents: Int64? = nil,
        placement: Placement, previousOwnerID: UserID? = nil, locked: Bool = false,
        createdByID: UserID? = nil, createdAt: Date, ownerSince: Date? = nil,
        lastFollowUpAt: Date? = nil, lastProgressAt: Date? = nil, updatedAt: Date? = nil,
        enteredPoolAt: Date? = nil
    ) {
        self.enteredPoolAt = enteredPoolAt
        self.id = id
        self.name = name
        self.phone = phone
        self.email = email
        self.industry = industry
        self.region = region
        self.level = level
        self.source = source
        self.status = status
        self.dealAmountCents = dealAmountCents
        self.placement = placement
        self.previousOwnerID = previousOwnerID
        self.locked = locked
        self.createdByID = createdByID
        self.createdAt = createdAt
        self.ownerSince = ownerSince
        self.lastFollowUpAt = lastFollowUpAt
        self.lastProgressAt = lastProgressAt
        self.updatedAt = updatedAt ?? createdAt
    }

    public var ownerID: UserID? { placement.ownerID }
    public var poolID: PoolID? { placement.poolID }
}
