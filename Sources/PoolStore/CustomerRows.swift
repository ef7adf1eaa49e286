import PoolDomain

/// A column of `customers` that a compiled read may select (see `CustomerStore.customerRows`).
public enum CustomerColumn: Int, CaseIterable, Sendable {
    case id, name, phone, email, industry, region, level, source, status, dealAmountCents
    case ownerID, poolID, previousOwnerID, locked, createdBy, createdAt, ownerSince
    case lastFollowUpAt, lastProgressAt, updatedAt, enteredPoolAt

    /// Whether the column is read as text (`CustomerRow.bytes`) rather than as an integer.
    var isText: Bool {
        switch self {
        case .name, .phone, .email, .industry, .region, .level, .source, .status: return true
        default: return false
        }
    }

    var sql: String {
        switch self {
        case .id: return "id"
        case .name: return "name"
        case .phone: return "phone"
        case .email: return "email"
        case .industry: return "industry"
        case .region: return "region"
        case .level: return "level"
        case .source: return "source"
        case .status: return "status"
        case .dealAmountCents: return "deal_amount_cents"
        case .ownerID: return "owner_id"
        case .poolID: return "pool_id"
        case .previousOwnerID: return "previous_owner_id"
        case .locked: return "locked"
        case .createdBy: return "created_by"
        case .createdAt: return "created_at"
        case .ownerSince: return "owner_since"
        case .lastFollowUpAt: return "last_follow_up_at"
        case .lastProgressAt: return "last_progress_at"
        case .updatedAt: return "updated_at"
        case .enteredPoolAt: return "entered_pool_at"
        }
    }
}

/// One page of customers read as selected columns rather than as `Customer` values: what a
/// query that names a few fields of each customer needs, with nothing decoded that it does not
/// write. The page, its order, its keyset and its scope are those of `customerPage`.
public struct CustomerRowRequest: Sendable {
    public var query: CustomerQuery
    /// Besides `id`, which every row has.
    public var columns: [CustomerColumn]
    /// The users the rows name are looked up in the directory the same statement vouched for.
    public var directory: Bool
    /// The pools the rows name are looked up in the settings the same statement vouched for.
    public var settings: Bool
    /// Every column, so each row can also be read as a whole `Customer` (`CustomerRow.customer()`):
    /// for a page whose other fields the resolvers answer.
    public var wholeCustomers = false
    /// The memo readings the query's scope was computed from, which the statement must see
    /// unchanged or throw `ScopeMoved` (see `VouchedViewer`); nil inside a read snapshot.
    public var vouching: MemoTokens?

    public init(query: CustomerQuery, columns: [CustomerColumn], directory: Bool = false, settings: Bool = false) {
        self.query = query
        self.columns = columns
        self.directory = directory
        self.settings = settings
    }
}

/// The current row of a `customerRows` read: columns by name, valid only inside the visit.
public struct CustomerRow {
    /// What every row of one statement shares, in one object: a row costs one reference to it
    /// rather than one to each of the settings' and directory's tables.
    final class Shape {
        /// Each column's position in the statement, by `CustomerColumn.rawValue`; -1 when not selected.
        let positions: [Int32]
        let byName: Bool
        let directory: Directory?
        let settings: Settings?

        init(positions: [Int32], byName: Bool, directory: Directory?, settings: Settings?) {
            self.positions = positions
            self.byName = byName
            self.directory = directory
            self.settings = settings
        }
    }

    let reader: PageRows.Reader
    let shape: Shape

    /// The directory and settings of the statement's own moment, when the request asked for them.
    public var directory: Directory? { shape.directory }
    public var settings: Settings? { shape.settings }
    private var byName: Bool { shape.byName }

    public var id: CustomerID { CustomerID(reader.int64(0)) }

    /// The whole customer; only for a request for `wholeCustomers`, whose columns are those of
    /// `RowDecoding.customerColumns` in their order, after the sort key.
    public func customer() -> Customer {
        precondition(shape.positions[CustomerColumn.enteredPoolAt.rawValue] == Int32(CustomerColumn.allCases.count))
        return RowDecoding.customer(AfterSortKey(reader: reader))
    }

    /// The row's place in its order, for a cursor.
    public var sortKey: CustomerCursor.Key { byName ? .text(reader.text(1)) : .integer(reader.int64(1)) }

    public func isNull(_ column: CustomerColumn) -> Bool { reader.isNull(position(column)) }

    public func int64(_ column: CustomerColumn) -> Int64 { reader.int64(position(column)) }

    public func optionalInt64(_ column: CustomerColumn) -> Int64? { reader.optionalInt64(position(column)) }

    /// Empty for NULL; the bytes are the page's copy (`PageRows`), valid only inside the visit.
    public func bytes(_ column: CustomerColumn) -> UnsafeBufferPointer<UInt8> { reader.bytes(position(column)) }

    private func position(_ column: CustomerColumn) -> Int32 {
        let position = shape.positions[column.rawValue]
        precondition(position >= 0, "column \(column) was not selected")
        return position
    }
}

/// What a `customerRows` read tells besides its rows.
public struct CustomerRowsEnd: Sendable {
    public let rows: Int
    public let hasNextPage: Bool

    public init(rows: Int, hasNextPage: Bool) {
        self.rows = rows
        self.hasNextPage = hasNextPage
    }
}

/// A compiled row read at `RowDecoding.customerColumns` positions: the sort key sits after the id.
private struct AfterSortKey: ColumnReader {
    let reader: PageRows.Reader

    private func shifted(_ index: Int32) -> Int32 { index == 0 ? 0 : index + 1 }

    func int64(_ index: Int32) -> Int64 { reader.int64(shifted(index)) }
    func isNull(_ index: Int32) -> Bool { reader.isNull(shifted(index)) }
    func text(_ index: Int32) -> String { reader.text(shifted(index)) }
    func bytes(_ index: Int32) -> UnsafeBufferPointer<UInt8> { reader.bytes(shifted(index)) }
}
