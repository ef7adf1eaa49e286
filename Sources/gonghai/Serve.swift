import AdminConsole
import ArgumentParser
import Foundation
import GonghaiServer
import GraphQLAPI
import HTTPServer
import Logging
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore

/// The `serve` options. Every one can also come from `GONGHAI_<NAME>` or a `--config` file;
/// a flag wins over the environment, which wins over the file.
struct ServeOptions: ParsableArguments {
    @Option(help: "The address to listen on (IPv4 or IPv6 literal). Default 127.0.0.1.")
    var host: String?

    @Option(help: "The port to listen on (0 picks a free one). Default 8080.")
    var port: String?

    @Option(help: "The SQLite database file (created if missing; default gonghai.sqlite) or a postgres:// URL.")
    var database: String?

    @Option(help: "libmicrohttpd worker threads. Default: the number of cores.")
    var threads: String?

    @Option(help: "Path of schema.graphql. Default: found beside the working directory or binary.")
    var schema: String?

    @Option(name: .customLong("public"), help: "The admin console's static assets. Default: Public/ beside the working directory or binary.")
    var publicDirectory: String?

    @Option(name: .customLong("sweep-at"), help: "Local time of the daily reclaim sweep, HH:MM. Default 02:00.")
    var sweepAt: String?

    @Flag(name: .customLong("no-sweep"), help: "Do not run the daily sweep inside this server.")
    var noSweep = false

    @Option(
        name: .customLong("clock-start"),
        help: "Start the server's clock at this instant (ISO 8601, e.g. 2026-11-01T00:00:00Z) and run it from there: for previews and benchmarks of data written for another day.")
    var clockStart: String?

    @Option(name: .customLong("time-zone"), help: "The team's time zone, e.g. Asia/Shanghai. Default: the system's.")
    var timeZone: String?

    @Option(name: .customLong("log-format"), help: "text or json (one object per line). Default text.")
    var logFormat: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical. Default info.")
    var logLevel: String?

    @Option(name: .customLong("metrics-token"), help: "Enables GET /metrics for callers sending this bearer token (16+ characters).")
    var metricsToken: String?

    @Option(name: .customLong("max-depth"), help: "Maximum query depth. Default 12.")
    var maxDepth: String?

    @Option(name: .customLong("max-cost"), help: "Maximum estimated query cost. Default 10000.")
    var maxCost: String?

    @Option(name: .customLong("rate-limit"), help: "Requests per minute per API token, 0 for none. Default 1200.")
    var rateLimit: String?

    @Option(name: .customLong("connection-timeout"), help: "Seconds before an idle or slow connection is closed. Default 30.")
    var connectionTimeout: String?

    @Option(name: .customLong("max-connections"), help: "Connections served at once; more are refused. Default 1000.")
    var maxConnections: String?

    @Option(name: .customLong("max-body-bytes"), help: "Largest request body; larger ones get 413. Default 1048576.")
    var maxBodyBytes: String?

    @Option(help: "The GraphQL executor: compiled (default), reference (GraphQLSwift's), or verify (both, compared per request).")
    var executor: String?

    @Option(name: .customLong("max-connections-per-address"), help: "Connections from one client address at once; more are refused. Default 256, 0 for none.")
    var maxConnectionsPerAddress: String?

    @Option(name: .customLong("trusted-proxies"), help: "Reverse proxies whose X-Forwarded-Proto and X-Real-IP are believed, comma-separated, or none. Default 127.0.0.1,::1.")
    var trustedProxies: String?

    @Option(name: .customLong("trusted-documents"), help: "A JSON file of SHA-256 → operation (or an Apollo persisted query manifest): only these operations run.")
    var trustedDocuments: String?

    @Flag(name: .customLong("webhook-allow-private"), help: "Allow webhooks to loopback, link-local and private-range addresses (a receiver on this network).")
    var webhookAllowPrivate = false

    @Option(name: .customLong("session-idle-minutes"), help: "Minutes after which an unused console session ends. Default 30.")
    var sessionIdleMinutes: String?

    @Option(name: .customLong("retention-days"), help: "Purge follow-up texts and delivered webhooks older than this many days, daily. Default 0 (kept).")
    var retentionDays: String?

    @Option(name: .customLong("manager-exports-per-day"), help: "CSV exports a manager may make per day, 0 for no limit. Default 5.")
    var managerExportsPerDay: String?

    @Option(name: .customLong("access-alert-threshold"), help: "Exports and reveals by one user in a day above which an alert (webhook access.alert and a log line) fires. Default 20.")
    var accessAlertThreshold: String?

    @Option(name: .customLong("secret-key-file"), help: "A file holding the key that seals webhook secrets at rest (else GONGHAI_SECRET_KEY).")
    var secretKeyFile: String?

    @Option(name: .customLong("statement-timeout"), help: "Seconds a database statement may run (on SQLite, a transaction's statements together) before it is cancelled with QUERY_TIMEOUT. Default 30.")
    var statementTimeout: String?

    @Option(name: .customLong("heavy-operations"), help: "Heavy operations (metrics, rule previews, exports, imports) run at once; more answer BUSY. Default: one fewer than --threads, at least 1.")
    var heavyOperations: String?

    @Option(help: "A config file of `key = value` lines with the same names as these options.")
    var config: String?

    var flags: [String: String] {
        var flags: [String: String] = [:]
        let given: [(String, String?)] = [
            ("host", host), ("port", port), ("database", database), ("threads", threads), ("schema", schema),
            ("public", publicDirectory), ("sweep-at", sweepAt), ("time-zone", timeZone), ("log-format", logFormat),
            ("log-level", logLevel), ("metrics-token", metricsToken), ("max-depth", maxDepth), ("max-cost", maxCost), ("rate-limit", rateLimit),
            ("connection-timeout", connectionTimeout), ("max-connections", maxConnections), ("max-body-bytes", maxBodyBytes),
            ("executor", executor), ("trusted-documents", trustedDocuments),
            ("max-connections-per-address", maxConnectionsPerAddress), ("trusted-proxies", trustedProxies),
            ("session-idle-minutes", sessionIdleMinutes), ("retention-days", retentionDays),
            ("manager-exports-per-day", managerExportsPerDay), ("access-alert-threshold", accessAlertThreshold),
            ("secret-key-file", secretKeyFile), ("statement-timeout", statementTimeout), ("heavy-operations", heavyOperations),
        ]
        for case (let key, let value?) in given { flags[key] = value }
        if noSweep { flags["sweep"] = "false" }
        if webhookAllowPrivate { flags["webhook-allow-private"] = "true" }
        return flags
    }

    /// Flags, then `GONGHAI_*`, then the config file (`--config` or `GONGHAI_CONFIG`).
    func resolve() throws -> ServeSettings {
        let environment = ProcessInfo.processInfo.environment
        var file: [String: String] = [:]
        if let path = config ?? environment["GONGHAI_CONFIG"] {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ValidationError("cannot read config file \(path)")
            }
            do { file = try ServeSettings.parseFile(text) } catch { throw ValidationError("\(path): \(error)") }
        }
        do {
            return try ServeSettings.resolve(flags: flags, environment: environment, file: file)
        } catch {
            throw ValidationError("\(error)")
        }
    }
}

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the server: GraphQL, the admin console and the daily sweep.",
        discussion: """
            Serves POST/GET /graphql (bearer token required), /admin, GET /healthz and, with a
            metrics token, GET /metrics. Every option can also be set as GONGHAI_<NAME>
            (e.g. GONGHAI_PORT) or in a --config file; flags win over the environment, which
            wins over the file. With --demo, an empty database is first filled with a demo
            sales team and ~2,000 customers, and an admin token and console passwords are printed.
            """)

    @OptionGroup var options: ServeOptions

    @Flag(help: "Seed demo data into an empty database and print an admin token.")
    var demo = false

    @Flag(name: .customLong("bench-routes"), help: ArgumentHelp("Serve /bench/floor for bench/run.", visibility: .hidden))
    var benchRoutes = false

    @Flag(name: .customLong("count-statements"), help: ArgumentHelp(
        "Count SQL statements at /bench/statements for bench/run (traces every statement, so never on a timed server).",
        visibility: .hidden))
    var countStatements = false

    func run() throws {
        let termination = TerminationSignal()
        let settings = try options.resolve()
        if demo, case .postgres = DatabaseAddress(settings.database) {
            throw ValidationError("--demo fills the embedded SQLite database (scripts/demo); on PostgreSQL add people with `gonghai users add` and customers by import")
        }
        try LogSetup.bootstrap(format: settings.logFormat, level: settings.logLevel)
        let sdl = try SchemaLocator.locate(explicit: settings.schema)
        var http = HTTPServerConfiguration(
            host: settings.host, port: settings.port, threads: settings.threads, maxBodyBytes: settings.maxBodyBytes,
            connectionTimeoutSeconds: settings.connectionTimeout, connectionLimit: settings.maxConnections,
            connectionsPerAddress: settings.maxConnectionsPerAddress)
        http.trustedProxies = Set(settings.trustedProxies.split(separator: ",").map(String.init))
        let zone = try TimeZoneOption.resolve(settings.timeZone)
        let trusted = try settings.trustedDocuments.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read --trusted-documents \(path)") }
            do { return try PersistedOperations.loadTrusted(data) } catch { throw ValidationError("\(path): \(error)") }
        }
        let alerts = Logger(label: "gonghai.access")
        let services = ServiceSettings(
            webhookTargets: WebhookTargets(allowPrivate: settings.webhookAllowPrivate),
            accessWatch: AccessWatch(
                managerExportsPerDay: settings.managerExportsPerDay, alertThreshold: settings.accessAlertThreshold),
            sessionIdleTimeout: TimeInterval(settings.sessionIdleMinutes * 60), retentionDays: settings.retentionDays,
            onAlert: { outcome in
                alerts.warning(
                    "access alert: a user's exports and reveals today went past the threshold",
                    metadata: ["user": "\(outcome.record.userID.rawValue)", "records": "\(outcome.todays)"])
            }, heavyOperations: settings.heavyOperationsLimit)
        let clock = try serverClock()
        let app = try GonghaiApp(
            database: settings.database, schemaSDL: sdl, http: http,
            limits: APILimits(maxDepth: settings.maxDepth, maxCost: settings.maxCost), clock: clock, timeZone: zone,
            statementTimeout: .seconds(settings.statementTimeout),
            logger: Logger(label: "gonghai"), assets: .locate(explicit: settings.publicDirectory),
            metricsToken: settings.metricsToken, rateLimitPerMinute: settings.rateLimit,
            executor: ExecutorMode(rawValue: settings.executor) ?? .compiled, benchRoutes: benchRoutes, countStatements: countStatements,
            trustedDocuments: trusted,
            settings: services)
        try SecretKeys.apply(keyFile: settings.secretKeyFile, to: app.database, logger: Logger(label: "gonghai"))
        var token: String?
        if demo {
            guard let store = app.database as? SQLitePoolDatabase else { throw ValidationError("--demo needs a SQLite database") }
            let (issued, seeded) = try validating { try DemoSetup(store: store).prepare(now: Date()) }
            if let seeded { print("demo data: \(seeded.users) users, \(seeded.pools) pools, \(seeded.customers) customers") }
            token = issued
        }
        let scheduler: SweepScheduler? = try SweepScheduler(
            database: app.database, clock: clock, at: settings.sweepAt, logger: Logger(label: "gonghai.sweep"),
            retentionDays: settings.retentionDays, sweeps: settings.sweep)
        let dispatcher = WebhookDispatcher(
            database: app.database, clock: clock, logger: Logger(label: "gonghai.webhooks"), targets: services.webhookTargets)
        try app.start()
        scheduler?.start()
        dispatcher.start()
        let shownHost = settings.host.contains(":") ? "[\(settings.host)]" : settings.host
        print("gonghai listening on http://\(shownHost):\(app.port)/graphql (database \(app.database.location))")
        if let token {
            print("admin console: http://\(shownHost):\(app.port)/admin (sign in as admin / \(DemoSetup.password), or 王磊 / \(DemoSetup.password) as a manager)")
            print("demo admin token: \(token)")
            print(
                "try: curl -s http://\(shownHost):\(app.port)/graphql -H 'Authorization: Bearer \(token)' -H 'Content-Type: application/json' -d '{\"query\":\"{ me { name role } customers(first: 3) { totalCount nodes { name owner { name } pool { name } } } }\"}'"
            )
        }
        fflush(nil)
        termination.wait()
        print("gonghai: stopping (finishing requests in flight)")
        app.server.stop()
        scheduler?.stop()
        dispatcher.stop()
        app.stop()
    }

    /// The wall clock, or the wall clock's pace from `--clock-start`.
    private func serverClock() throws -> any TimeSource {
        guard let clockStart = options.clockStart else { return SystemTimeSource() }
        guard let start = ISO8601DateFormatter().date(from: clockStart) else {
            throw ValidationError("--clock-start takes an ISO 8601 instant such as 2026-11-01T00:00:00Z, not \"\(clockStart)\"")
        }
        return ShiftedTimeSource(startingAt: start)
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: DatabaseOption

    func run() throws {
        switch options.address {
        case .sqlite:
            _ = try options.open()
        case .postgres(let url):
            let applied = try PostgresMigrator.migrate(try PostgresConnection(url))
            if !applied.isEmpty { print("applied migrations \(applied.map(String.init).joined(separator: ", "))") }
        }
        print("database \(options.address.redacted) is up to date")
    }
}

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check serve settings.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Validate a config file (with the environment and any flags) and print the settings serve would use.",
            discussion: "Exits non-zero with the problem when a setting is invalid. Secrets are shown as (set).")

        @OptionGroup var options: ServeOptions

        func run() throws {
            let settings = try options.resolve()
            if let zone = settings.timeZone { _ = try TimeZoneOption.resolve(zone) }
            print(settings.summary)
        }
    }
}
