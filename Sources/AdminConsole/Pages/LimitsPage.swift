import Foundation
import HTTPServer
import PoolDomain
import PoolServices

/// Owner limits (持有上限): how many private and locked customers a rep may hold, for everyone,
/// a department (and the departments under it) or one user; the nearest setting wins.
/// Administrators (`manageUsers`, decided in `PoolAdministration`).
struct LimitsPage {
    let console: AdminConsole

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if request.route("GET", "") != nil { return try render(request) }
        if request.route("POST", "") != nil { return try save(request) }
        if request.route("POST", "remove") != nil {
            guard let scope = Self.scope(request.form["scope"] ?? "") else {
                return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
            }
            _ = try console.services.pools.setOwnerLimit(nil, for: scope, by: request.actor)
            return Layout.redirect("/admin/limits?flash=removed")
        }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func save(_ request: ConsoleRequest) throws -> HTTPResponse {
        var errors: [String: String] = [:]
        func count(_ name: String) -> Int? {
            guard let text = request.form.text(name) else { return nil }
            guard let value = Int(text), (0...100_000).contains(value) else {
                errors[name] = "0 to 100000"
                return nil
            }
            return value
        }
        let scope = Self.scope(request.form["scope"] ?? "")
        if scope == nil { errors["scope"] = "Required" }
        let limit = OwnerLimit(maxPrivate: count("max_private"), countWon: request.form["count_won"] != nil, maxLocked: count("max_locked"))
        if errors.isEmpty, limit.maxPrivate == nil, limit.maxLocked == nil { errors["max_private"] = "set a number, or remove the limit" }
        guard errors.isEmpty, let scope else { return try render(request, errors: errors) }
        do {
            _ = try console.services.pools.setOwnerLimit(limit, for: scope, by: request.actor)
        } catch PoolError.invalidInput(let field, let message) {
            return try render(request, errors: [field == "maxLocked" ? "max_locked" : "max_private": message])
        }
        return Layout.redirect("/admin/limits?flash=saved")
    }

    private func render(_ request: ConsoleRequest, errors: [String: String] = [:]) throws -> HTTPResponse {
        let limits = try console.services.pools.ownerLimits(by: request.actor)
        let departments = DepartmentOutline(try console.database.departments()).rows
        let users = try console.database.users().filter(\.takesCustomers)
        let departmentNames = Dictionary(uniqueKeysWithValues: departments.map { ($0.department.id, $0.department.name) })
        let userNames = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.name) })
        func name(_ scope: LimitScope) -> String {
            switch scope {
            case .everyone: return request.t("Everyone")
            case .department(let id): return "\(request.t("Department")): \(departmentNames[id] ?? "#\(id.rawValue)")"
            case .user(let id): return "\(request.t("User")): \(userNames[id] ?? "#\(id.rawValue)")"
            }
        }
        let ordered = limits.sorted { Self.key($0.key) < Self.key($1.key) }
        let rows = ordered.map { scope, limit -> [HTML] in
            [
                HTML("\(name(scope))"), HTML("\(limit.maxPrivate.map(String.init) ?? "–")"),
                HTML("\(limit.countWon ? request.t("Yes") : request.t("No"))"), HTML("\(limit.maxLocked.map(String.init) ?? "–")"),
                HTML("<form method=\"post\" action=\"/admin/limits/remove\" class=\"inline\">\(request.csrfField)<input type=\"hidden\" name=\"scope\" value=\"\(Self.key(scope))\"><button type=\"submit\" class=\"danger\" data-confirm=\"\(request.t("Remove"))?\">\(request.t("Remove"))</button></form>"),
            ]
        }
        let groups: [(String, [(String, String)])] = [
            (request.t("Everyone"), [("everyone", request.t("Everyone"))]),
            (request.t("Departments"), departments.map { ("department:\($0.department.id.rawValue)", String(repeating: "　", count: $0.depth) + $0.department.name) }),
            (request.t("Users"), users.map { ("user:\($0.id.rawValue)", $0.name) }),
        ]
        let form = request.form
        let body: HTML = """
            <p class="hint">\(request.t("A rep's limit is the nearest one set: their own, else their department's, else a department above, else everyone's. A department includes its sub-departments."))</p>
            \(Layout.table([request.t("Applies to"), request.t("Private customers at most"), request.t("Won ones count"), request.t("Locked customers at most"), ""], rows, empty: request.t("No limit is set: reps may hold any number of customers.")))
            <form method="post" action="/admin/limits" class="card">\(request.csrfField)
              <h2>\(request.t("Set a limit"))</h2>
              \(Layout.select(request.t("Applies to"), name: "scope", prompt: request.t("Choose"), groups: groups, required: true))
              \(errors["scope"].map { HTML("<em class=\"error\">\(request.t($0))</em>") } ?? .empty)
              \(Layout.field(request.t("Private customers at most"), name: "max_private", value: form["max_private"], error: errors["max_private"].map(request.t), type: "number", hint: request.t("customers; empty: no limit"), min: 0))
              \(Layout.checkbox(request.t("Won customers count towards it"), name: "count_won", checked: form["count_won"] != nil))
              \(Layout.field(request.t("Locked customers at most"), name: "max_locked", value: form["max_locked"], error: errors["max_locked"].map(request.t), type: "number", hint: request.t("customers; empty: no limit"), min: 0))
              <button type="submit">\(request.t("Save"))</button>
            </form>
            """
        let flash = ["saved": request.t("Saved."), "removed": request.t("Limit removed.")][request.query("flash") ?? ""]
        return Layout.page(
            request, title: request.t("Owner limits"), flash: flash, error: errors.isEmpty ? nil : request.t("Please correct the fields marked below."), body)
    }

    static func key(_ scope: LimitScope) -> String {
        switch scope {
        case .everyone: return "everyone"
        case .department(let id): return "department:\(id.rawValue)"
        case .user(let id): return "user:\(id.rawValue)"
        }
    }

    static func scope(_ key: String) -> LimitScope? {
        if key == "everyone" { return .everyone }
        let parts = key.split(separator: ":")
        guard parts.count == 2, let id = Int64(parts[1]) else { return nil }
        switch parts[0] {
        case "department": return .department(DepartmentID(id))
        case "user": return .user(UserID(id))
        default: return nil
        }
    }
}
