import Foundation
import GraphQL

/// Compares one request's results from the two executors, as the client would see them.
///
/// `data` must be byte-identical. Errors are compared as a multiset, each written the way
/// responses write them: the spec does not order errors, and GraphQLSwift appends them as its
/// per-field tasks happen to finish.
enum ExecutorComparison {
    static func difference(
        compiled: CompiledExecutor.Result, reference: GraphQLResult, replay: RootReplay
    ) -> String? {
        if let problem = replay.differences.first { return problem }
        let referenceData = reference.data.flatMap { try? GraphQLJSONEncoder().encode($0) }.map { [UInt8]($0) }
        if compiled.data != referenceData {
            return "data: compiled \(text(compiled.data)) reference \(text(referenceData))"
        }
        if encoded(compiled.errors) == encoded(reference.errors) { return nil }
        if propagatedErrorsAgree(compiled.errors, reference.errors, data: compiled.data) { return nil }
        return "errors: compiled \(encoded(compiled.errors)) reference \(encoded(reference.errors))"
    }

    /// When an error propagates up to a nullable position (or to the root), the two executors
    /// may report different errors from below it: GraphQLSwift runs sibling fields as
    /// concurrent tasks, so whichever error finishes first nulls the parent and the others
    /// may or may not have been recorded; the compiled executor, like graphql-js with
    /// synchronous resolvers, stops at the first in document order. So below each null that
    /// an error propagated into, both must report at least one error; every other error must
    /// be the same on both sides.
    static func propagatedErrorsAgree(_ compiled: [GraphQLError], _ reference: [GraphQLError], data: [UInt8]?) -> Bool {
        let nulls: [[String]]
        if let data {
            guard let tree = try? JSONSerialization.jsonObject(with: Data(data), options: [.fragmentsAllowed]) else { return false }
            var found: [[String]] = []
            nullPaths(tree, [], into: &found)
            nulls = found
        } else {
            nulls = [[]]
        }
        func container(_ error: GraphQLError) -> [String]? {
            let path = key(error.path)
            return nulls.filter { $0.count < path.count && Array(path.prefix($0.count)) == $0 }.max { $0.count < $1.count }
        }
        func split(_ errors: [GraphQLError]) -> (outside: [String], inside: Set<[String]>) {
            var outside: [String] = []
            var inside = Set<[String]>()
            for error in errors {
                if let holder = container(error) { inside.insert(holder) } else { outside += encoded([error]) }
            }
            return (outside.sorted(), inside)
        }
        let (a, b) = (split(compiled), split(reference))
        return !a.inside.isEmpty && a.outside == b.outside && a.inside == b.inside
    }

    private static func key(_ path: GraphQL.IndexPath) -> [String] {
        path.elements.map { element in
            switch element {
            case .key(let name): return "." + name
            case .index(let position): return "#" + String(position)
            }
        }
    }

    private static func nullPaths(_ value: Any, _ path: [String], into found: inout [[String]]) {
        switch value {
        case is NSNull: found.append(path)
        case let object as [String: Any]: for (name, item) in object { nullPaths(item, path + ["." + name], into: &found) }
        case let list as [Any]: for (position, item) in list.enumerated() { nullPaths(item, path + ["#" + String(position)], into: &found) }
        default: break
        }
    }

    private static func encoded(_ errors: [GraphQLError]) -> [String] {
        errors.map { error in
            (try? JSONBytes.errors([error])).map { String(decoding: $0, as: UTF8.self) } ?? error.message
        }.sorted()
    }

    private static func text(_ bytes: [UInt8]?) -> String {
        bytes.map { String(decoding: $0.prefix(2000), as: UTF8.self) } ?? "null"
    }
}
