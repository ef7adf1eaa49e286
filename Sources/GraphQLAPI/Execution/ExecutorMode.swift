/// Which executor answers GraphQL requests.
///
/// `compiled` is the default and the fast path. `reference` runs GraphQLSwift's own executor
/// for everything (the behaviour the compiled one must match). `verify` runs both on every
/// request, answers with the reference result when they differ and says so in the
/// `Gonghai-Executor-Check` header (`same`, `different`, or `reference` when the compiled
/// executor left the operation to the reference one): the test suites run in this mode.
public enum ExecutorMode: String, Sendable, CaseIterable {
    case compiled
    case reference
    case verify

    public static let checkHeader = "Gonghai-Executor-Check"
}
