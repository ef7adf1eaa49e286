import Foundation
import GraphQL

/// `verify` mode's record of one request's root resolver calls: the compiled executor's
/// wrapped root resolvers record what each call returned (or threw), and the reference
/// executor's take those answers instead of running again.
///
/// So a mutation changes the database once, both executors complete the very same values (a
/// concurrent write cannot make them differ), and what is compared is what the executors do:
/// field collection, argument coercion, completion, null propagation and errors. Calls are
/// matched by field and arguments, in call order (two aliases of one mutation with the same
/// arguments answer in turn); a call whose arguments match no record is a difference in
/// argument coercion, reported, and answered from the field's first record.
final class RootReplay: @unchecked Sendable {
    private typealias Entry = (arguments: Map, result: Result<(any Sendable)?, any Error>)
    private let lock = NSLock()
    private var entries: [String: [Entry]] = [:]
    private var problems: [String] = []

    func record(_ field: String, arguments: Map, result: Result<(any Sendable)?, any Error>) {
        lock.withLock { entries[field, default: []].append((arguments, result)) }
    }

    /// What the resolver returned (or threw) when the compiled executor ran it; nil when it
    /// did not run it. That happens to queries only: GraphQLSwift starts every root field at
    /// once, so siblings of a field whose error nulls `data` still run there, while the
    /// compiled executor stops (both answer the same). Mutations stop at the error in both.
    func answer(_ field: String, arguments: Map) -> Result<(any Sendable)?, any Error>? {
        lock.withLock {
            guard var recorded = entries[field], !recorded.isEmpty else { return nil }
            let index: Int
            if let matching = recorded.firstIndex(where: { $0.arguments == arguments }) {
                index = matching
            } else {
                problems.append("root field \(field): arguments \(recorded[0].arguments) compiled, \(arguments) reference")
                index = 0
            }
            let entry = recorded.remove(at: index)
            entries[field] = recorded
            return entry.result
        }
    }

    var differences: [String] { lock.withLock { problems } }
}
