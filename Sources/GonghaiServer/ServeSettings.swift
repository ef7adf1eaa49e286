import Foundation
import GraphQLAPI
import PostgresStore

/// Every `serve` setting, resolved from command-line flags, then `GONGHAI_*` environment
/// variables, then a config file (`key = value` lines), then defaults: flag over env over file.
public struct ServeSettings: Sendable, Equatable {
    public var host = "127.0.0.1"
    public var port: UInt16 = 8080
    public var database = "gonghai.sqlite"
    public var threads = max(1, ProcessInfo.processInfo.activeProcessorCount)
    public var schema: String?
    public var publicDirectory: String?
    public var sweepAt = "02:00"
    public var sweep = true
    public var timeZone: String?
    public var logFormat = "text"
    public var logLevel = "info"
    public var metricsToken: String?
    public var maxDepth = 12
    public var maxCost = 10_000
    /// Requests per minute per API token (0: no limit).
    public var rateLimit = 1200
    /// Idle or slow connections are closed after this many seconds.
    public var connectionTimeout = 30
    /// Connections beyond this are refused at accept: a flood cannot take every descriptor.
    public var maxConnections = 1000
    /// Request bodies above this many bytes get 413 without being buffered.
    public var maxBodyBytes = 1 << 20
    /// `compiled` (default), `reference` (GraphQLSwift's executor) or `verify` (both, compared).
    public var executor = "compiled"
    /// Connections from one client address at once; more are refused at accept.
    public var maxConnectionsPerAddress = 256
    /// Reverse proxies whose forwarded headers are believed (comma-separated; `none`).
    public var trustedProxies = "127.0.0.1,::1"
    /// A trusted-documents file: only its operations run (see `PersistedOperations`).
    public var trustedDocuments: String?
    /// Webhooks may target loopback, link-local and private addresses.
    public var webhookAllowPrivate = false
    /// Minutes after which an unused console session ends.
    public var sessionIdleMinutes = 30
    /// Days after which follow-up texts and delivered webhooks are purged (nil: kept).
    public var retentionDays: Int?
    /// Exports a manager may make per day (nil: no limit).
    public var managerExportsPerDay: Int? = 5
    /// Exports and reveals by one user in a day above which an alert fires.
    public var accessAlertThreshold = 20
    /// A file holding the key that seals webhook secrets (else `GONGHAI_SECRET_KEY`).
    public var secretKeyFile: String?
    /// Seconds a statement may run (on SQLite, a transaction's statements together) before it
    /// is cancelled with `QUERY_TIMEOUT`.
    public var statementTimeout = 30
    /// Heavy operations (metrics, previews, exports, imports) running at once; more answer
    /// `BUSY`. Default: one fewer than the worker threads, at least one.
    public var heavyOperations: Int?
    /// The heavy operations' limit in effect.
    public var heavyOperationsLimit: Int { heavyOperations ?? max(1, threads - 1) }

    public init() {}

    /// The settings keys: the flag without `--`, the env var `GONGHAI_` + upper snake case.
    public static let keys = [
        "host", "port", "database", "threads", "schema", "public", "sweep-at", "sweep", "time-zone", "log-format",
        "log-level", "metrics-token", "max-depth", "max-cost", "rate-limit", "connection-timeout", "max-connections",
        "max-body-bytes", "executor", "trusted-documents", "max-connections-per-address", "trusted-proxies",
        "webhook-allow-private", "session-idle-minutes", "retention-days", "manager-exports-per-day", "access-alert-threshold",
        "secret-key-file", "statement-timeout", "heavy-operations",
    ]

    public static func environmentName(_ key: String) -> String {
        "GONGHAI_" + key.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// Parses a config file: `key = value` per line, `#` comments, values optionally quoted.
    public static func parseFile(_ text: String) throws -> [String: String] {
        var values: [String: String] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else { throw Problem("line \(index + 1): expected key = value") }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            guard keys.contains(key) else { throw Problem("line \(index + 1): unknown setting \"\(key)\"") }
            values[key] = value
        }
        return values
    }

    /// Resolves flag over environment over file over default, and validates every value.
    public static func resolve(flags: [String: String], environment: [String: String], file: [String: String]) throws -> ServeSettings {
        var settings = ServeSettings()
        func value(_ key: String) -> String? { flags[key] ?? environment[environmentName(key)] ?? file[key] }
        func int(_ key: String, _ range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(key) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw Problem("\(key): \(text) is not a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return number
        }
        if let host = value("host") { settings.host = host }
        if let port = try int("port", 0...65535) { settings.port = UInt16(port) }
        if let database = value("database") { settings.database = database }
        if let threads = try int("threads", 1...256) {
            settings.threads = threads
        } else if case .postgres = DatabaseAddress(settings.database) {
            // A worker thread waits on a database round trip per statement; on PostgreSQL two per
            // core keep the cores busy (bench/pg: +31% requests/s at the same CPU per request).
            settings.threads = 2 * max(1, ProcessInfo.processInfo.activeProcessorCount)
        }
        settings.schema = value("schema")
        settings.publicDirectory = value("public")
        if let sweepAt = value("sweep-at") {
            let parts = sweepAt.split(separator: ":").compactMap { Int($0) }
            guard parts.count == 2, (0..<24).contains(parts[0]), (0..<60).contains(parts[1]) else {
                throw Problem("sweep-at: \(sweepAt) is not a local time HH:MM")
            }
            settings.sweepAt = sweepAt
        }
        func flag(_ key: String) throws -> Bool? {
            guard let text = value(key) else { return nil }
            guard let flag = ["true": true, "false": false, "on": true, "off": false, "1": true, "0": false][text.lowercased()] else {
                throw Problem("\(key): true or false, not \(text)")
            }
            return flag
        }
        if let sweep = try flag("sweep") { settings.sweep = sweep }
        if let allow = try flag("webhook-allow-private") { settings.webhookAllowPrivate = allow }
        if let minutes = try int("session-idle-minutes", 1...1440) { settings.sessionIdleMinutes = minutes }
        if let days = try int("retention-days", 0...36_500) { settings.retentionDays = days == 0 ? nil : days }
        if let exports = try int("manager-exports-per-day", 0...10_000) { settings.managerExportsPerDay = exports == 0 ? nil : exports }
        if let threshold = try int("access-alert-threshold", 1...1_000_000) { settings.accessAlertThreshold = threshold }
        settings.secretKeyFile = value("secret-key-file")
        if let seconds = try int("statement-timeout", 1...3600) { settings.statementTimeout = seconds }
        if let heavy = try int("heavy-operations", 1...256) { settings.heavyOperations = heavy }
        if let zone = value("time-zone") {
            guard TimeZone(identifier: zone) != nil else { throw Problem("time-zone: unknown zone \(zone)") }
            settings.timeZone = zone
        }
        if let format = value("log-format") {
            guard ["text", "json"].contains(format) else { throw Problem("log-format: text or json, not \(format)") }
            settings.logFormat = format
        }
        if let level = value("log-level") {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw Problem("log-level: trace, debug, info, notice, warning, error or critical")
            }
            settings.logLevel = level
        }
        if let token = value("metrics-token") {
            guard token.count >= 16 else { throw Problem("metrics-token: at least 16 characters") }
            settings.metricsToken = token
        }
        if let depth = try int("max-depth", 2...100) { settings.maxDepth = depth }
        if let cost = try int("max-cost", 10...10_000_000) { settings.maxCost = cost }
        if let rate = try int("rate-limit", 0...1_000_000) { settings.rateLimit = rate }
        if let timeout = try int("connection-timeout", 1...3600) { settings.connectionTimeout = timeout }
        if let connections = try int("max-connections", 1...100_000) { settings.maxConnections = connections }
        if let bytes = try int("max-body-bytes", 1024...(256 << 20)) { settings.maxBodyBytes = bytes }
        if let executor = value("executor") {
            guard ExecutorMode(rawValue: executor) != nil else {
                throw Problem("executor: compiled, reference or verify, not \(executor)")
            }
            settings.executor = executor
        }
        if let path = value("trusted-documents") { settings.trustedDocuments = path }
        if let connections = try int("max-connections-per-address", 0...100_000) { settings.maxConnectionsPerAddress = connections }
        if let proxies = value("trusted-proxies") {
            let addresses = proxies == "none" ? [] : proxies.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            guard addresses.allSatisfy({ $0.contains(".") || $0.contains(":") }) else {
                throw Problem("trusted-proxies: IP addresses separated by commas, or none")
            }
            settings.trustedProxies = addresses.joined(separator: ",")
        }
        return settings
    }

    /// The settings as `key = value` lines, secrets redacted: what `config check` prints.
    public var summary: String {
        let basics: [(String, String)] = [
            ("host", host), ("port", String(port)), ("database", DatabaseAddress(database).redacted), ("threads", String(threads)),
            ("schema", schema ?? "(found beside the working directory or binary)"),
            ("public", publicDirectory ?? "(found beside the working directory or binary)"), ("sweep-at", sweepAt),
            ("sweep", String(sweep)), ("time-zone", timeZone ?? TimeZone.current.identifier), ("log-format", logFormat),
            ("log-level", logLevel), ("metrics-token", metricsToken == nil ? "(off)" : "(set)"),
            ("max-depth", String(maxDepth)), ("max-cost", String(maxCost)), ("rate-limit", String(rateLimit)),
            ("connection-timeout", String(connectionTimeout)), ("max-connections", String(maxConnections)),
            ("max-body-bytes", String(maxBodyBytes)), ("executor", executor),
            ("trusted-documents", trustedDocuments ?? "(off: automatic persisted queries)"),
            ("max-connections-per-address", String(maxConnectionsPerAddress)),
            ("trusted-proxies", trustedProxies.isEmpty ? "none" : trustedProxies),
        ]
        return (basics + protection).map { "\($0.0) = \($0.1)" }.joined(separator: "\n")
    }

    private var protection: [(String, String)] {
        let retention: String = retentionDays.map { String($0) } ?? "0 (kept)"
        let exports: String = managerExportsPerDay.map { String($0) } ?? "0 (no limit)"
        return [
            ("webhook-allow-private", String(webhookAllowPrivate)), ("session-idle-minutes", String(sessionIdleMinutes)),
            ("retention-days", retention), ("manager-exports-per-day", exports),
            ("access-alert-threshold", String(accessAlertThreshold)), ("secret-key-file", secretKeyFile ?? "(none)"),
            ("statement-timeout", String(statementTimeout)), ("heavy-operations", String(heavyOperationsLimit)),
        ]
    }
}
