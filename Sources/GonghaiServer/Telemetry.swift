import CoreMetrics
import Foundation
import GraphQLAPI
import HTTPServer
import Logging
import PoolStore
import Prometheus

/// Request logging and Prometheus metrics for one server: its own registry (no global
/// bootstrap), exposed at `GET /metrics` to callers holding the metrics token.
public final class Telemetry: @unchecked Sendable {
    public let registry = PrometheusCollectorRegistry()
    public let factory: PrometheusMetricsFactory
    let logger: Logger
    let metricsToken: String?
    private let lock = NSLock()
    private var operations: Set<String> = []
    private var metricsByKey: [MetricsKey: (Prometheus.Counter, DurationHistogram)] = [:]
    static let maxOperations = 200

    public init(logger: Logger, metricsToken: String?) {
        factory = PrometheusMetricsFactory(registry: registry)
        self.logger = logger
        self.metricsToken = metricsToken.flatMap { $0.isEmpty ? nil : $0 }
    }

    /// One log line and the request metrics for a finished request.
    func record(_ request: HTTPRequest, _ response: HTTPResponse, requestID: String, route: String, summary: RequestSummary?, seconds: Double) {
        let operation = route == "graphql" ? operationLabel(summary?.operationName) : route
        // The line's metadata costs more than the rest of this function: build it only when
        // the line will be written (`--log-level` above info skips it).
        if logger.logLevel <= .info {
            var metadata: Logger.Metadata = [
                "requestId": .string(requestID), "method": .string(request.method), "route": .string(route),
                "status": .stringConvertible(response.status), "durationMs": .string(String(format: "%.2f", seconds * 1000)),
            ]
            if let summary {
                if let user = summary.userID { metadata["user"] = .stringConvertible(user) }
                metadata["operation"] = .string(operation)
                if !summary.errorCodes.isEmpty { metadata["errors"] = .array(summary.errorCodes.map { .string($0) }) }
            }
            logger.info("request", metadata: metadata)
        }
        let outcome = summary?.errorCodes.first ?? (response.status < 400 ? "ok" : String(response.status))
        let (counter, histogram) = instruments(operation: operation, outcome: outcome, route: route)
        counter.increment()
        histogram.recordNanoseconds(Int64(seconds * 1_000_000_000))
    }

    /// The request's counter and histogram, looked up in the registry once per label set: the
    /// registry's lookup (it builds and hashes the label set each time) was a tenth of the
    /// cheapest request's time. Label sets are bounded (operations, error codes, routes).
    private func instruments(operation: String, outcome: String, route: String) -> (Prometheus.Counter, DurationHistogram) {
        let key = MetricsKey(operation: operation, outcome: outcome, route: route)
        if let known = lock.withLock({ metricsByKey[key] }) { return known }
        let made = (
            registry.makeCounter(name: "gonghai_requests_total", labels: [("operation", operation), ("outcome", outcome)]),
            registry.makeDurationHistogram(name: "gonghai_request_duration_seconds", labels: [("route", route)], buckets: Self.buckets)
        )
        lock.withLock { metricsByKey[key] = made }
        return made
    }

    private struct MetricsKey: Hashable {
        let operation: String
        let outcome: String
        let route: String
    }

    /// Operation names come from clients: at most 200 distinct labels, then "other".
    private func operationLabel(_ name: String?) -> String {
        guard let name, !name.isEmpty else { return "anonymous" }
        // Only a GraphQL name can name an operation; anything else (line breaks that would forge
        // text log lines, say) is logged as "invalid" and never becomes a metrics label.
        guard Self.isGraphQLName(name) else { return "invalid" }
        let clipped = String(name.prefix(64))
        return lock.withLock {
            if operations.contains(clipped) { return clipped }
            guard operations.count < Self.maxOperations else { return "other" }
            operations.insert(clipped)
            return clipped
        }
    }

    /// `/[_A-Za-z][_0-9A-Za-z]*/`, the spec's Name.
    static func isGraphQLName(_ text: String) -> Bool {
        guard let first = text.utf8.first, first == UInt8(ascii: "_") || (first | 0x20 >= UInt8(ascii: "a") && first | 0x20 <= UInt8(ascii: "z")) else {
            return false
        }
        return text.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte | 0x20)
        }
    }

    static let buckets: [Duration] = [
        .microseconds(250), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .seconds(1), .seconds(5),
    ]

    /// `GET /metrics`: the registry in Prometheus text format, after refreshing the gauges
    /// that are read at scrape time (pool sizes, database size, document cache).
    func metrics(_ request: HTTPRequest, database: any ServingStore, endpoint: GraphQLEndpoint) -> HTTPResponse {
        guard let metricsToken else { return .text(404, "Metrics are off: start serve with --metrics-token.\n") }
        let given = request.header("authorization").flatMap { $0.hasPrefix("Bearer ") ? String($0.dropFirst(7)) : nil } ?? ""
        guard Self.constantTimeEqual(given, metricsToken) else {
            return HTTPResponse(status: 401, headers: [("WWW-Authenticate", "Bearer")], body: Array("Metrics need the metrics token.\n".utf8))
        }
        if let pools = try? database.pools(), let metrics = try? database.poolMetrics(pools: pools.map(\.id), from: Date(timeIntervalSince1970: 0), to: Date()) {
            for (pool, metric) in zip(pools, metrics) {
                registry.makeGauge(name: "gonghai_pool_size", labels: [("pool", String(pool.id.rawValue))]).set(Double(metric.size))
            }
        }
        if let size = database.sizeInBytes() { registry.makeGauge(name: "gonghai_database_bytes").set(Double(size)) }
        let (hits, misses) = endpoint.documentCacheCounts
        registry.makeGauge(name: "gonghai_document_cache_hit_ratio").set(hits + misses == 0 ? 0 : Double(hits) / Double(hits + misses))
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return HTTPResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")], body: buffer)
    }

    static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let (x, y) = (Array(a.utf8), Array(b.utf8))
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
