import GraphQL

/// An error as a client sees it: a code from `ErrorCode`, a message safe to show, and
/// extensions. Internal errors never reach a client as they are: the server maps them first.
public struct APIError: Error, Sendable {
    public let code: ErrorCode
    public let message: String
    public var extensions: [String: Map]

    public init(_ code: ErrorCode, _ message: String, extensions: [String: Map] = [:]) {
        self.code = code
        self.message = message
        self.extensions = extensions
    }

    /// The GraphQL error for a field, with its location and path.
    public func graphQLError(nodes: [Node] = [], path: IndexPath = []) -> GraphQLError {
        var all: [String: Map] = ["code": .string(code.rawValue)]
        for (key, value) in extensions { all[key] = value }
        return GraphQLError(message: message, nodes: nodes, path: path, extensions: all)
    }
}
