import PoolDomain

/// A field's resolver: a plain synchronous function of the parent value, the arguments and the
/// request context. It knows nothing of the executor that calls it.
public typealias FieldResolver =
    @Sendable (_ source: any Sendable, _ args: Arguments, _ context: RequestContext) throws -> (
        any Sendable
    )?

/// Resolvers by type name and field name: what `SchemaBinder` binds to `schema.graphql`.
public typealias ResolverTable = [String: [String: FieldResolver]]

/// Builds a resolver for a parent of a known Swift type.
func on<Source>(
    _: Source.Type, _ body: @escaping @Sendable (Source, Arguments, RequestContext) throws -> (any Sendable)?
) -> FieldResolver {
    { source, args, context in
        guard let typed = source as? Source else {
            throw APIError(.internalError, "Internal server error.")
        }
        return try body(typed, args, context)
    }
}

/// Builds a resolver that reads a value off the parent.
func field<Source>(_: Source.Type, _ read: @escaping @Sendable (Source) throws -> (any Sendable)?) -> FieldResolver {
    on(Source.self) { source, _, _ in try read(source) }
}

enum Resolvers {
    /// The leaves the compiled executor reads without their resolvers (see `Leaf`).
    static let leafReaders: LeafReaderTable = [
        "Customer": CustomerResolvers.leaves.mapValues(\.reader),
        "User": UserResolvers.leaves.mapValues(\.reader),
        "Pool": PoolResolvers.leaves.mapValues(\.reader),
    ]

    /// Every resolver of the API.
    static let table: ResolverTable = [
        "Query": QueryResolvers.fields.merging(RuleQueryResolvers.query) { _, new in new }
            .merging(WebhookResolvers.query) { _, new in new }.merging(PeopleResolvers.query) { _, new in new }
            .merging(DataProtectionResolvers.query) { _, new in new },
        "Mutation": MutationResolvers.fields.merging(RuleQueryResolvers.mutation) { _, new in new }
            .merging(WebhookResolvers.mutation) { _, new in new }.merging(PeopleResolvers.mutation) { _, new in new }
            .merging(ImportResolvers.mutation) { _, new in new }.merging(DataProtectionResolvers.mutation) { _, new in new },
        "Subscription": LiveResolvers.subscription,
        "PoolChange": LiveResolvers.poolChange,
        "MyCustomerChange": LiveResolvers.myCustomerChange,
        "CustomerImportPayload": ImportResolvers.payload,
        "CustomerImportResult": ImportResolvers.result,
        "ApiToken": PeopleResolvers.apiToken,
        "AccessRecord": DataProtectionResolvers.record,
        "AccessAlert": DataProtectionResolvers.alert,
        "ErasureReport": DataProtectionResolvers.erasure,
        "RetentionReport": DataProtectionResolvers.retention,
        "IssuedApiToken": PeopleResolvers.issued,
        "User": UserResolvers.fields,
        "Department": DepartmentResolvers.fields,
        "Pool": PoolResolvers.fields,
        "Customer": CustomerResolvers.fields,
        "FollowUp": FollowUpResolvers.fields,
        "OwnershipEvent": OwnershipEventResolvers.fields,
        "CustomerConnection": ConnectionResolvers.connection,
        "CustomerEdge": ConnectionResolvers.edge,
        "PageInfo": ConnectionResolvers.pageInfo,
        "CustomerOperationPayload": OperationResultResolvers.payload,
        "CustomerOperationResult": OperationResultResolvers.result,
        "OperationError": OperationResultResolvers.error,
        "DuplicateRecord": OperationResultResolvers.duplicate,
        "OwnerLimit": RuleResolvers.ownerLimit,
        "OwnerLimitSetting": RuleResolvers.limitSetting,
        "Collaborator": RuleResolvers.collaborator,
        "ContactDetails": RuleResolvers.contact,
        "ReclaimForecast": RuleResolvers.forecast,
        "PoolRules": RuleResolvers.poolRules,
        "ClaimRules": RuleResolvers.claimRules,
        "ReclaimRules": RuleResolvers.reclaimRules,
        "LevelReclaimDays": RuleResolvers.levelDays,
        "PoolAccessEntry": RuleResolvers.accessEntry,
        "Notification": OperationsResolvers.notification,
        "SweepRun": OperationsResolvers.sweepRun,
        "SweepRunItem": OperationsResolvers.sweepRunItem,
        "RulePreview": RuleResolvers.preview,
        "OwnerPreview": RuleResolvers.ownerPreview,
        "PreviewCustomer": RuleResolvers.previewCustomer,
        "RepMetrics": OperationsResolvers.repMetrics,
        "PoolMetrics": OperationsResolvers.poolMetrics,
        "AssignmentFairness": OperationsResolvers.fairness,
        "MemberAssignments": OperationsResolvers.member,
        "OwnershipEventFeed": EventFeed.resolvers,
        "WebhookEndpoint": WebhookResolvers.endpoint,
        "WebhookRegistration": WebhookResolvers.registration,
        "WebhookDelivery": WebhookResolvers.delivery,
    ]
}

/// Enum values travel as their GraphQL names.
/// A domain enum's GraphQL name (`claimed_no_follow_up` → `CLAIMED_NO_FOLLOW_UP`); the command
/// line's JSON uses it too, so both speak one vocabulary.
public func enumName<E: RawRepresentable>(_ value: E) -> String where E.RawValue == String {
    value.rawValue.uppercased()
}

func optionalEnumName<E: RawRepresentable>(_ value: E?) -> String? where E.RawValue == String {
    value.map { $0.rawValue.uppercased() }
}

/// A leaf field's value as the compiled executor reads it: straight off the parent, unboxed.
/// Nil sends the field down the resolver's path instead (a parent of another type, a null, a
/// value the field's type must check), so the reader only ever shortens what the resolver does.
public typealias LeafReader = @Sendable (_ source: any Sendable) -> LeafValue?

/// A scalar the compiled executor writes without casting it out of an existential.
public enum LeafValue {
    case string(String)
    case int(Int)
    case boolean(Bool)
}

/// Leaf readers by type name and field name, for fields that also have a resolver.
public typealias LeafReaderTable = [String: [String: LeafReader]]

/// A leaf field defined once, as a resolver for GraphQLSwift and a reader for the compiled
/// executor, so the two answer the same value. For a page of 20 customers with owner and pool,
/// reading its 170 leaves this way spares each a resolver call, an existential and a cast.
struct Leaf<Source>: Sendable {
    let resolver: FieldResolver
    let reader: LeafReader
    /// The reader for a source of known type (see `TypedObject`).
    let typed: @Sendable (Source) -> LeafValue?

    static func string(_ read: @escaping @Sendable (Source) -> String?) -> Leaf { leaf(read, LeafValue.string) }

    static func int(_ read: @escaping @Sendable (Source) -> Int?) -> Leaf { leaf(read, LeafValue.int) }

    static func boolean(_ read: @escaping @Sendable (Source) -> Bool?) -> Leaf { leaf(read, LeafValue.boolean) }

    private static func leaf<Value: Sendable>(
        _ read: @escaping @Sendable (Source) -> Value?, _ wrap: @escaping @Sendable (Value) -> LeafValue
    ) -> Leaf {
        Leaf(
            resolver: field(Source.self) { read($0) }, reader: { source in (source as? Source).flatMap(read).map(wrap) },
            typed: { read($0).map(wrap) })
    }
}

extension Dictionary where Key == String {
    /// The resolvers of a type's leaves merged into its other resolvers.
    static func fields<Source>(_ leaves: [String: Leaf<Source>], _ others: [String: FieldResolver] = [:]) -> [String: FieldResolver]
    where Value == FieldResolver {
        leaves.mapValues(\.resolver).merging(others) { leaf, _ in leaf }
    }
}
