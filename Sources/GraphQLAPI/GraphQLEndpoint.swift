import Foundation
import GraphQL
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// `/graphql` as the GraphQL-over-HTTP spec describes it: POST with a JSON body, GET for queries,
/// `application/graphql-response+json` when accepted, bearer tokens on every request.
public final class GraphQLEndpoint: Sendable {
    let schema: GraphQLSchema
    /// The SDL the schema was built from: what `GET /schema.graphql` answers.
    let schemaSDL: String
    let database: any PoolDatabase
    let limits: APILimits
    let cache: LRUCache<CachedQuery>
    let admission: QueryAdmission
    let clock: any TimeSource
    let rateLimiter: RateLimiter
    let log: @Sendable (String) -> Void
    let executor: any OperationExecutor
    let persisted: PersistedOperations
    /// Open subscriptions and the thread that feeds them.
    let live: LiveHub
    /// The operator's choices the services decide with.
    let settings: ServiceSettings

    public init(
        schemaSDL: String, database: any PoolDatabase, limits: APILimits = APILimits(),
        clock: any TimeSource = SystemTimeSource(), rateLimitPerMinute: Int = 0, executor: ExecutorMode = .compiled,
        persisted: PersistedOperations = PersistedOperations(), live: LiveLimits = LiveLimits(),
        settings: ServiceSettings = .standard, log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws {
        self.settings = settings
        self.persisted = persisted
        self.live = LiveHub(database: database, limits: live, log: log)
        self.clock = clock
        self.rateLimiter = RateLimiter(perMinute: rateLimitPerMinute, clock: clock)
        self.schema = try SchemaBinder.build(sdl: schemaSDL)
        self.schemaSDL = schemaSDL
        self.database = database
        self.limits = limits
        self.cache = LRUCache()
        self.admission = QueryAdmission(schema: schema, maxDepth: limits.maxDepth, maxCost: limits.maxCost)
        self.log = log
        let reference = ReferenceExecutor(schema: schema)
        switch executor {
        case .compiled:
            let compiled = CompiledExecutor(schema: schema, resolvers: Resolvers.table, readers: Resolvers.leafReaders)
            self.executor = CompiledFirstExecutor(compiled: compiled, reference: reference)
        case .reference:
            self.executor = reference
        case .verify:
            self.executor = try ComparingExecutor(sdl: schemaSDL, resolvers: Resolvers.table, readers: Resolvers.leafReaders, log: log)
        }
    }

    /// Compiled operation plans held (bounded like the document cache).
    public var cachedPlans: Int { cache.values.map(\.compiledPlans).reduce(0, +) }

    public var cachedDocuments: Int { cache.count }

    /// Parsed-document cache hits and misses since start.
    public var documentCacheCounts: (hits: Int, misses: Int) { cache.counts }

    public func handle(_ request: HTTPRequest, requestID: String) -> HTTPResponse {
        handle(request, requestID: requestID, summary: nil)
    }

    /// Also fills `summary` for the request log and metrics: who asked, which operation, which
    /// error codes. Never customer data or tokens.
    public func handle(_ request: HTTPRequest, requestID: String, summary: RequestSummary?) -> HTTPResponse {
        let format = ResponseFormat(accept: request.header("accept"))
        let response: HTTPResponse
        do {
            let (grant, token) = try admitHTTP(request)
            summary?.userID = grant.user.id.rawValue
            let body = try persisted.resolve(try GraphQLRequestBody.decode(request))
            summary?.operationName = body.operationName
            let streaming = Live.accepted(request.header("accept")) ? token : nil
            response = try run(body, grant: grant, isGET: request.method == "GET", requestID: requestID, format: format, streamingFor: streaming)
        } catch let error as APIError {
            response = format.requestError(error)
            if error.code == .rateLimited, case .number(let seconds)? = error.extensions["retryAfter"] {
                var limited = response
                limited.headers.append(("Retry-After", String(seconds.intValue)))
                summary?.errorCodes = [error.code.rawValue]
                return limited
            }
        } catch {
            response = format.requestError(APIError.from(error, requestID: requestID, log: log))
        }
        summary?.errorCodes = Self.errorCodes(response.body)
        return response
    }

    /// The endpoint without HTTP or a token: `request` run as `user`, answered with the status
    /// and JSON body a client sending `Accept: application/json` would get. Tests drive the
    /// API through it table-style (role, operation, variables → JSON); HTTP behaviour, races
    /// and crashes keep their socket tests.
    public func handle(_ request: GraphQLRequestBody, as user: User, requestID: String = "in-process") -> HTTPResponse {
        let format = ResponseFormat(accept: nil)
        let response: HTTPResponse
        do {
            response = try run(try persisted.resolve(request), grant: TokenGrant(user: user), isGET: false, requestID: requestID, format: format)
        } catch let error as APIError {
            response = format.requestError(error)
        } catch {
            response = format.requestError(APIError.from(error, requestID: requestID, log: log))
        }
        return response
    }

    /// The `extensions.code` values of a response body, for the log line. Responses with data
    /// are the common case, so they are scanned as bytes and only an error list is turned into
    /// text; the key sequence below cannot occur inside a JSON string value.
    static func errorCodes(_ body: [UInt8]) -> [String] {
        // `ResponseFormat` writes `errors` last, as an array of objects (`…}]}`); a body with
        // data alone ends with the data object (`…}}`) and needs no scan.
        guard body.count >= 2, body[body.count - 2] == UInt8(ascii: "]") else { return [] }
        guard let start = firstIndex(of: errorsMarker, in: body) else { return [] }
        let text = String(decoding: body[start...], as: UTF8.self)
        var codes: [String] = []
        var rest = text[...]
        while let range = rest.range(of: "\"code\":\"") {
            let after = rest[range.upperBound...]
            codes.append(String(after.prefix { $0 != "\"" }))
            rest = after
        }
        return codes
    }

    private static let errorsMarker = Array(#""errors":[{"message":"#.utf8)

    private static func firstIndex(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard let first = needle.first, haystack.count >= needle.count else { return nil }
        var index = 0
        let last = haystack.count - needle.count
        while index <= last {
            if haystack[index] == first && haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// The HTTP-level checks, in the order a client can act on them.
    func admitHTTP(_ request: HTTPRequest) throws -> (TokenGrant, String) {
        if let problem = request.malformed { throw APIError(.badRequest, problem) }
        if request.bodyTooLarge {
            throw APIError(.payloadTooLarge, "The request body is larger than the server accepts.")
        }
        guard request.method == "GET" || request.method == "POST" else {
            throw APIError(.methodNotAllowed, "Use POST (or GET for queries).")
        }
        guard let (grant, token) = try authenticate(request) else {
            throw APIError(.unauthenticated, "A valid bearer token is required (Authorization: Bearer <token>).")
        }
        if let wait = rateLimiter.admit(token) {
            throw APIError(
                .rateLimited, "Too many requests with this token; retry in \(wait) s.",
                extensions: ["retryAfter": .number(.init(wait))])
        }
        if request.method == "POST" {
            let type = (request.header("content-type") ?? "").asciiLowercased
            guard type.hasPrefix("application/json") || type.hasPrefix("application/graphql-response+json") else {
                throw APIError(.unsupportedMediaType, "POST bodies must be application/json.")
            }
        }
        return (grant, token)
    }

    private func authenticate(_ request: HTTPRequest) throws -> (TokenGrant, String)? {
        guard let header = request.header("authorization") else {
            // A browser's EventSource cannot send headers: an event stream opened by GET may
            // carry the token as RFC 6750's `access_token` query parameter, and nothing else
            // may. The request log never records query strings.
            guard request.method == "GET", Live.accepted(request.header("accept")),
                let token = request.queryArguments["access_token"]
            else { return nil }
            return try database.grant(forToken: token).map { ($0, token) }
        }
        // The scheme is compared in place: a string made of it cost as much as the comparison.
        guard header.hasASCIIPrefixIgnoringCase("bearer ") else { return nil }
        let raw = String(header.utf8.dropFirst(7)) ?? ""
        // Tokens are base64url: trim (by Unicode's rules) only what does not already end in one.
        let plain = { (byte: UInt8?) in byte.map { $0 > 0x20 && $0 < 0x80 } ?? false }
        let token = plain(raw.utf8.first) && plain(raw.utf8.last) ? raw : raw.trimmingWhitespace()
        return try database.grant(forToken: token).map { ($0, token) }
    }

    private func run(
        _ body: GraphQLRequestBody, grant: TokenGrant, isGET: Bool, requestID: String, format: ResponseFormat,
        streamingFor token: String? = nil
    ) throws -> HTTPResponse {
        let cached = cache.value(for: body.query) { CachedQuery(admission.admit(body.query)) }
        let admitted = cached.admitted
        if let code = admitted.errorCode {
            return format.result(GraphQLResult(errors: admitted.errors), requestLevelCode: code)
        }
        guard let document = admitted.document else { throw APIError(.parseFailed, "The query could not be parsed.") }
        let operation = try admission.operation(in: admitted, named: body.operationName)
        if isGET && operation.operation == .mutation {
            throw APIError(.methodNotAllowed, "Mutations need POST.")
        }
        try admission.checkLimits(admitted, operation, variables: body.variables)
        try admission.checkVariables(operation, body.variables)
        let context = RequestContext(
            user: grant.user, scope: grant.scope, tokenID: grant.tokenID, database: database, requestID: requestID, limits: limits,
            clock: clock, settings: settings, log: log)
        if operation.operation == .mutation {
            do { try context.services.requireWrites(by: context.actor) } catch { throw APIError.from(error, requestID: requestID, log: log) }
        }
        if operation.operation == .subscription {
            guard let token else {
                throw APIError(.badRequest, "Subscriptions are answered as Server-Sent Events: send Accept: text/event-stream.")
            }
            return try subscribe(document, operation, body, grant: grant, token: token, context: context)
        }
        // A query reads from one snapshot; a mutation's writes must be visible to its own reads.
        let admittedOperation = AdmittedOperation(
            query: body.query, document: document, operation: operation, operationName: body.operationName,
            variables: body.variables, cached: cached, snapshotOf: operation.operation == .query ? database : nil)
        let execution = try executor.execute(admittedOperation, context: context)
        recordAccess(context)
        switch execution.outcome {
        case .compiled(let result):
            return checked(respond(data: result.data, errors: result.errors, requestID: requestID, format: format), execution.check)
        case .reference(let result):
            return checked(respond(result, requestID: requestID, format: format), execution.check)
        }
    }

    /// Writes who saw what for the request that just ran (`AccessRecords`). A failure to record
    /// is logged, not shown: the answer is already made, and the database's trouble will show
    /// in the next request.
    private func recordAccess(_ context: RequestContext) {
        let entries = context.request.accessEntries(by: context.actor)
        guard !entries.isEmpty else { return }
        let records = context.services.accessRecords
        for entry in entries {
            do { try records.record(entry) } catch { log("request \(context.requestID): recording access failed: \(error)") }
        }
    }

    /// `verify` mode's verdict, as a response header.
    private func checked(_ response: HTTPResponse, _ verdict: String?) -> HTTPResponse {
        guard let verdict else { return response }
        var response = response
        response.headers.append((ExecutorMode.checkHeader, verdict))
        return response
    }

    private func respond(_ result: GraphQLResult, requestID: String, format: ResponseFormat) -> HTTPResponse {
        do {
            return respond(data: try ResponseFormat.bytes(result.data), errors: result.errors, requestID: requestID, format: format)
        } catch {
            return format.requestError(APIError(.internalError, "Internal server error."))
        }
    }

    /// Errors get their codes; `data` is already bytes.
    private func respond(data: [UInt8]?, errors: [GraphQLError], requestID: String, format: ResponseFormat) -> HTTPResponse {
        let requestLevel = data == nil
        let errors = errors.map { tagged($0, requestLevel: requestLevel, requestID: requestID) }
        guard let body = try? ResponseFormat.body(data: data, errors: errors) else {
            return format.requestError(APIError(.internalError, "Internal server error."))
        }
        return format.body(body, requestLevelCode: requestLevel ? .badUserInput : nil)
    }

    /// Gives every error a documented code: errors the executor raised itself are variable
    /// coercion problems (before execution) or internal faults (during it).
    private func tagged(_ error: GraphQLError, requestLevel: Bool, requestID: String) -> GraphQLError {
        if error.extensions["code"] != nil { return error }
        if requestLevel { return QueryAdmission.coded(error, .badUserInput) }
        log("request \(requestID): executor error: \(error.message)")
        return GraphQLError(
            message: "Internal server error.", locations: error.locations, path: error.path,
            extensions: ["code": .string(ErrorCode.internalError.rawValue), "requestId": .string(requestID)])
    }
}
