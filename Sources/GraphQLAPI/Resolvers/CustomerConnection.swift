import Foundation
import PoolDomain
import PoolStore

/// One page of customers plus what it needs to answer `totalCount` lazily.
final class CustomerConnection: Sendable {
    let page: CustomerPage
    let nodes: [CustomerNode]
    let query: CustomerQuery
    /// `totalCount` costs a COUNT query, so it runs only when asked for.
    let totalCount: OnceValue<Int>

    init(page: CustomerPage, query: CustomerQuery, context: RequestContext) {
        self.page = page
        self.query = query
        self.nodes = CustomerBatch(page.customers, context: context).nodes()
        self.totalCount = OnceValue { [database = context.database] in
            try database.countCustomers(query.filter, scope: query.scope)
        }
    }

    static func load(_ args: Arguments, context: RequestContext, pool: PoolID? = nil) throws -> CustomerConnection {
        let query = try self.query(args, context: context, pool: pool)
        let page = try context.database.customerPage(query)
        noteRead(page.customers.map(\.id), args, query: query, context: context, pool: pool)
        return CustomerConnection(page: page, query: query, context: context)
    }

    /// The page the arguments ask for, in the caller's scope: the same for the resolvers and for
    /// a compiled page (`ConnectionProgram`).
    static func query(_ args: Arguments, context: RequestContext, pool: PoolID?) throws -> CustomerQuery {
        var filter = try CustomerFilterInput.parse(args.object("filter"), context: context)
        if let pool { filter.poolID = pool }
        let order = try orderInput(args.object("orderBy"))
        let first = try PageSize.check(args.int("first") ?? 20, context.limits)
        let after = try args.string("after").map { try CursorCodec.decode($0, order: order) }
        return CustomerQuery(scope: try context.scope, filter: filter, order: order, first: first, after: after)
    }

    /// The access record of a page read, when the services record such reads.
    static func noteRead(_ ids: [CustomerID], _ args: Arguments, query: CustomerQuery, context: RequestContext, pool: PoolID?) {
        if context.services.accessRecords.recordsList(rows: ids.count, continuing: query.after != nil, by: context.actor) {
            context.request.noteList(ids, filter: describe(args, pool: pool))
        }
    }

    /// The list's arguments as the caller gave them, for the access record.
    private static func describe(_ args: Arguments, pool: PoolID?) -> String {
        var parts: [String] = []
        if let pool { parts.append("pool: \(GlobalID.encode(pool))") }
        if let filter = args.object("filter") { parts.append("filter: \(filter.summary)") }
        if let order = args.object("orderBy") { parts.append("orderBy: \(order.summary)") }
        parts.append("first: \(args.int("first") ?? 20)")
        if args.string("after") != nil { parts.append("after a cursor") }
        return parts.joined(separator: ", ")
    }

    private static func orderInput(_ args: Arguments?) throws -> CustomerOrder {
        guard let args else { return .newestFirst }
        let fieldName = args.string("field") ?? "CREATED_AT"
        let field: CustomerOrderField
        switch fieldName {
        case "UPDATED_AT": field = .updatedAt
        case "NAME": field = .name
        case "LAST_FOLLOW_UP_AT": field = .lastFollowUpAt
        default: field = .createdAt
        }
        return CustomerOrder(field: field, descending: (args.string("direction") ?? "DESC") == "DESC")
    }
}

/// The `CustomerFilter` input as the store's filter.
enum CustomerFilterInput {
    static func parse(_ args: Arguments?, context: RequestContext) throws -> CustomerFilter {
        guard let args else { return CustomerFilter() }
        var filter = CustomerFilter()
        filter.poolID = try args.id("poolId", .pool).map(PoolID.init)
        filter.ownerID = try args.id("ownerId", .user).map(UserID.init)
        if args.bool("mine") == true {
            if let owner = filter.ownerID, owner != context.actor.userID {
                filter.ownerID = UserID(-1)
            } else {
                filter.ownerID = context.actor.userID
            }
        }
        filter.inPool = args.bool("inPool")
        filter.industry = args.string("industry")
        filter.region = args.string("region")
        filter.statuses = args.strings("status")?.compactMap { CustomerStatus(rawValue: $0.lowercased()) }
        if let search = args.string("search") {
            guard search.count <= 100 else {
                throw APIError(.badUserInput, "search: at most 100 characters.", extensions: ["field": .string("search")])
            }
            filter.text = search
        }
        filter.followUpBefore = try args.date("followUpBefore")
        filter.followUpAfter = try args.date("followUpAfter")
        return filter
    }
}

/// Cursors are opaque to clients: base64 of the order, the sort key and the id.
enum CursorCodec {
    static func encode(_ cursor: CustomerCursor) -> String {
        let key: String
        switch cursor.key {
        case .integer(let number): key = "i" + String(number)
        case .text(let text): key = "t" + text
        }
        let plain = "\(cursor.order.field.rawValue)|\(cursor.order.descending ? "d" : "a")|\(cursor.id.rawValue)|\(key)"
        return Data(plain.utf8).base64EncodedString()
    }

    static func decode(_ text: String, order: CustomerOrder) throws -> CustomerCursor {
        let invalid = APIError(
            .badUserInput, "after: not a cursor of this list and order.", extensions: ["field": .string("after")])
        guard text.count <= 1000, let data = Data(base64Encoded: text),
            let plain = String(data: data, encoding: .utf8)
        else { throw invalid }
        let parts = plain.split(separator: "|", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == order.field.rawValue,
            parts[1] == (order.descending ? "d" : "a"), let id = Int64(parts[2]), let tag = parts[3].first
        else { throw invalid }
        let rest = String(parts[3].dropFirst())
        switch tag {
        case "i":
            guard let number = Int64(rest) else { throw invalid }
            return CustomerCursor(order: order, key: .integer(number), id: CustomerID(id))
        case "t":
            return CustomerCursor(order: order, key: .text(rest), id: CustomerID(id))
        default:
            throw invalid
        }
    }
}

/// An edge: a node and its cursor.
struct CustomerEdgeValue: Sendable {
    let node: CustomerNode
    let cursor: CustomerCursor
}

enum ConnectionResolvers {
    static let connection: [String: FieldResolver] = [
        "edges": field(CustomerConnection.self) { connection in
            zip(connection.nodes, connection.page.cursors).map { CustomerEdgeValue(node: $0, cursor: $1) }
        },
        "nodes": field(CustomerConnection.self) { $0.nodes },
        "pageInfo": field(CustomerConnection.self) { $0 },
        "totalCount": field(CustomerConnection.self) { try $0.totalCount.get() },
    ]

    static let edge: [String: FieldResolver] = [
        "cursor": field(CustomerEdgeValue.self) { CursorCodec.encode($0.cursor) },
        "node": field(CustomerEdgeValue.self) { $0.node },
    ]

    static let pageInfo: [String: FieldResolver] = [
        "hasNextPage": field(CustomerConnection.self) { $0.page.hasNextPage },
        "endCursor": field(CustomerConnection.self) { $0.page.cursors.last.map(CursorCodec.encode) },
    ]
}
