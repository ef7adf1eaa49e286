import Foundation
import GraphQL

/// The `{query, variables, operationName}` of a request, from a POST body or GET parameters,
/// checked strictly: unknown keys and wrong types are refused, not ignored.
public struct GraphQLRequestBody: Sendable {
    public let query: String
    public let variables: [String: Map]
    public let operationName: String?

    public init(query: String, variables: [String: Map] = [:], operationName: String? = nil) {
        self.query = query
        self.variables = variables
        self.operationName = operationName
    }

    static let allowedKeys: Set<String> = ["query", "variables", "operationName", "extensions"]

    public static func fromGET(_ arguments: [String: String]) throws -> GraphQLRequestBody {
        guard let query = arguments["query"], !query.isEmpty else {
            throw bad("The query parameter is required.")
        }
        var variables: [String: Map] = [:]
        if let text = arguments["variables"], !text.isEmpty {
            variables = try variablesObject(try json(Array(text.utf8)))
        }
        let name = arguments["operationName"].flatMap { $0.isEmpty ? nil : $0 }
        return GraphQLRequestBody(query: query, variables: variables, operationName: name)
    }

    public static func fromJSON(_ bytes: [UInt8]) throws -> GraphQLRequestBody {
        guard case .dictionary(let object) = try json(bytes) else {
            throw bad("The body must be a JSON object with a query.")
        }
        if let unknown = object.keys.first(where: { !allowedKeys.contains($0) }) {
            throw bad("Unknown field \"\(unknown.prefix(50))\" in the request body.")
        }
        guard case .string(let query) = object["query"] ?? .undefined, !query.isEmpty else {
            throw bad("\"query\" must be a non-empty string.")
        }
        let variables = try variablesObject(object["variables"] ?? .null)
        let name: String?
        switch object["operationName"] ?? .null {
        case .null, .undefined: name = nil
        case .string(let text): name = text.isEmpty ? nil : text
        default: throw bad("\"operationName\" must be a string or null.")
        }
        return GraphQLRequestBody(query: query, variables: variables, operationName: name)
    }

    private static func variablesObject(_ value: Map) throws -> [String: Map] {
        switch value {
        case .null, .undefined: return [:]
        case .dictionary(let object): return Dictionary(uniqueKeysWithValues: object.map { ($0.key, $0.value) })
        default: throw bad("\"variables\" must be a JSON object or null.")
        }
    }

    private static func json(_ bytes: [UInt8]) throws -> Map {
        guard !bytes.isEmpty else { throw bad("The body is empty.") }
        guard NestingGuard.depth(of: bytes, limit: 64) <= 64 else {
            throw bad("The JSON nests more than 64 levels.")
        }
        guard String(validating: bytes, as: UTF8.self) != nil else { throw bad("The body is not valid UTF-8.") }
        do {
            return try JSONValueParser.parse(bytes)
        } catch {
            throw bad("The body is not valid JSON.")
        }
    }

    private static func bad(_ message: String) -> APIError { APIError(.badRequest, message) }
}
