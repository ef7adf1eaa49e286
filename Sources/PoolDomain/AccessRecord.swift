import Foundation

/// One look at customers' personal data that an administrator may later need to account for:
/// who, when, through what, which customers (or which filter), how many rows.
///
/// Recorded: CSV exports, `revealCustomerContact`, an API token's reads of unmasked contact
/// details, and an API token's customer lists beyond the first page or of at least
/// `AccessWatch.bulkPageRows` rows (a partner paging through the whole list).
public struct AccessRecord: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        /// A CSV export from the console.
        case export
        /// A pool admin revealed a pooled customer's masked contact details.
        case reveal
        /// An API token read unmasked contact details.
        case contactRead = "contact_read"
        /// An API token paged through a customer list.
        case bulkList = "bulk_list"
    }

    public enum Channel: String, Sendable { case console, api }

    public let id: Int64
    public let userID: UserID
    /// The API token it came through (nil: the console).
    public let tokenID: Int64?
    public let kind: Kind
    public let channel: Channel
    /// At most `AccessRecord.idLimit` of them; `rows` says how many there were.
    public let customerIDs: [CustomerID]
    /// The filter the list or export was asked with, as the caller gave it.
    public let filter: String?
    public let rows: Int
    public let at: Date

    /// Ids kept per record: an export of 200,000 rows is recorded by its filter and count.
    public static let idLimit = 1000

    public init(
        id: Int64, userID: UserID, tokenID: Int64?, kind: Kind, channel: Channel, customerIDs: [CustomerID], filter: String?,
        rows: Int, at: Date
    ) {
        self.id = id
        self.userID = userID
        self.tokenID = tokenID
        self.kind = kind
        self.channel = channel
        self.customerIDs = customerIDs
        self.filter = filter
        self.rows = rows
        self.at = at
    }
}

/// An access about to be recorded (the store gives it an id and a time).
public struct AccessEntry: Sendable, Equatable {
    public let userID: UserID
    public let tokenID: Int64?
    public let kind: AccessRecord.Kind
    public let customerIDs: [CustomerID]
    public let filter: String?
    public let rows: Int

    public init(userID: UserID, tokenID: Int64?, kind: AccessRecord.Kind, customerIDs: [CustomerID], filter: String?, rows: Int) {
        self.userID = userID
        self.tokenID = tokenID
        self.kind = kind
        self.customerIDs = Array(customerIDs.prefix(AccessRecord.idLimit))
        self.filter = filter.map { String($0.prefix(2000)) }
        self.rows = rows
    }

    public var channel: AccessRecord.Channel { tokenID == nil ? .console : .api }
}

/// Which records an administrator asks for.
public struct AccessRecordFilter: Sendable, Equatable {
    public var userID: UserID?
    public var kind: AccessRecord.Kind?
    public var from: Date?
    public var to: Date?
    public var customerID: CustomerID?

    public init(userID: UserID? = nil, kind: AccessRecord.Kind? = nil, from: Date? = nil, to: Date? = nil, customerID: CustomerID? = nil) {
        self.userID = userID
        self.kind = kind
        self.from = from
        self.to = to
        self.customerID = customerID
    }
}

/// What recording one access decided: whether it crossed the day's alert threshold just now.
public struct AccessOutcome: Sendable, Equatable {
    public let record: AccessRecord
    /// Exports and reveals by this user today, this one included.
    public let todays: Int
    /// True for exactly one record per user and day: the one that went past the threshold.
    public let alerted: Bool

    public init(record: AccessRecord, todays: Int, alerted: Bool) {
        self.record = record
        self.todays = todays
        self.alerted = alerted
    }
}

/// A day on which a user's exports and reveals went past the threshold.
public struct AccessAlert: Sendable, Equatable {
    public let userID: UserID
    /// The local day, `yyyy-MM-dd`.
    public let day: String
    /// Exports and reveals that day when the alert fired.
    public let records: Int
    public let at: Date

    public init(userID: UserID, day: String, records: Int, at: Date) {
        self.userID = userID
        self.day = day
        self.records = records
        self.at = at
    }
}
