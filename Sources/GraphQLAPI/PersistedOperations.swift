import Crypto
import Foundation
import GraphQL

/// Operations a client names by the SHA-256 of their text instead of sending it.
///
/// Two modes, as Apollo clients and GraphQL Codegen's persisted documents expect them:
/// - **automatic** (the default): a request may carry `extensions.persistedQuery` =
///   `{version: 1, sha256Hash}` without a query; an unknown hash answers
///   `PERSISTED_QUERY_NOT_FOUND`, and the client's retry with the query registers it (the hash is
///   checked against the text). Kept per instance, bounded like the document cache: behind a
///   load balancer another instance answers "not found" once and learns it on the retry.
/// - **trusted documents** (`serve --trusted-documents FILE`): only the listed operations run,
///   named by hash or sent as text whose hash is listed; anything else answers
///   `OPERATION_NOT_TRUSTED`, and nothing is registered.
public final class PersistedOperations: Sendable {
    private let trusted: [String: String]?
    private let registered = LRUCache<String>(capacity: 5000)

    /// - Parameter trusted: hash → operation text; nil for automatic persisted queries.
    public init(trusted: [String: String]? = nil) { self.trusted = trusted }

    /// The request with its query text: looked up by hash, registered, or refused.
    func resolve(_ body: GraphQLRequestBody) throws -> GraphQLRequestBody {
        let hash = try Self.requestedHash(body.extensions)
        if let trusted {
            let name = hash ?? Self.sha256(body.query)
            guard let text = trusted[name] else {
                if body.query.isEmpty { throw Self.notFound() }
                throw APIError(.operationNotTrusted, "This server runs only its trusted documents; this operation is not one of them.")
            }
            if !body.query.isEmpty && Self.sha256(body.query) != name { throw Self.mismatch() }
            return body.with(query: text)
        }
        guard let hash else { return body }
        if body.query.isEmpty {
            guard let text = registered.lookup(hash) else { throw Self.notFound() }
            return body.with(query: text)
        }
        guard Self.sha256(body.query) == hash else { throw Self.mismatch() }
        if body.query.utf8.count <= LRUCache<String>.maxKeyBytes { registered.store(hash, body.query) }
        return body
    }

    /// `extensions.persistedQuery.sha256Hash`, checked; nil when the request names no hash.
    static func requestedHash(_ extensions: [String: Map]) throws -> String? {
        guard let persisted = extensions["persistedQuery"], persisted != .null else { return nil }
        guard case .dictionary(let fields) = persisted else {
            throw APIError(.badRequest, "\"extensions.persistedQuery\" must be an object.")
        }
        guard fields["version"] == .number(1) else {
            throw APIError(.badRequest, "Only version 1 of the persistedQuery extension is supported.")
        }
        guard case .string(let hash)? = fields["sha256Hash"], isSHA256(hash) else {
            throw APIError(.badRequest, "\"sha256Hash\" must be 64 lowercase hexadecimal digits.")
        }
        return hash
    }

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }

    /// The message Apollo's persisted-query link looks for, with our documented code.
    private static func notFound() -> APIError { APIError(.persistedQueryNotFound, "PersistedQueryNotFound") }

    private static func mismatch() -> APIError {
        APIError(.badRequest, "The query's SHA-256 does not match extensions.persistedQuery.sha256Hash.")
    }
}

extension PersistedOperations {
    /// Reads a trusted-documents file: a JSON object of SHA-256 → operation text (GraphQL
    /// Codegen's `persisted-documents.json`), or Apollo's persisted query manifest
    /// (`{"format": "apollo-persisted-query-manifest", "operations": [{"id", "body"}]}`). Every
    /// document must parse and be named by its own hash, or the server does not start.
    public static func loadTrusted(_ data: Data) throws -> [String: String] {
        let object = try? JSONSerialization.jsonObject(with: data)
        var documents: [String: String] = [:]
        if let manifest = object as? [String: Any], manifest["format"] as? String == "apollo-persisted-query-manifest" {
            for entry in manifest["operations"] as? [[String: Any]] ?? [] {
                guard let id = entry["id"] as? String, let body = entry["body"] as? String else {
                    throw TrustedDocumentsError("every operation of the manifest needs an \"id\" and a \"body\"")
                }
                documents[id] = body
            }
        } else if let map = object as? [String: String] {
            documents = map
        } else {
            throw TrustedDocumentsError("expected a JSON object of SHA-256 → operation text, or an Apollo persisted query manifest")
        }
        guard !documents.isEmpty else { throw TrustedDocumentsError("the file lists no operations") }
        for (hash, text) in documents {
            guard sha256(text) == hash.lowercased() else {
                throw TrustedDocumentsError("\(hash.prefix(16))… is not the SHA-256 of its operation's text")
            }
            do { _ = try parse(source: text) } catch {
                throw TrustedDocumentsError("\(hash.prefix(16))… does not parse: \(error)")
            }
        }
        return Dictionary(uniqueKeysWithValues: documents.map { ($0.key.lowercased(), $0.value) })
    }
}

public struct TrustedDocumentsError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = "trusted documents: " + description }
}
