import Foundation
import GraphQL

/// A parsed and validated document, kept by query text so each distinct query is parsed and
/// validated once (validation costs ~160 µs, more than a page of SQL).
public struct AdmittedDocument: @unchecked Sendable {
    /// nil when the query was refused before or during parsing.
    public let document: Document?
    /// Request-level errors (parse or validation) to answer with instead of executing.
    public let errors: [GraphQLError]
    public let errorCode: ErrorCode?
    /// The document's operations, in order, found once: casting every definition again per
    /// request was one of the cold paths of a cached `{ __typename }`.
    public let operations: [OperationDefinition]
    /// Limit verdicts of the operations that take no variables: theirs cannot change from one
    /// request to the next, and working them out again cost a cached page 3%.
    let verdicts = LimitVerdicts()

    init(document: Document?, errors: [GraphQLError], errorCode: ErrorCode?) {
        self.document = document
        self.errors = errors
        self.errorCode = errorCode
        operations = document?.definitions.compactMap { $0 as? OperationDefinition } ?? []
    }
}

/// What `QueryAdmission.checkLimits` said of each variable-free operation of a document.
final class LimitVerdicts: @unchecked Sendable {
    private let lock = NSLock()
    private var byOperation: [String: APIError?] = [:]

    func verdict(_ operation: String, _ check: () -> APIError?) -> APIError? {
        if let known = lock.withLock({ byOperation[operation] }) { return known }
        let verdict = check()
        lock.withLock { byOperation[operation] = verdict }
        return verdict
    }
}

/// Everything a query passes before it may run: the nesting guard, the parser, validation
/// against the schema, the choice of operation, and the depth and cost limits.
///
/// Pure (no I/O, no user): this is what the libFuzzer target drives with hostile input.
public struct QueryAdmission: Sendable {
    public let schema: GraphQLSchema
    public let maxDepth: Int
    public let maxCost: Int
    /// Deeper bracket nesting than this is refused before the recursive parser sees it.
    public static let maxNesting = 64

    public init(schema: GraphQLSchema, maxDepth: Int, maxCost: Int) {
        self.schema = schema
        self.maxDepth = maxDepth
        self.maxCost = maxCost
    }

    /// Parses and validates; never throws: refusals come back as coded request-level errors.
    public func admit(_ query: String) -> AdmittedDocument {
        let empty: Document? = nil
        if NestingGuard.depth(of: query.utf8, limit: Self.maxNesting) > Self.maxNesting {
            let error = APIError(.queryTooDeep, "The query nests too deeply to parse.", extensions: ["limit": .number(.init(Self.maxNesting))])
            return AdmittedDocument(document: empty, errors: [error.graphQLError()], errorCode: .queryTooDeep)
        }
        let document: Document
        do {
            document = try parse(source: Source(body: Self.safeForLexer(query), name: "GraphQL request"))
        } catch let error as GraphQLError {
            return AdmittedDocument(document: empty, errors: [Self.coded(error, .parseFailed)], errorCode: .parseFailed)
        } catch {
            return AdmittedDocument(document: empty, errors: [], errorCode: .parseFailed)
        }
        if let duplicate = Self.duplicateDefinition(in: document) {
            return AdmittedDocument(document: document, errors: [Self.coded(duplicate, .validationFailed)], errorCode: .validationFailed)
        }
        let errors = validate(schema: schema, ast: document, rules: specifiedRules + [InputChecks.int32Literals])
        guard errors.isEmpty else {
            return AdmittedDocument(
                document: document, errors: errors.map { Self.coded($0, .validationFailed) }, errorCode: .validationFailed)
        }
        return AdmittedDocument(document: document, errors: [], errorCode: nil)
    }

    /// GraphQLSwift 4.3.0's lexer reads the four digits of a `\u` escape without checking for the
    /// end of the text, and traps when fewer than four bytes follow (found by gonghai-fuzz).
    /// Trailing spaces mean nothing in GraphQL, so padding such a query turns the trap into the
    /// lexer's own "Invalid character escape sequence" error.
    static func safeForLexer(_ query: String) -> String {
        let tail = query.utf8.suffix(5)
        guard tail.contains(UInt8(ascii: "u")), tail.contains(UInt8(ascii: "\\")) else { return query }
        return query + "    "
    }

    /// Two operations or two fragments of one name, refused before GraphQLSwift's validator sees
    /// them: it keys dictionaries by definitions that hash by identity but compare by structure,
    /// and two identical definitions can trap it (found by gonghai-fuzz). Such a document is
    /// invalid anyway; the error is the one the spec's uniqueness rules give.
    static func duplicateDefinition(in document: Document) -> GraphQLError? {
        var operations: [String: OperationDefinition] = [:]
        var anonymous: OperationDefinition?
        var fragments: [String: FragmentDefinition] = [:]
        var operationCount = 0
        for definition in document.definitions {
            if let operation = definition as? OperationDefinition {
                operationCount += 1
                guard let name = operation.name else {
                    if anonymous != nil {
                        return GraphQLError(message: "This anonymous operation must be the only defined operation.", nodes: [operation])
                    }
                    anonymous = operation
                    continue
                }
                if let first = operations[name.value] {
                    return GraphQLError(message: "There can be only one operation named \"\(name.value)\".", nodes: [first.name!, name])
                }
                operations[name.value] = operation
            } else if let fragment = definition as? FragmentDefinition {
                if let first = fragments[fragment.name.value] {
                    return GraphQLError(
                        message: "There can be only one fragment named \"\(fragment.name.value)\".", nodes: [first.name, fragment.name])
                }
                fragments[fragment.name.value] = fragment
            }
        }
        if let anonymous, operationCount > 1 {
            return GraphQLError(message: "This anonymous operation must be the only defined operation.", nodes: [anonymous])
        }
        return nil
    }

    /// The operation to run: the named one, or the only one.
    public func operation(in document: Document, named name: String?) throws -> OperationDefinition {
        try operation(among: document.definitions.compactMap { $0 as? OperationDefinition }, named: name)
    }

    /// The same, from the operations admission found in the document.
    public func operation(in admitted: AdmittedDocument, named name: String?) throws -> OperationDefinition {
        try operation(among: admitted.operations, named: name)
    }

    private func operation(among operations: [OperationDefinition], named name: String?) throws -> OperationDefinition {
        if let name {
            guard let match = operations.first(where: { $0.name?.value == name }) else {
                throw APIError(.operationNotFound, "No operation named \"\(name.prefix(100))\" in the document.")
            }
            return match
        }
        guard operations.count == 1 else {
            throw APIError(.operationNotFound, "The document has several operations: give operationName.")
        }
        return operations[0]
    }

    /// Refuses an operation deeper or costlier than the limits, saying by how much. The verdict
    /// on an operation that takes no variables is worked out once per admitted document.
    public func checkLimits(_ admitted: AdmittedDocument, _ operation: OperationDefinition, variables: [String: Map]) throws {
        guard let document = admitted.document else { return }
        guard operation.variableDefinitions.isEmpty, variables.isEmpty else {
            return try checkLimits(document, operation, variables: variables)
        }
        let refusal = admitted.verdicts.verdict(operation.name?.value ?? "") {
            do {
                try checkLimits(document, operation, variables: [:])
                return nil
            } catch {
                return error as? APIError ?? APIError(.internalError, "Internal server error.")
            }
        }
        if let refusal { throw refusal }
    }

    func checkLimits(_ document: Document, _ operation: OperationDefinition, variables: [String: Map]) throws {
        let limits = QueryLimits(document: document, variables: variables)
        let depth = limits.depth(operation.selectionSet)
        if depth > maxDepth {
            throw APIError(
                .queryTooDeep, "The query is \(depth) levels deep; at most \(maxDepth).",
                extensions: ["depth": .number(.init(depth)), "limit": .number(.init(maxDepth))])
        }
        let cost = limits.cost(operation.selectionSet)
        if cost > maxCost {
            throw APIError(
                .queryTooComplex, "The query's estimated cost is \(cost); at most \(maxCost).",
                extensions: ["cost": .number(.init(min(cost, 1 << 52))), "limit": .number(.init(maxCost))])
        }
    }

    /// Refuses variable values GraphQLSwift's own coercion would trap on (see `InputChecks`).
    public func checkVariables(_ operation: OperationDefinition, _ variables: [String: Map]) throws {
        try InputChecks.checkEnumVariables(operation, variables, schema: schema)
    }

    /// The error with `extensions.code` set.
    public static func coded(_ error: GraphQLError, _ code: ErrorCode) -> GraphQLError {
        var extensions = error.extensions
        extensions["code"] = .string(code.rawValue)
        return GraphQLError(message: error.message, locations: error.locations, path: error.path, extensions: extensions)
    }
}
