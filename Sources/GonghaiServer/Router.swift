import AdminConsole
import Foundation
import GraphQLAPI
import HTTPServer
import PoolStore

/// Sends each request to its endpoint and gives it a request id. Knows routes, not pools.
public struct Router: HTTPHandler {
    let graphQL: GraphQLEndpoint
    let console: AdminConsole
    let telemetry: Telemetry
    let database: any ServingStore
    /// `/bench/floor`, with `serve --bench-routes` only.
    var floor: FloorRoute?
    /// `/bench/statements`, with `serve --count-statements` only.
    var statements: StatementTally?
    let requestIDs = RequestIDGenerator()

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let started = DispatchTime.now().uptimeNanoseconds
        let requestID = requestIDs.next(suggested: request.header("x-request-id"))
        var response: HTTPResponse
        var summary: RequestSummary?
        var route = "other"
        switch request.path {
        case _ where request.malformed != nil && request.path != "/graphql":
            response = .text(400, (request.malformed ?? "") + "\n")
        case "/graphql" where Self.wantsExplorer(request):
            route = "explorer"
            response = console.explorerPage()
        case "/graphql":
            route = "graphql"
            summary = RequestSummary()
            response = graphQL.handle(request, requestID: requestID, summary: summary)
        case "/schema.graphql":
            route = "schema"
            response = graphQL.schemaDocument(request)
        case "/metrics":
            route = "metrics"
            response = telemetry.metrics(request, database: database, endpoint: graphQL)
        case "/healthz":
            route = "healthz"
            response = health()
        case "/bench/floor" where floor != nil:
            route = "floor"
            response = floor!.handle(request)
        case "/bench/statements" where statements != nil:
            route = "bench"
            response = statements!.response()
        case "/":
            response = HTTPResponse(status: 303, headers: [("Location", "/admin")], body: [])
        case "/admin", _ where request.path.hasPrefix("/admin/"):
            route = request.path.hasPrefix("/admin/static/") ? "static" : "console"
            response = console.handle(request)
        default:
            response = .text(404, "Not found.\n")
        }
        response.headers.append(("X-Request-Id", requestID))
        response.headers.append(("X-Content-Type-Options", "nosniff"))
        if response.header("cache-control") == nil { response.headers.append(("Cache-Control", "no-store")) }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - started) / 1_000_000_000
        telemetry.record(request, response, requestID: requestID, route: route, summary: summary, seconds: seconds)
        return response
    }
}

extension Router {
    /// A browser opening `/graphql`: a GET for HTML with no operation in it. GraphQL clients
    /// ask for JSON (or an event stream) and name a query.
    static func wantsExplorer(_ request: HTTPRequest) -> Bool {
        request.method == "GET" && request.queryArguments["query"] == nil && request.queryArguments["extensions"] == nil
            && (request.header("accept") ?? "").contains("text/html")
    }

    /// 200 while the database answers, 503 while it does not: a load balancer then sends
    /// requests to another instance until this one's database is back.
    func health() -> HTTPResponse {
        do {
            try database.checkHealth()
            return HTTPResponse(status: 200, contentType: "application/json", body: #"{"status":"ok"}"#)
        } catch {
            return HTTPResponse(
                status: 503, headers: [("Content-Type", "application/json"), ("Retry-After", "1")],
                body: Array(#"{"status":"unavailable","database":"unreachable"}"#.utf8))
        }
    }
}

/// Request ids: the client's if it sent a sane one, else a process-unique one.
final class RequestIDGenerator: @unchecked Sendable {
    private let lock = NSLock()
    private var counter: UInt64 = 0
    private let prefix = String(UInt32.random(in: .min ... .max), radix: 36)

    func next(suggested: String?) -> String {
        if let suggested, (1...64).contains(suggested.count),
            suggested.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }), suggested.allSatisfy(\.isASCII)
        {
            return suggested
        }
        let number = lock.withLock {
            counter += 1
            return counter
        }
        return "\(prefix)-\(number)"
    }
}
