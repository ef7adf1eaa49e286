import GraphQL
import PoolStore

/// An operation that passed admission, ready to run.
struct AdmittedOperation {
    let query: String
    let document: Document
    let operation: OperationDefinition
    let operationName: String?
    let variables: [String: Map]
    /// The cache entry of the query text, which keeps its compiled plans.
    let cached: CachedQuery
    /// The store whose read snapshot a query's resolvers share; nil for a mutation, whose
    /// reads must see its own writes, and for an operation already running in a snapshot.
    var snapshotOf: (any PoolDatabase)?

    /// Runs `body` with the context its resolvers read through: the request's own, or for a
    /// query the same request reading one snapshot (then the operation passed on has none).
    func isolated<T>(_ context: RequestContext, _ body: (AdmittedOperation, RequestContext) throws -> T) throws -> T {
        guard let store = snapshotOf else { return try body(self, context) }
        var inside = self
        inside.snapshotOf = nil
        return try store.withReadSnapshot { snapshot in try body(inside, context.reading(from: snapshot)) }
    }
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
        return Execution(outcome: .reference(try reference.run(operation, context: context)))
    }
}
