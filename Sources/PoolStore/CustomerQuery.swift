import Foundation
import PoolDomain

/// Filters on the customer list; all given conditions must hold.
public struct CustomerFilter: Sendable, Equatable {
    public var poolID: PoolID?
    public var ownerID: UserID?
    /// true: only pool customers; false: only private customers.
    public var inPool: Bool?
    public var industry: String?
    public var region: String?
    public var statuses: [CustomerStatus]?
    /// Matched against name, phone and e-mail.
    public var text: String?
    public var followUpBefore: Date?
    public var followUpAfter: Date?

    public init(
        poolID: PoolID? = nil, ownerID: UserID? = nil, inPool: Bool? = nil,
        industry: String? = nil, region: String? = nil, statuses: [CustomerStatus]? = nil,
        text: String? = nil, followUpBefore: Date? = nil, followUpAfter: Date? = nil
    ) {
        self.poolID = poolID
        self.ownerID = ownerID
        self.inPool = inPool
        self.industry = industry
        self.region = region
        self.statuses = statuses
        self.text = text
        self.followUpBefore = followUpBefore
        self.followUpAfter = followUpAfter
    }
}

/// The orders the list supports; each is a keyset (sort key, id), so pages stay stable and fast.
public enum CustomerOrderField: String, Sendable, CaseIterable {
    case createdAt, updatedAt, name, lastFollowUpAt
}

public struct CustomerOrder: Sendable, Equatable {
    public var field: CustomerOrderField
    public var descending: Bool

    public init(field: CustomerOrderField, descending: Bool) {
        self.field = field
        self.descending = descending
    }

    public static let newestFirst = CustomerOrder(field: .createdAt, descending: true)
}

/// A position in a list: the sort key and id of the last row seen.
public struct CustomerCursor: Sendable, Equatable {
    public enum Key: Sendable, Equatable {
        case integer(Int64)
        case text(String)
    }

    public var order: CustomerOrder
    public var key: Key
    public var id: CustomerID

    public init(order: CustomerOrder, key: Key, id: CustomerID) {
        self.order = order
        self.key = key
        self.id = id
    }
}

public struct CustomerQuery: Sendable, Equatable {
    public var scope: CustomerScope
    public var filter: CustomerFilter
    public var order: CustomerOrder
    public var first: Int
    public var after: CustomerCursor?

    public init(
        scope: CustomerScope, filter: CustomerFilter = .init(), order: CustomerOrder = .newestFirst,
        first: Int, after: CustomerCursor? = nil
    ) {
        self.scope = scope
        self.filter = filter
        self.order = order
        self.first = first
        self.after = after
    }
}

public struct CustomerPage: Sendable, Equatable {
    public var customers: [Customer]
    public var cursors: [CustomerCursor]
    public var hasNextPage: Bool

    public init(customers: [Customer], cursors: [CustomerCursor], hasNextPage: Bool) {
        self.customers = customers
        self.cursors = cursors
        self.hasNextPage = hasNextPage
    }
}
