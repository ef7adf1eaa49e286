import AdminConsole
import Foundation
import GraphQLAPI
import HTTPServer
import PoolStore
import Synchronization

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
        response.headers.reserveCapacity(response.headers.count + 3)
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
    private let counter = Atomic<UInt64>(0)
    private let prefix = String(UInt32.random(in: .min ... .max), radix: 36) + "-"

    func next(suggested: String?) -> String {
        if let suggested, Self.isSane(suggested) { return suggested }
        return prefix + String(counter.wrappingAdd(1, ordering: .relaxed).newValue)
    }

    /// 1 to 64 ASCII letters, digits, `-` and `_`: safe in a log line and a header.
    static func isSane(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count)
            && id.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                    UInt8(ascii: "-"), UInt8(ascii: "_"):
                    return true
                default:
                    return false
                }
            }
    }
}
