import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// The server-rendered admin console under `/admin`: sign-in, then pages for administrators
/// and managers. It uses the same domain and store as the GraphQL API; no rule lives here.
public final class AdminConsole: Sendable {
    let database: any PoolDatabase
    let assets: StaticAssets
    let clock: any TimeSource
    let hasher: PasswordHasher
    /// Sign-in attempts per client address, before any password is hashed.
    let signInAttempts: AttemptThrottle
    /// Where unexpected failures are written, with the reference the page shows.
    let log: @Sendable (String) -> Void
    /// The operator's choices the services decide with.
    let settings: ServiceSettings
    static let sessionCookie = "gh_session"
    static let loginCookie = "gh_login"

    public init(
        database: any PoolDatabase, assets: StaticAssets, clock: any TimeSource, hasher: PasswordHasher = .standard,
        settings: ServiceSettings = .standard, log: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.settings = settings
        self.database = database
        self.log = log
        self.assets = assets
        self.clock = clock
        self.hasher = hasher
        self.signInAttempts = AttemptThrottle(clock: clock)
    }

    /// The GraphQL explorer's page (see `StaticAssets.explorer`).
    public func explorerPage() -> HTTPResponse { assets.explorer() }

    public func handle(_ request: HTTPRequest) -> HTTPResponse {
        let path = request.path.split(separator: "/").map(String.init).dropFirst().map { $0 }
        if path.first == "static", path.count == 2 { return assets.response(path[1]) }
        let cookies = Cookies.parse(request.header("cookie"))
        let language = Language.choose(
            query: request.queryArguments["lang"], cookie: cookies["gh_lang"], acceptLanguage: request.header("accept-language"))
        var response = route(request, path: path, cookies: cookies, language: language)
        if let chosen = request.queryArguments["lang"], Language(rawValue: chosen) != nil {
            response.headers.append(("Set-Cookie", Cookies.set("gh_lang", chosen, maxAge: 31_536_000, secure: Self.secure(request))))
        }
        return response
    }

    private func route(_ request: HTTPRequest, path: [String], cookies: [String: String], language: Language) -> HTTPResponse {
        if request.bodyTooLarge { return .text(413, "The upload is larger than the server accepts.\n") }
        if path == ["login"] { return LoginPage(console: self).handle(request, cookies: cookies, language: language) }
        guard let token = cookies[Self.sessionCookie], let (user, csrf) = try? services.sessions.current(token) else {
            return Layout.redirect("/admin/login")
        }
        let form = request.method == "POST" ? Form.parse(body: request.body, contentType: request.header("content-type")) : Form()
        let timeZone = cookies["gh_tz"].flatMap { TimeZone(identifier: Form.decode($0)) } ?? database.calendar.timeZone
        let console = ConsoleRequest(
            http: request, form: form, user: user, actor: Actor(user), csrf: csrf, language: language, timeZone: timeZone,
            path: path)
        if request.method == "POST" && form["_csrf"] != csrf {
            return Layout.message(console, status: 403, title: "Forbidden", console.t("Your session expired or the form is stale. Please try again."))
        }
        if path == ["logout"], request.method == "POST" {
            try? services.sessions.end(token)
            return Layout.redirect("/admin/login", cookies: [Cookies.set(Self.sessionCookie, "", maxAge: 0, secure: Self.secure(request))])
        }
        do {
            return try dispatch(console)
        } catch let error as PoolError {
            return Layout.message(console, status: Self.status(of: error), title: Self.title(of: error), ErrorText.describe(error, console))
        } catch let error as any StoreFaultReporting where error.storeFault != nil {
            log("console \(request.method) \(request.path): database fault: \(String(reflecting: error))")
            return Layout.message(
                console, status: 503, title: "Busy",
                console.t("The request ran past its time limit or the database cannot be reached; try again shortly."))
        } catch {
            // Details go to the log only, under an id the page shows, as the API does.
            let reference = UUID().uuidString.prefix(8).lowercased()
            log("console \(request.method) \(request.path) failed [\(reference)]: \(String(reflecting: error))")
            return Layout.message(console, status: 500, title: "Internal error", "\(console.t("Internal error.")) (\(reference))")
        }
    }

    private func dispatch(_ request: ConsoleRequest) throws -> HTTPResponse {
        let can = request.can
        let allowed: [String: Bool] = [
            "people": can.manageUsers, "tokens": can.manageTokens, "import": can.importCustomers,
            "audit": can.readAuditLog, "webhooks": can.manageWebhooks, "export.csv": can.exportCustomers,
            "access": can.readAccessRecords, "limits": can.manageUsers,
        ]
        if let first = request.path.first, allowed[first] == false {
            return Layout.message(request, status: 403, title: "Forbidden", request.t("Only administrators may open this page."))
        }
        switch request.path.first {
        case nil: return try DashboardPage(console: self).render(request)
        case "due" where request.path.count == 1: return try DashboardPage(console: self).due(request)
        case "pools": return try PoolsPages(console: self).handle(request)
        case "sweeps": return try SweepPages(console: self).handle(request)
        case "people": return try PeoplePages(console: self).handle(request)
        case "tokens": return try TokenPages(console: self).handle(request)
        case "customers": return try CustomerPages(console: self).handle(request)
        case "import": return try ImportPage(console: self).handle(request)
        case "export.csv": return try CustomerExport(console: self).respond(request)
        case "audit": return try AuditPage(console: self).render(request)
        case "access": return try AccessPage(console: self).handle(request)
        case "limits": return try LimitsPage(console: self).handle(request)
        case "webhooks": return try WebhookPage(console: self).handle(request)
        default: return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
    }

    /// The use cases every page asks, for this console's store and clock.
    var services: PoolServices { PoolServices(store: database, clock: clock, settings: settings) }

    static func status(of error: PoolError) -> Int {
        switch error {
        case .notFound: return 404
        case .forbidden: return 403
        case .rateLimited: return 429
        case .busy: return 503
        case .invalidInput: return 422
        case .alreadyOwned, .notOwner, .locked, .duplicate, .limit: return 409
        }
    }

    static func title(of error: PoolError) -> String {
        switch error {
        case .notFound: return "Not found"
        case .forbidden: return "Forbidden"
        case .rateLimited: return "Too many requests"
        case .busy: return "Busy"
        default: return "Refused"
        }
    }

    /// Cookies get `Secure` when the request came over TLS (via a proxy that says so).
    /// Whether cookies should be `Secure`: the client came over HTTPS, as a trusted proxy said.
    static func secure(_ request: HTTPRequest) -> Bool { request.isSecure }
}

/// Domain refusals as console messages.
enum ErrorText {
    static func describe(_ error: PoolError, _ request: ConsoleRequest) -> String {
        switch error {
        case .notFound(let entity): return "\(entity): \(request.t("Not found"))"
        case .forbidden(let why): return "\(request.t("Forbidden")): \(why)"
        case .alreadyOwned(let owner): return "\(request.t("Already owned"))\(owner.map { " (\($0))" } ?? "")"
        case .notOwner: return request.t("The customer is in a pool.")
        case .locked: return request.t("Locked")
        case .duplicate(let match): return "\(request.t("Duplicate")) \(request.t(Labels.duplicateField(match.field))): \(match.ownerName ?? match.poolName ?? "")"
        case .limit(let refusal): return "\(request.t(Labels.limit(refusal.kind))): \(refusal.limit)"
        case .invalidInput(let field, let message): return "\(request.t(field)): \(Labels.message(message, request))"
        case .rateLimited(let why): return request.t(why)
        case .busy: return request.t("The server is busy with other reports, previews, exports or imports; try again in a moment.")
        }
    }
}
