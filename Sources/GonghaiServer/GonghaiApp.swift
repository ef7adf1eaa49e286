import AdminConsole
import Foundation
import GraphQLAPI
import Logging
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore

/// The running server: database, GraphQL endpoint and HTTP daemon wired together.
public final class GonghaiApp: @unchecked Sendable {
    public let database: any ServingStore
    public let endpoint: GraphQLEndpoint
    public let server: HTTPServer
    public let telemetry: Telemetry

    public init(
        database address: String, schemaSDL: String, http: HTTPServerConfiguration,
        limits: APILimits = APILimits(), clock: any TimeSource = SystemTimeSource(), timeZone: TimeZone = .current,
        statementTimeout: Duration = .seconds(30), statementObserver: (@Sendable (String) -> Void)? = nil,
        logger: Logger = Logger(label: "gonghai"), assets: StaticAssets = .locate(explicit: nil),
        passwordHasher: PasswordHasher = .standard, metricsToken: String? = nil, rateLimitPerMinute: Int = 0,
        executor: ExecutorMode = .compiled, benchRoutes: Bool = false, countStatements: Bool = false,
        trustedDocuments: [String: String]? = nil,
        live: LiveLimits = LiveLimits(), settings: ServiceSettings = .standard
    ) throws {
        let log: @Sendable (String) -> Void = { logger.error("\($0)") }
        // Tracing every statement costs a tenth of a page's time: the timed server never counts.
        let tally = countStatements ? StatementTally() : nil
        var observer = statementObserver
        if let tally {
            observer = { @Sendable statement in
                tally.record(statement)
                statementObserver?(statement)
            }
        }
        telemetry = Telemetry(logger: logger, metricsToken: metricsToken)
        // A worker thread holds at most one connection at a time; the scheduler, the webhook
        // sender and a read snapshot's nested reads need a few more.
        database = try StoreOpener.open(
            DatabaseAddress(address), clock: clock, timeZone: timeZone, connections: http.threads + 4,
            statementTimeout: statementTimeout, statementObserver: observer, metrics: telemetry.factory)
        endpoint = try GraphQLEndpoint(
            schemaSDL: schemaSDL, database: database, limits: limits, clock: clock, rateLimitPerMinute: rateLimitPerMinute,
            executor: executor, persisted: PersistedOperations(trusted: trustedDocuments), live: live, settings: settings, log: log)
        let console = AdminConsole(
            database: database, assets: assets, clock: clock, hasher: passwordHasher, settings: settings, log: log)
        server = HTTPServer(
            configuration: http,
            handler: Router(
                graphQL: endpoint, console: console, telemetry: telemetry, database: database,
                floor: benchRoutes ? FloorRoute(database: database) : nil, statements: tally))
    }

    public func start() throws { try server.start() }

    public var port: UInt16 { server.port }

    /// Finishes requests in flight, then closes the database.
    public func stop() {
        endpoint.stopLiveUpdates()
        server.stop()
        do {
            try database.close()
        } catch {
            FileHandle.standardError.write(Data("gonghai: closing the database failed: \(error)\n".utf8))
        }
    }
}

/// Finds `schema.graphql`: the contract is read at start, never compiled in, so the file
/// front-end teams read is the one the server runs.
public enum SchemaLocator {
    public static func locate(explicit: String?) throws -> String {
        if let explicit { return try String(contentsOfFile: explicit, encoding: .utf8) }
        var candidates = [FileManager.default.currentDirectoryPath + "/schema.graphql"]
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            candidates.append(directory.appendingPathComponent("schema.graphql").path)
            directory = directory.deletingLastPathComponent()
        }
        for path in candidates where FileManager.default.fileExists(atPath: path) {
            return try String(contentsOfFile: path, encoding: .utf8)
        }
        throw LocateError.notFound(candidates)
    }

    public enum LocateError: Error, CustomStringConvertible {
        case notFound([String])
        public var description: String {
            if case .notFound(let paths) = self {
                return "schema.graphql not found (looked in \(paths.joined(separator: ", "))); pass --schema PATH"
            }
            return "schema.graphql not found"
        }
    }
}
