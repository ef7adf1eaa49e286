import GraphQL

/// An operation that passed admission, ready to run.
struct AdmittedOperation {
    let query: String
    let document: Document
    let operation: OperationDefinition
    let operationName: String?
    let variables: [String: Map]
    /// The cache entry of the query text, which keeps its compiled plans.
    let cached: CachedQuery
    /// How a query's reads share one snapshot of the store; nil for a mutation, whose reads
    /// must see its own writes.
    let isolation: CompiledExecutor.Isolation?
}

/// What an executor answered, as it was produced, and (in `verify` mode) its check verdict.
struct Execution {
    enum Outcome {
        case compiled(CompiledExecutor.Result)
        case reference(GraphQLResult)
    }

    let outcome: Outcome
    /// For the `Gonghai-Executor-Check` header; nil outside `verify` mode.
    var check: String? = nil
}

/// Runs admitted operations. Production uses `CompiledFirstExecutor`; `ReferenceExecutor` and
/// `ComparingExecutor` (`serve --executor reference|verify`, the test suites) wrap the same
/// resolvers from the outside, so nothing in the request path serves only them.
protocol OperationExecutor: Sendable {
    func execute(_ operation: AdmittedOperation, context: RequestContext) throws -> Execution
}

/// The fast path: the compiled executor, and GraphQLSwift's for what it declines before
/// anything runs (introspection beyond `__typename`, values it will not coerce).
struct CompiledFirstExecutor: OperationExecutor {
    let compiled: CompiledExecutor
    let reference: ReferenceExecutor

    func execute(_ operation: AdmittedOperation, context: RequestContext) throws -> Execution {
        if let result = try compiled.execute(operation, context: context) { return Execution(outcome: .compiled(result)) }
        return Execution(outcome: .reference(reference.run(operation, context: context)))
    }
}
