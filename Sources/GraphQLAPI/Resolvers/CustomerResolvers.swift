import PoolDomain
import PoolServices
import PoolStore

enum CustomerResolvers {
    /// Leaves read straight off the customer (see `Leaf`).
    static let leaves: [String: Leaf<CustomerNode>] = [
        "id": .string { GlobalID.encode($0.customer.id) },
        "name": .string { $0.customer.name },
        "industry": .string { $0.customer.industry },
        "region": .string { $0.customer.region },
        "level": .string { $0.customer.level },
        "source": .string { $0.customer.source },
        "status": .string { enumName($0.customer.status) },
        "locked": .boolean { $0.customer.locked },
    ]

    static let fields: [String: FieldResolver] = .fields(leaves, [
        "phone": node { node, _ in try node.contact(\.phone, .phone) },
        "email": node { node, _ in try node.contact(\.email, .email) },
        "masked": node { node, _ in try !node.maskedFields().isEmpty },
        "dealAmount": value { $0.dealAmountCents.map { Double($0) / 100 } },
        "createdAt": value { DateTimeFormat.format($0.createdAt) },
        "ownerSince": value { $0.ownerSince.map(DateTimeFormat.format) },
        "lastFollowUpAt": value { $0.lastFollowUpAt.map(DateTimeFormat.format) },
        "lastProgressAt": value { $0.lastProgressAt.map(DateTimeFormat.format) },
        "updatedAt": value { DateTimeFormat.format($0.updatedAt) },
        "owner": node { node, _ in try node.batch.user(node.customer.ownerID) },
        "previousOwner": node { node, _ in try node.batch.user(node.customer.previousOwnerID) },
        "createdBy": node { node, _ in try node.batch.user(node.customer.createdByID) },
        "pool": node { node, _ in try node.batch.context.pool(node.customer.poolID) },
        "lastFollowUp": node { node, _ in try node.batch.followUps(of: node.customer.id, limit: 1).first },
        "followUps": node { node, args in
            let limit = try PageSize.check(args.int("first") ?? 20, node.batch.context.limits)
            return try node.batch.followUps(of: node.customer.id, limit: limit)
        },
        "ownershipHistory": node { node, _ in try node.batch.events(of: node.customer.id) },
        "reclaimForecast": node { node, _ in try ReclaimForecastValue.make(node.customer, context: node.batch.context) },
        "collaborators": node { node, _ in try node.batch.collaborators(of: node.customer.id) },
    ])

    /// The fields a compiled page writes straight from its columns (see `ConnectionProgram`),
    /// each answering what its resolver above answers; the differential tests run every page
    /// both ways. A field not here (follow-ups, history, forecasts, collaborators) is answered
    /// by its resolver above, on the page's batch, in its place in the compiled row.
    static let columns: [String: ColumnLeaf] = [
        "id": ColumnLeaf(.id, .customerID),
        "name": ColumnLeaf(.name, .text),
        "industry": ColumnLeaf(.industry, .optionalText),
        "region": ColumnLeaf(.region, .optionalText),
        "level": ColumnLeaf(.level, .optionalText),
        "source": ColumnLeaf(.source, .optionalText),
        "status": ColumnLeaf(.status, .status),
        "locked": ColumnLeaf(.locked, .flag),
        "dealAmount": ColumnLeaf(.dealAmountCents, .cents),
        "createdAt": ColumnLeaf(.createdAt, .dateTime),
        "ownerSince": ColumnLeaf(.ownerSince, .optionalDateTime),
        "lastFollowUpAt": ColumnLeaf(.lastFollowUpAt, .optionalDateTime),
        "lastProgressAt": ColumnLeaf(.lastProgressAt, .optionalDateTime),
        "updatedAt": ColumnLeaf(.updatedAt, .dateTime),
        // Users from the directory, the pool from the settings, as `batch.user` and `context.pool` find them.
        "owner": ColumnLeaf(.ownerID, .user),
        "previousOwner": ColumnLeaf(.previousOwnerID, .user),
        "createdBy": ColumnLeaf(.createdBy, .user),
        "pool": ColumnLeaf(.poolID, .pool),
        // Masked by the pool's rules, and an unmasked read noted, as `contact` does.
        "phone": ColumnLeaf(.phone, .contact(.phone)),
        "email": ColumnLeaf(.email, .contact(.email)),
        "masked": ColumnLeaf(.poolID, .masked),
    ]

    private static func value(_ read: @escaping @Sendable (Customer) -> (any Sendable)?) -> FieldResolver {
        field(CustomerNode.self) { read($0.customer) }
    }

    private static func node(
        _ body: @escaping @Sendable (CustomerNode, Arguments) throws -> (any Sendable)?
    ) -> FieldResolver {
        on(CustomerNode.self) { node, args, _ in try body(node, args) }
    }
}

/// A field of `Customer` as a column and how it is written (see `CustomerResolvers.columns`).
struct ColumnLeaf: Sendable {
    enum Encoding: Sendable {
        /// `cus_` and the id.
        case customerID
        /// A non-null text: NULL reads as "" as `RowDecoding` reads it.
        case text
        case optionalText
        /// Its GraphQL name; an unknown value reads as `LEAD`, as `RowDecoding` reads it.
        case status
        case flag
        /// Cents as a `Float` of the major unit.
        case cents
        case dateTime
        case optionalDateTime
        /// A user id, the user's fields from the directory.
        case user
        /// The pool of a customer in one (owner NULL), its fields from the settings.
        case pool
        /// A phone or e-mail as the caller may see it: masked while its pool masks it.
        case contact(MaskableField)
        /// Whether the customer's pool masks anything.
        case masked
    }

    let column: CustomerColumn
    let encoding: Encoding

    init(_ column: CustomerColumn, _ encoding: Encoding) {
        self.column = column
        self.encoding = encoding
    }

    /// What the statement must select for it.
    var columns: [CustomerColumn] {
        switch encoding {
        case .pool, .masked: return [.ownerID, .poolID]
        case .contact: return [column, .ownerID, .poolID]
        default: return [column]
        }
    }

    /// Whether it is looked up in, or decided by, the settings (pools and their rules).
    var readsSettings: Bool {
        switch encoding {
        case .pool, .contact, .masked: return true
        default: return false
        }
    }
}

extension CustomerNode {
    /// Fields the customer's pool hides while it is in the pool; masking is done here, on the
    /// server, for every viewer: pool admins use `revealCustomerContact`, which is logged.
    func maskedFields() throws -> Set<MaskableField> {
        Masking.hidden(for: customer, in: try batch.context.pools())
    }

    func visible() throws -> Customer { Masking.shown(customer, in: try batch.context.pools()) }

    /// A contact field as the caller may see it; an unmasked value read through an API token
    /// is noted for the request's access record.
    func contact(_ field: KeyPath<Customer, String?>, _ maskable: MaskableField) throws -> String? {
        let value = try visible()[keyPath: field]
        let context = batch.context
        if value != nil, context.services.accessRecords.recordsContactReads(by: context.actor), try !maskedFields().contains(maskable) {
            context.request.noteContactRead(customer.id)
        }
        return value
    }
}

/// A collaborator of a customer.
struct CollaboratorValue: Sendable {
    let userID: UserID
    let access: CollaboratorAccess
    let context: RequestContext
}

/// The explanation of a private customer's reclaim clock.
struct ReclaimForecastValue: Sendable {
    let pool: Pool?
    let assessment: ReclaimAssessment
    let daysLeft: Int?
    let warning: Bool

    static func make(_ customer: Customer, context: RequestContext) throws -> ReclaimForecastValue? {
        try context.forecaster().forecast(customer).map {
            ReclaimForecastValue(pool: $0.pool, assessment: $0.assessment, daysLeft: $0.daysLeft, warning: $0.warning)
        }
    }
}

enum FollowUpResolvers {
    static let fields: [String: FieldResolver] = [
        "id": field(FollowUpNode.self) { GlobalID.encode($0.followUp.id) },
        "kind": field(FollowUpNode.self) { enumName($0.followUp.kind) },
        "text": field(FollowUpNode.self) { $0.followUp.text },
        "at": field(FollowUpNode.self) { DateTimeFormat.format($0.followUp.at) },
        "by": field(FollowUpNode.self) { try $0.context.user($0.followUp.byID) },
    ]
}

enum OwnershipEventResolvers {
    static let fields: [String: FieldResolver] = [
        "id": field(EventNode.self) { GlobalID.encode($0.event.id) },
        "kind": field(EventNode.self) { enumName($0.event.kind) },
        "fromOwner": field(EventNode.self) { try $0.context.user($0.event.fromOwnerID) },
        "toOwner": field(EventNode.self) { try $0.context.user($0.event.toOwnerID) },
        "fromPool": field(EventNode.self) { try $0.context.pool($0.event.fromPoolID) },
        "toPool": field(EventNode.self) { try $0.context.pool($0.event.toPoolID) },
        "actor": field(EventNode.self) { try $0.context.user($0.event.actorID) },
        "reason": field(EventNode.self) { $0.event.reason },
        "routedBy": field(EventNode.self) { optionalEnumName($0.event.routedBy) },
        "at": field(EventNode.self) { DateTimeFormat.format($0.event.at) },
        "rule": field(EventNode.self) { optionalEnumName($0.event.rule) },
        "ruleVersion": field(EventNode.self) { $0.event.ruleVersion.map { Int($0) } },
        "sweepRunId": field(EventNode.self) { $0.event.sweepRunID.map { "run_\($0)" } },
        "customer": field(EventNode.self) { try $0.customers.customer($0.event.customerID) },
    ]
}

/// Page sizes are checked in one place.
enum PageSize {
    static func check(_ first: Int, _ limits: APILimits) throws -> Int {
        guard first >= 0 else {
            throw APIError(.badUserInput, "first must not be negative.", extensions: ["field": .string("first")])
        }
        guard first <= limits.maxPageSize else {
            throw APIError(
                .pageSizeExceeded, "first is \(first); at most \(limits.maxPageSize) per page.",
                extensions: ["limit": .number(.init(limits.maxPageSize))])
        }
        return first
    }
}
