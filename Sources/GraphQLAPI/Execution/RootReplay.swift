import Foundation
import GraphQL

/// The `verify` executor mode's bridge between the two executors: the compiled executor
/// records what each root field's resolver returned, and the reference executor, run next
/// on the same request context, gets those values instead of calling the resolvers again.
///
/// So a mutation changes the database once, both executors complete the very same values
/// (a concurrent write cannot make them differ), and what is compared is what the executors
/// do: field collection, argument coercion, completion, null propagation and errors.
final class RootReplay: @unchecked Sendable {
    private let lock = NSLock()
    private var entries: [String: (arguments: Map, result: Result<(any Sendable)?, any Error>)] = [:]
    private var problems: [String] = []

    func record(_ key: String, arguments: Map, result: Result<(any Sendable)?, any Error>) {
        lock.withLock { entries[key] = (arguments, result) }
    }

    /// What the resolver returned (or threw) when the compiled executor ran it; nil when it
    /// did not run it. That happens to queries only: GraphQLSwift starts every root field at
    /// once, so siblings of a field whose error nulls `data` still run there, while the
    /// compiled executor stops (both answer the same). Mutations stop at the error in both.
    func answer(_ key: String, arguments: Map) -> Result<(any Sendable)?, any Error>? {
        let entry = lock.withLock { entries[key] }
        guard let entry else { return nil }
        if entry.arguments != arguments {
            lock.withLock { problems.append("root field \(key): arguments \(entry.arguments) compiled, \(arguments) reference") }
        }
        return entry.result
    }

    var differences: [String] { lock.withLock { problems } }
}
