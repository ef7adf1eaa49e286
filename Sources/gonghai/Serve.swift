import ArgumentParser
import Foundation
import GonghaiServer
import GraphQLAPI
import HTTPServer
import Logging
import PoolDomain
import PoolStore

struct Serve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Start the GraphQL server.",
        discussion: """
            Serves POST/GET /graphql (bearer token required) and GET /healthz.
            With --demo, an empty database is first filled with a demo sales team and ~2,000
            customers, and an admin token is printed.
            """)

    @Option(help: "The address to listen on (IPv4 or IPv6 literal).")
    var host = "127.0.0.1"

    @Option(help: "The port to listen on (0 picks a free one).")
    var port: UInt16 = 8080

    @OptionGroup var options: DatabaseOption

    @Flag(help: "Seed demo data into an empty database and print an admin token.")
    var demo = false

    @Option(help: "libmicrohttpd worker threads (default: the number of cores).")
    var threads: Int = HTTPServerConfiguration.cores

    @Option(help: "Path of schema.graphql (default: found beside the working directory or binary).")
    var schema: String?

    @Option(name: .customLong("sweep-at"), help: "Local time of the daily reclaim sweep, HH:MM.")
    var sweepAt = "02:00"

    @Flag(name: .customLong("no-sweep"), help: "Do not run the daily sweep inside this server.")
    var noSweep = false

    @Option(name: .customLong("time-zone"), help: "The team's time zone for rule days and the sweep, e.g. Asia/Shanghai (default: the system's).")
    var timeZone: String?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "text or json (one object per line).")
    var logFormat = "text"

    @Option(name: .customLong("metrics-token"), help: "Enables GET /metrics for callers sending this bearer token.")
    var metricsToken: String?

    @Option(help: "Maximum query depth.")
    var maxDepth = 12

    @Option(help: "Maximum estimated query cost.")
    var maxCost = 10_000

    func run() throws {
        try LogSetup.bootstrap(format: logFormat, level: logLevel)
        let sdl = try SchemaLocator.locate(explicit: schema)
        let http = HTTPServerConfiguration(host: host, port: port, threads: max(1, threads))
        let app = try GonghaiApp(
            databasePath: options.database, schemaSDL: sdl, http: http,
            limits: APILimits(maxDepth: maxDepth, maxCost: maxCost), timeZone: try TimeZoneOption.resolve(timeZone),
            logger: Logger(label: "gonghai"), metricsToken: metricsToken)
        let token = demo ? try seedDemo(app.database) : nil
        let scheduler = noSweep ? nil : try SweepScheduler(
            database: app.database, clock: SystemTimeSource(), at: sweepAt, logger: Logger(label: "gonghai.sweep"))
        try app.start()
        scheduler?.start()
        let shownHost = host.contains(":") ? "[\(host)]" : host
        print("gonghai listening on http://\(shownHost):\(app.port)/graphql (database \(options.database))")
        if let token {
            print("admin console: http://\(shownHost):\(app.port)/admin (sign in as admin / \(Self.demoPassword), or 王磊 / \(Self.demoPassword) as a manager)")
            print("demo admin token: \(token)")
            print(
                "try: curl -s http://\(shownHost):\(app.port)/graphql -H 'Authorization: Bearer \(token)' -H 'Content-Type: application/json' -d '{\"query\":\"{ me { name role } customers(first: 3) { totalCount nodes { name owner { name } pool { name } } } }\"}'"
            )
        }
        fflush(nil)
        waitForTermination()
        print("gonghai: stopping (finishing requests in flight)")
        scheduler?.stop()
        app.stop()
    }

    /// The demo's console password for the admin and managers: a demo database is not for real data.
    static let demoPassword = "gonghai-demo"

    private func seedDemo(_ database: SQLitePoolDatabase) throws -> String {
        let seeder = DemoSeeder(database: database)
        if try seeder.isEmpty() {
            let summary = try seeder.seed(now: Date())
            print("demo data: \(summary.users) users, \(summary.pools) pools, \(summary.customers) customers")
        }
        guard let admin = try database.users().first(where: { $0.role == .admin && $0.active }) else {
            throw ValidationError("--demo: the database has no active admin; add one with `gonghai users add`")
        }
        for user in try database.users() where user.role != .rep && user.active {
            try database.setPassword(user.id, Self.demoPassword, hasher: .standard, by: nil)
        }
        return try database.issueToken(for: admin.id, label: "demo")
    }

    /// Blocks until SIGINT or SIGTERM.
    private func waitForTermination() {
        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        stop.wait()
        sources.forEach { $0.cancel() }
    }
}

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create or upgrade the database schema, then exit.")

    @OptionGroup var options: DatabaseOption

    func run() throws {
        _ = try SQLitePoolDatabase(path: options.database)
        print("database \(options.database) is up to date")
    }
}
