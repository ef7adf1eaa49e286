import Foundation
import GraphQL

/// `verify` mode: every operation runs on the compiled executor and then on GraphQLSwift's,
/// and the answers are compared; the reference answer is given when they differ, with the
/// verdict in the `Gonghai-Executor-Check` header (`same`, `different`, or `reference` when the
/// compiled executor left the operation to the other).
///
/// A mutation must change the database once, and both executors must complete the very same
/// values, so this wrapper builds its own two executors over wrapped root resolvers: the
/// compiled one's record what each root field returned (`RootReplay`), the reference one's
/// answer from that record instead of running again. Nothing of this is in the production
/// request path; the test suites and `serve --executor verify` use it.
struct ComparingExecutor: OperationExecutor {
    let compiled: CompiledExecutor
    let reference: ReferenceExecutor
    let replays = ReplayRegistry()
    let log: @Sendable (String) -> Void

    init(sdl: String, resolvers: ResolverTable, readers: LeafReaderTable, log: @escaping @Sendable (String) -> Void) throws {
        let replays = self.replays
        let recording = Self.wrappingRoots(resolvers) { key, resolver in
            { source, args, context in
                let replay = replays.replay(for: context)
                do {
                    let value = try resolver(source, args, context)
                    replay?.record(key, arguments: args.values, result: .success(value))
                    return value
                } catch {
                    replay?.record(key, arguments: args.values, result: .failure(error))
                    throw error
                }
            }
        }
        let replaying = Self.wrappingRoots(resolvers) { key, resolver in
            { source, args, context in
                if let recorded = replays.replay(for: context)?.answer(key, arguments: args.values) { return try recorded.get() }
                return try resolver(source, args, context)
            }
        }
        compiled = CompiledExecutor(schema: try SchemaBinder.build(sdl: sdl, resolvers: recording), resolvers: recording, readers: readers)
        reference = ReferenceExecutor(schema: try SchemaBinder.build(sdl: sdl, resolvers: replaying))
        self.log = log
    }

    /// Both executors of a query read the same snapshot: the values the compiled one's roots
    /// returned, which the reference one completes again, read through it.
    func execute(_ operation: AdmittedOperation, context: RequestContext) throws -> Execution {
        try operation.isolated(context) { operation, context in try compare(operation, context: context) }
    }

    private func compare(_ operation: AdmittedOperation, context: RequestContext) throws -> Execution {
        try replays.during(context) { replay in
            guard let result = try compiled.execute(operation, context: context) else {
                return Execution(outcome: .reference(try reference.run(operation, context: context)), check: "reference")
            }
            let expected = try reference.run(operation, context: context)
            if let difference = ExecutorComparison.difference(compiled: result, reference: expected, replay: replay) {
                log("request \(context.requestID): executors differ for \(operation.query.prefix(500)): \(difference)")
                return Execution(outcome: .reference(expected), check: "different")
            }
            return Execution(outcome: .compiled(result), check: "same")
        }
    }

    /// The table with the root types' (Query, Mutation) resolvers wrapped by `wrap`, given each
    /// field's name: a root resolver runs only at the root, once per response key.
    static func wrappingRoots(_ table: ResolverTable, _ wrap: (String, @escaping FieldResolver) -> FieldResolver) -> ResolverTable {
        var wrapped = table
        for root in ["Query", "Mutation"] {
            guard let fields = table[root] else { continue }
            wrapped[root] = Dictionary(uniqueKeysWithValues: fields.map { ($0.key, wrap($0.key, $0.value)) })
        }
        return wrapped
    }
}

/// The replay of each request in flight, by its context.
final class ReplayRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var active: [ObjectIdentifier: RootReplay] = [:]

    func during<T>(_ context: RequestContext, _ body: (RootReplay) throws -> T) rethrows -> T {
        let replay = RootReplay()
        let key = ObjectIdentifier(context.request)
        lock.withLock { active[key] = replay }
        defer { lock.withLock { active[key] = nil } }
        return try body(replay)
    }

    func replay(for context: RequestContext) -> RootReplay? {
        lock.withLock { active[ObjectIdentifier(context.request)] }
    }
}
