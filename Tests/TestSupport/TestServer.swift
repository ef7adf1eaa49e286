import AdminConsole
import Foundation
import GraphQL
import GraphQLAdmission
import GonghaiServer
import Logging
import GraphQLAPI
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore
import PostgresStore

/// A real gonghai server on a free loopback port with a fresh database, a manual clock, and a
/// small organisation: an admin, a manager, reps, two pools, and tokens for each.
public final class TestServer: @unchecked Sendable {
    public let app: GonghaiApp
    public let client: HTTPClient
    public let clock: ManualTimeSource
    public let directory: URL
    public let statements = StatementLog()
    public var database: any ServingStore { app.database }
    /// `--database` of this server: a SQLite file or a PostgreSQL URL (see `TestBackend`).
    public let address: String
    public let backend: TestBackend
    /// The use cases over this server's store and clock, for set-up that acts as a user.
    public var services: PoolServices { PoolServices(store: database, clock: clock, settings: settings) }
    /// What the services decide with; webhooks may target loopback (the tests' receivers) and
    /// names resolve through `resolver`.
    public let settings: ServiceSettings
    public let resolver: TestResolver

    public private(set) var tokens: [String: String] = [:]
    public private(set) var users: [String: User] = [:]
    public private(set) var pools: [String: Pool] = [:]

    public static let start = Date(timeIntervalSince1970: 1_790_000_000)

    public init(
        limits: APILimits = APILimits(), maxBodyBytes: Int = 1 << 20, threads: Int = 4, metricsToken: String? = nil,
        rateLimitPerMinute: Int = 0, executor: ExecutorMode = .verify,
        benchRoutes: Bool = false, countStatements: Bool = false, backend: TestBackend = .current, trustedDocuments: [String: String]? = nil,
        live: LiveLimits = LiveLimits(), trustedProxies: Set<String> = ["127.0.0.1", "::1"],
        resolver: TestResolver = TestResolver(), configure: (inout ServiceSettings) -> Void = { _ in }
    ) throws {
        self.resolver = resolver
        var settings = ServiceSettings(webhookTargets: WebhookTargets(allowPrivate: true, resolver: resolver))
        configure(&settings)
        self.settings = settings
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        clock = ManualTimeSource(Self.start)
        self.backend = backend
        address = try backend.newDatabase(in: directory)
        let log = statements
        app = try GonghaiApp(
            database: address,
            schemaSDL: try String(contentsOf: Self.schemaURL, encoding: .utf8),
            http: {
                var http = HTTPServerConfiguration(host: "127.0.0.1", port: 0, threads: threads, maxBodyBytes: maxBodyBytes)
                http.trustedProxies = trustedProxies
                return http
            }(),
            limits: limits, clock: clock, timeZone: TimeZone(identifier: "UTC")!, statementObserver: { log.record($0) }, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
            assets: StaticAssets(directory: Self.repositoryURL.appendingPathComponent("Public")), passwordHasher: .fastForTests, metricsToken: metricsToken,
            rateLimitPerMinute: rateLimitPerMinute, executor: executor, benchRoutes: benchRoutes, countStatements: countStatements, trustedDocuments: trustedDocuments, live: live,
            settings: settings)
        try app.start()
        client = HTTPClient(port: app.port)
        try seedOrganisation()
    }

    deinit {
        app.stop()
        if backend == .postgres { try? PostgresTestCluster.shared.get().drop(address) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The repository's `schema.graphql`, found from this file's location.
    public static var schemaURL: URL {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            let candidate = url.appendingPathComponent("schema.graphql")
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate }
        }
        return URL(fileURLWithPath: "schema.graphql")
    }

    public static var repositoryURL: URL { schemaURL.deletingLastPathComponent() }

    private func seedOrganisation() throws {
        let sales = try database.createDepartment(name: "Sales", parentID: nil)
        let east = try database.createDepartment(name: "East", parentID: sales.id)
        let people: [(String, Role, DepartmentID)] = [
            ("admin", .admin, sales.id), ("manager", .manager, east.id), ("rep1", .rep, east.id),
            ("rep2", .rep, east.id), ("rep3", .rep, east.id),
        ]
        for (name, role, department) in people {
            let user = try database.createUser(name: name, role: role, departmentID: department)
            users[name] = user
            tokens[name] = try database.issueToken(for: user.id, label: "test")
        }
        pools["east"] = try database.createPool(PoolDraft(name: "East pool", regions: ["上海", "浙江"], priority: 10))
        pools["general"] = try database.createPool(PoolDraft(name: "General", isDefault: true))
    }

    /// Creates a customer as `owner` (or into `pool` as the admin) and returns its GraphQL id.
    @discardableResult
    public func createCustomer(
        _ name: String, owner: String? = nil, pool: String? = nil, region: String? = nil,
        phone: String? = nil, email: String? = nil, industry: String? = nil
    ) throws -> String {
        let actor = Actor(users[owner ?? "admin"]!)
        let customer = try database.createCustomer(
            CustomerDraft(name: name, phone: phone, email: email, industry: industry, region: region),
            by: actor, intoPool: pool.map { pools[$0]!.id })
        return "cus_\(customer.id.rawValue)"
    }

    /// Gives the named user a console password (fast test hashing) and a signed-in client.
    public func console(as name: String, password: String = "correct horse", language: String = "en") throws -> ConsoleClient {
        try database.setPassword(users[name]!.id, password, hasher: .fastForTests, by: nil)
        let client = ConsoleClient(port: app.port, language: language)
        try client.signIn(name, password)
        return client
    }

    /// Saves rules for a pool through the API (a `PoolRulesInput` object).
    @discardableResult
    public func setRules(_ pool: String, _ rules: [String: Any]) throws -> [String: Any] {
        try query(
            "mutation($p: ID!, $r: PoolRulesInput!) { setPoolRules(poolId: $p, rules: $r) { ruleVersion } }",
            variables: ["p": poolID(pool), "r": rules])
    }

    /// Moves the manual clock forward to the same time of day on `day` (YYYY-MM-DD, UTC), never
    /// back: a sweep that changes owners runs only for a day that has come.
    public func moveClock(toDay day: String) {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        guard let midnight = formatter.date(from: day) else { return }
        let target = midnight.addingTimeInterval(clock.now().timeIntervalSince1970.truncatingRemainder(dividingBy: 86_400))
        if target > clock.now() { clock.set(target) }
    }

    /// The rows of `sql` (valid on both backends), each column as text: what was stored.
    public func rows(_ sql: String) throws -> [[String?]] { try TestBackend.rows(sql, at: address) }

    /// Changes data behind the server's back, as another instance on the same database would.
    public func execute(_ sql: String) throws { try TestBackend.execute(sql, at: address) }

    /// The one integer `sql` selects.
    public func count(_ sql: String) throws -> Int { Int(try rows(sql).first?.first.flatMap { $0 } ?? "") ?? -1 }

    public func poolID(_ name: String) -> String { "pool_\(pools[name]!.id.rawValue)" }

    public func userID(_ name: String) -> String { "usr_\(users[name]!.id.rawValue)" }

    /// Adds a user with a token, e.g. for races and other departments.
    @discardableResult
    public func addUser(_ name: String, role: Role = .rep, department: DepartmentID? = nil) throws -> User {
        let user = try database.createUser(name: name, role: role, departmentID: department)
        users[name] = user
        tokens[name] = try database.issueToken(for: user.id, label: "test")
        return user
    }

    /// Runs a GraphQL request in process (no socket, no token) as the named user and returns the
    /// decoded JSON; fails the test when the two executors disagree (`verify` mode).
    public func inProcess(_ query: String, as user: String, variables: [String: Map] = [:]) throws -> [String: Any] {
        let response = app.endpoint.handle(GraphQLRequestBody(query: query, variables: variables), as: users[user]!)
        if let check = response.headers.first(where: { $0.0 == ExecutorMode.checkHeader })?.1, check == "different" {
            throw InProcessError.executorsDiffer(query)
        }
        return try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any] ?? [:]
    }

    public enum InProcessError: Error { case executorsDiffer(String) }

    /// Runs a GraphQL request as the named user and returns the decoded JSON.
    public func query(
        _ query: String, as user: String? = "admin", variables: [String: Any]? = nil
    ) throws -> [String: Any] {
        try client.graphQL(query, variables: variables, token: user.flatMap { tokens[$0] }).json
    }
}

/// Collects SQL statements run by the server, for N+1 tests.
public final class StatementLog: @unchecked Sendable {
    private let lock = NSLock()
    private var statements: [String] = []
    private var recording = false

    public init() {}

    func record(_ statement: String) {
        lock.withLock { if recording { statements.append(statement) } }
    }

    /// The statements run while `body` ran.
    public func capture(_ body: () throws -> Void) rethrows -> [String] {
        lock.withLock {
            statements = []
            recording = true
        }
        defer { lock.withLock { recording = false } }
        try body()
        return lock.withLock { statements }
    }
}

/// Reads nested JSON by path: `json.at("data", "customers", "totalCount")`.
extension Dictionary where Key == String, Value == Any {
    public func at(_ path: Any...) -> Any? {
        var current: Any? = self
        for step in path {
            if let key = step as? String { current = (current as? [String: Any])?[key] }
            else if let index = step as? Int {
                guard let list = current as? [Any], list.indices.contains(index) else { return nil }
                current = list[index]
            }
        }
        return current
    }

    /// The `extensions.code` of each error, in order.
    public var errorCodes: [String] {
        ((self["errors"] as? [[String: Any]]) ?? []).compactMap { ($0["extensions"] as? [String: Any])?["code"] as? String }
    }
}
