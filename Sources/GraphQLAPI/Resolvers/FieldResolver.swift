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
    /// Every resolver of the API.
    static let table: ResolverTable = [
        "Query": QueryResolvers.fields.merging(RuleQueryResolvers.query) { _, new in new }
            .merging(WebhookResolvers.query) { _, new in new },
        "Mutation": MutationResolvers.fields.merging(RuleQueryResolvers.mutation) { _, new in new }
            .merging(WebhookResolvers.mutation) { _, new in new },
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
func enumName<E: RawRepresentable>(_ value: E) -> String where E.RawValue == String {
    value.rawValue.uppercased()
}

func optionalEnumName<E: RawRepresentable>(_ value: E?) -> String? where E.RawValue == String {
    value.map { $0.rawValue.uppercased() }
}
