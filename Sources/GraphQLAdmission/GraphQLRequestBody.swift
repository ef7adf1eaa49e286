import Foundation
import GraphQL

/// The `{query, variables, operationName}` of a request, from a POST body or GET parameters,
/// checked strictly: unknown keys and wrong types are refused, not ignored.
public struct GraphQLRequestBody: Sendable {
    public let query: String
    public let variables: [String: Map]
    public let operationName: String?
    /// The request's `extensions` object (`persistedQuery`); empty when absent.
    public let extensions: [String: Map]

    public init(query: String, variables: [String: Map] = [:], operationName: String? = nil, extensions: [String: Map] = [:]) {
        self.query = query
        self.variables = variables
        self.operationName = operationName
        self.extensions = extensions
    }

    /// The same request with its query text (a persisted operation looked up by hash).
    public func with(query: String) -> GraphQLRequestBody {
        GraphQLRequestBody(query: query, variables: variables, operationName: operationName, extensions: extensions)
    }

    /// A request may leave the query out when it names a persisted operation by hash.
    private static func namesPersistedOperation(_ extensions: [String: Map]) -> Bool {
        if let persisted = extensions["persistedQuery"], persisted != .null { return true }
        return false
    }

    public static func fromGET(_ arguments: [String: String]) throws -> GraphQLRequestBody {
        var extensions: [String: Map] = [:]
        if let text = arguments["extensions"], !text.isEmpty {
            extensions = try extensionsObject(try json(Array(text.utf8)))
        }
        let query = arguments["query"] ?? ""
        guard !query.isEmpty || namesPersistedOperation(extensions) else {
            throw bad("The query parameter is required.")
        }
        var variables: [String: Map] = [:]
        if let text = arguments["variables"], !text.isEmpty {
            variables = try variablesObject(try json(Array(text.utf8)))
        }
        let name = arguments["operationName"].flatMap { $0.isEmpty ? nil : $0 }
        return GraphQLRequestBody(query: query, variables: variables, operationName: name, extensions: extensions)
    }

    public static func fromJSON(_ bytes: [UInt8]) throws -> GraphQLRequestBody {
        guard let members = try parsed(bytes, JSONValueParser.members) else {
            throw bad("The body must be a JSON object with a query.")
        }
        // Absent and null are alike for every key; a repeated key's last value counts.
        var queryValue = Map.undefined
        var variablesValue = Map.null
        var nameValue = Map.null
        var extensionsValue = Map.null
        for (key, value) in members {
            switch key {
            case "query": queryValue = value
            case "variables": variablesValue = value
            case "operationName": nameValue = value
            case "extensions": extensionsValue = value
            default: throw bad("Unknown field \"\(key.prefix(50))\" in the request body.")
            }
        }
        let extensions = try extensionsObject(extensionsValue)
        let query: String
        if case .string(let text) = queryValue, !text.isEmpty {
            query = text
        } else if queryValue.isNullOrUndefined && namesPersistedOperation(extensions) {
            query = ""
        } else {
            throw bad("\"query\" must be a non-empty string.")
        }
        let variables = try variablesObject(variablesValue)
        let name: String?
        switch nameValue {
        case .null, .undefined: name = nil
        case .string(let text): name = text.isEmpty ? nil : text
        default: throw bad("\"operationName\" must be a string or null.")
        }
        return GraphQLRequestBody(query: query, variables: variables, operationName: name, extensions: extensions)
    }

    /// The spec allows a 400 for an `extensions` that is not an object; sent as null, none.
    private static func extensionsObject(_ value: Map) throws -> [String: Map] {
        switch value {
        case .null, .undefined: return [:]
        case .dictionary(let object): return Dictionary(uniqueKeysWithValues: object.map { ($0.key, $0.value) })
        default: throw bad("\"extensions\" must be a JSON object or null.")
        }
    }

    private static func variablesObject(_ value: Map) throws -> [String: Map] {
        switch value {
        case .null, .undefined: return [:]
        case .dictionary(let object): return Dictionary(uniqueKeysWithValues: object.map { ($0.key, $0.value) })
        default: throw bad("\"variables\" must be a JSON object or null.")
        }
    }

    private static func json(_ bytes: [UInt8]) throws -> Map { try parsed(bytes, JSONValueParser.parse) }

    /// `parse` of the bytes, its failures told apart (the parser bounds the nesting and checks
    /// the encoding as it reads).
    private static func parsed<T>(_ bytes: [UInt8], _ parse: ([UInt8]) throws -> T) throws -> T {
        guard !bytes.isEmpty else { throw bad("The body is empty.") }
        do {
            return try parse(bytes)
        } catch is JSONValueParser.TooDeep {
            throw bad("The JSON nests more than \(JSONValueParser.maxDepth) levels.")
        } catch is JSONValueParser.NotUTF8 {
            throw bad("The body is not valid UTF-8.")
        } catch {
            throw bad("The body is not valid JSON.")
        }
    }

    private static func bad(_ message: String) -> APIError { APIError(.badRequest, message) }
}

private extension Map {
    var isNullOrUndefined: Bool { self == .null || self == .undefined }
}
