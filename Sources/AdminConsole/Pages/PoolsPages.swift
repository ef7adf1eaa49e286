import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Pools: list, create, edit routing and access, and rules with a preview before saving.
struct PoolsPages {
    let console: AdminConsole
    var database: any PoolDatabase { console.database }

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if let _ = request.route("GET", "") { return try list(request) }
        if let _ = request.route("GET", "new") { return try edit(request, pool: nil, basics: BasicsForm(), rules: RulesForm(PoolRules.standard)) }
        if let _ = request.route("POST", "new") { return try create(request) }
        if let c = request.route("GET", "*") { let id = c[0]; return try show(request, id) }
        if let c = request.route("POST", "*") { let id = c[0]; return try saveBasics(request, id) }
        if let c = request.route("POST", "*/rules") { let id = c[0]; return try saveRules(request, id) }
        if let c = request.route("POST", "*/archive") {
            let pool = try find(c[0])
            let archive = request.form["archived"] == "1"
            do {
                let moved = try console.services.pools.setArchived(pool.id, archive, by: request.actor)
                return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=\(archive ? "archived" : "restored")&count=\(moved)")
            } catch PoolError.invalidInput(_, let message) {
                return try refused(request, pool: pool, basics: BasicsForm(pool, try database.poolAccess()[pool.id] ?? []), rules: RulesForm(pool.rules), message: message)
            }
        }
        if let c = request.route("POST", "*/reroute") {
            let pool = try find(c[0])
            let moved = try console.services.pools.reroute(into: pool.id, by: request.actor)
            return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=rerouted&count=\(moved)")
        }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func list(_ request: ConsoleRequest) throws -> HTTPResponse {
        let pools = try database.pools()
        let sizes = try database.poolSizes()
        let rows = pools.map { pool -> [HTML] in
            [
                HTML("<a href=\"/admin/pools/\(String(pool.id.rawValue))\">\(pool.name)</a>\(pool.isDefault ? HTML(" <span class=\"tag\">\(request.t("Default pool"))</span>") : .empty)\(pool.archived ? HTML(" <span class=\"tag\">\(request.t("Archived"))</span>") : .empty)"),
                HTML("\(pool.industries.joined(separator: ", "))"), HTML("\(pool.regions.joined(separator: ", "))"),
                HTML("\(pool.priority)"), HTML("\(sizes[pool.id] ?? 0)"), HTML("v\(Int(pool.ruleVersion))"),
                HTML("\(AutoText.name(pool.rules.autoAssign, request))"),
            ]
        }
        let body: HTML = """
            \(request.can.managePools ? HTML("<p><a class=\"button\" href=\"/admin/pools/new\">\(request.t("New pool"))</a></p>") : .empty)
            \(Layout.table([request.t("Pool"), request.t("Industries"), request.t("Regions"), request.t("Priority"), request.t("Customers"), request.t("Rules version"), request.t("Auto-assignment")], rows, empty: "–"))
            """
        return Layout.page(request, title: request.t("Pools"), flash: flash(request), body)
    }

    private func show(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        let pool = try find(id)
        let access = try database.poolAccess()[pool.id] ?? []
        let mayPreview = try console.services.pools.mayEditRules(of: pool.id, by: request.actor)
        let preview = request.query("preview") == "1" && mayPreview
            ? try console.services.pools.preview(pool.rules, for: pool.id, by: request.actor) : nil
        return try edit(request, pool: pool, basics: BasicsForm(pool, access), rules: RulesForm(pool.rules), preview: preview)
    }

    /// Creates the pool, then shows it with a preview of what its rules would reclaim (and a
    /// warning when it has no reclaim rule).
    private func create(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard request.can.managePools else { return forbidden(request) }
        var basics = BasicsForm(request.form)
        var rules = RulesForm(request.form)
        if basics.errors.isEmpty, let parsed = rules.rules {
            Self.place(basics.draft(rules: parsed).problems, basics: &basics, rules: &rules)
        }
        guard basics.errors.isEmpty, rules.errors.isEmpty, let parsed = rules.rules else {
            return try refused(request, pool: nil, basics: basics, rules: rules)
        }
        let previous = try database.pools().first(where: \.isDefault)
        do {
            let pool = try console.services.pools.create(basics.draft(rules: parsed), by: request.actor)
            return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=created&preview=1\(Self.movedDefault(previous, basics))#preview")
        } catch PoolError.invalidInput(let field, let message) {
            Self.place([(field, message)], basics: &basics, rules: &rules)
            return try refused(request, pool: nil, basics: basics, rules: rules)
        }
    }

    /// The form again, as typed, with each refusal next to its field: 422.
    private func refused(
        _ request: ConsoleRequest, pool: Pool?, basics: BasicsForm, rules: RulesForm, message: String = "Please correct the fields marked below."
    ) throws -> HTTPResponse {
        var response = try edit(request, pool: pool, basics: basics, rules: rules, error: request.t(message))
        response.status = 422
        return response
    }

    /// Puts the application layer's refusals (`PoolDraft.problems`, by API field name) next to
    /// the form fields they concern.
    static func place(_ problems: [(field: String, message: String)], basics: inout BasicsForm, rules: inout RulesForm) {
        for (field, message) in problems {
            if field.hasPrefix("rules.") {
                rules.errors[rules.formField(for: String(field.dropFirst(6)))] = message
                rules.rules = nil
            } else {
                basics.errors[field] = message
            }
        }
    }

    /// `&moved=<old default's name>` when ticking "default pool" took it from another pool.
    static func movedDefault(_ previous: Pool?, _ basics: BasicsForm) -> String {
        guard basics.isDefault, let previous, previous.name != basics.name.trimmingWhitespace() else { return "" }
        return "&moved=" + Form.encode(previous.name)
    }

    private func saveBasics(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        guard request.can.managePools else { return forbidden(request) }
        let pool = try find(id)
        var basics = BasicsForm(request.form)
        var rules = RulesForm(pool.rules)
        if basics.errors.isEmpty {
            Self.place(basics.draft(rules: .standard).problems, basics: &basics, rules: &rules)
        }
        guard basics.errors.isEmpty else { return try refused(request, pool: pool, basics: basics, rules: RulesForm(pool.rules)) }
        let previous = try database.pools().first(where: \.isDefault)
        do {
            _ = try console.services.pools.update(pool.id, basics.draft(rules: pool.rules), by: request.actor)
        } catch PoolError.invalidInput(let field, let message) {
            basics.errors[field] = message
            return try refused(request, pool: pool, basics: basics, rules: RulesForm(pool.rules))
        }
        return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=saved\(Self.movedDefault(previous?.id == pool.id ? nil : previous, basics))")
    }

    /// "Preview" shows what the rules would reclaim and keeps the form as typed; "Save" makes a
    /// new rules version. Administrators and the pool's admins.
    private func saveRules(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        let pool = try find(id)
        guard try console.services.pools.mayEditRules(of: pool.id, by: request.actor) else { return forbidden(request) }
        var rules = RulesForm(request.form)
        var basics = BasicsForm(pool, try database.poolAccess()[pool.id] ?? [])
        if let parsed = rules.rules {
            Self.place(parsed.problems.map { ("rules." + $0.field, $0.message) }, basics: &basics, rules: &rules)
        }
        guard rules.errors.isEmpty, let parsed = rules.rules else {
            return try refused(request, pool: pool, basics: basics, rules: rules)
        }
        if request.form["action"] == "save" {
            let saved = try console.services.pools.setRules(parsed, for: pool.id, by: request.actor)
            return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=rules&version=\(saved.ruleVersion)")
        }
        let preview = try console.services.pools.preview(parsed, for: pool.id, by: request.actor)
        return try edit(request, pool: pool, basics: basics, rules: rules, preview: preview)
    }

    private func edit(
        _ request: ConsoleRequest, pool: Pool?, basics: BasicsForm, rules: RulesForm, preview: RulePreview? = nil,
        error: String? = nil
    ) throws -> HTTPResponse {
        let editable = request.can.managePools
        let rulesEditable = try pool.map { try console.services.pools.mayEditRules(of: $0.id, by: request.actor) } ?? editable
        let action = pool.map { "/admin/pools/\($0.id.rawValue)" } ?? "/admin/pools/new"
        let departments = DepartmentOutline(try database.departments()).rows
        let users = try database.users().filter(\.active)
        let allPools = try database.pools()
        let currentDefault = allPools.first { $0.isDefault && $0.id != pool?.id }
        let ties = pool.map { PoolRouter(pools: allPools).ties(of: $0) } ?? []
        let routing = try database.routingValues()
        let membersOpen = basics.memberDepartments.isEmpty && basics.memberUsers.isEmpty && basics.memberRoles.isEmpty
        let movable = try pool.map { editable ? try console.services.pools.rerouteCount(into: $0.id, by: request.actor) : 0 } ?? 0
        let archiveSection: HTML = pool.map { pool in
            guard editable, !pool.isDefault || pool.archived else { return .empty }
            return HTML("""
                <section class="card"><form method="post" action="/admin/pools/\(String(pool.id.rawValue))/archive">\(request.csrfField)
                <input type="hidden" name="archived" value="\(pool.archived ? "0" : "1")">
                \(pool.archived ? HTML("<p class=\"flash warn\">\(request.t("This pool is archived: it routes nothing and takes no customer."))</p>") : HTML("<p class=\"hint\">\(request.t("Archiving moves this pool's customers to the pools their routing now picks; the pool then routes nothing and keeps its history."))</p>"))
                <button type="submit"\(pool.archived ? .empty : HTML(" class=\"danger\" data-confirm=\"\(request.t("Archive this pool"))?\""))>\(request.t(pool.archived ? "Restore this pool" : "Archive this pool"))</button>
                </form></section>
                """)
        } ?? .empty
        let rerouteSection: HTML = pool.map { pool in
            movable == 0 || pool.archived ? .empty : HTML("""
                <section class="card" id="reroute"><p class="flash warn">\(request.t("Customers in other pools that this pool's routing now matches")): <strong>\(movable >= 10_000 ? "10000+" : String(movable))</strong></p>
                <p class="hint">\(request.t("They stay where they are until moved; customers someone put in a pool by name are not moved."))</p>
                <form method="post" action="/admin/pools/\(String(pool.id.rawValue))/reroute">\(request.csrfField)<button type="submit" data-confirm="\(request.t("Move them to this pool"))?">\(request.t("Move them to this pool"))</button></form>
                </section>
                """)
        } ?? .empty
        let basicsSection: HTML = """
            <form method="post" action="\(action)" class="card">
              \(request.csrfField)
              <fieldset\(editable ? .empty : HTML(" disabled"))>
              <legend>\(request.t("Pool"))</legend>
              \(Layout.field(request.t("Name"), name: "name", value: basics.name, error: basics.errors["name"].map(request.t), required: true, maxLength: 100))
              \(Layout.field(request.t("Industries"), name: "industries", value: basics.industries, error: basics.errors["industries"].map(request.t), hint: request.t("comma separated; the values customers have are suggested"), list: "known-industries"))
              \(Layout.field(request.t("Regions"), name: "regions", value: basics.regions, error: basics.errors["regions"].map(request.t), hint: request.t("comma separated; customers' regions are provinces, e.g. 广东, 浙江"), list: "known-regions"))
              \(Layout.datalist("known-industries", routing.industries))\(Layout.datalist("known-regions", routing.regions))
              \(Layout.field(request.t("Priority"), name: "priority", value: basics.priority, error: basics.errors["priority"].map(request.t), type: "number", hint: request.t("0 to 1000; when several pools match a customer, the highest wins"), min: 0, max: 1000))
              \(Layout.checkbox(request.t("Default pool"), name: "default", checked: basics.isDefault))
              <small class="hint block">\(request.t("Takes the customers no other pool matches."))\(currentDefault.map { HTML("<br>\(request.t("Now the default pool")): <strong>\($0.name)</strong> · \(request.t("Ticking this moves it here."))") } ?? .empty)</small>
              \(ties.isEmpty ? .empty : HTML("<p class=\"flash warn\" role=\"status\">\(request.t("Same priority and overlapping routing as")) \(ties.map(\.name).joined(separator: "、")): \(request.t("customers both match go to the pool created first. Give one a higher priority to choose."))</p>"))
              </fieldset>
              <fieldset data-members\(editable ? .empty : HTML(" disabled"))><legend>\(request.t("Members"))</legend>
                <p class="hint" data-open-hint\(membersOpen ? .empty : HTML(" hidden"))>\(request.t("Open pool: everyone is a member."))</p>
                <div class="choices tree"><strong>\(request.t("Departments"))</strong><small class="hint">\(request.t("A department includes its sub-departments."))</small>\(departments.map { row in
                    HTML("<span class=\"depth-\(min(row.depth, 4))\">\(Layout.checkbox(row.department.name, name: "member_department", checked: basics.memberDepartments.contains(row.department.id.rawValue), value: String(row.department.id.rawValue)))</span>")
                })</div>
                <div class="choices"><strong>\(request.t("Roles"))</strong>\(Role.allCases.map { Layout.checkbox(request.t(Labels.role($0)), name: "member_role", checked: basics.memberRoles.contains($0.rawValue), value: $0.rawValue) })</div>
                <div class="choices"><strong>\(request.t("Users"))</strong>\(users.map { Layout.checkbox($0.name, name: "member_user", checked: basics.memberUsers.contains($0.id.rawValue), value: String($0.id.rawValue)) })</div>
              </fieldset>
              <fieldset\(editable ? .empty : HTML(" disabled"))><legend>\(request.t("Pool admins"))</legend>
                <div class="choices">\(users.filter(\.runsTheTeam).map { Layout.checkbox($0.name, name: "admin_user", checked: basics.adminUsers.contains($0.id.rawValue), value: String($0.id.rawValue)) })</div>
              </fieldset>
              \(pool == nil ? rulesFields(request, rules, enabled: true) : .empty)
              \(editable ? HTML("<button type=\"submit\">\(request.t(pool == nil ? "Create" : "Save"))</button>") : .empty)
            </form>
            """
        let rulesSection: HTML = pool.map { pool in
            """
            <form method="post" action="/admin/pools/\(String(pool.id.rawValue))/rules#preview" class="card" id="rules">
              \(request.csrfField)
              <p>\(request.t("Rules version")): <strong>v\(Int(pool.ruleVersion))</strong></p>
              \(Self.reclaimsNothing(pool.rules) ? HTML("<p class=\"flash warn\">\(request.t("No reclaim rule is set: customers governed by this pool are never reclaimed."))</p>") : .empty)
              \(rulesFields(request, rules, enabled: rulesEditable))
              \(rulesEditable ? HTML("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\">\(request.t("Preview"))</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"primary\">\(request.t("Save as new version"))</button></div>") : .empty)
            </form>
            \(preview.map { previewSection($0, request) } ?? .empty)
            \(rulesEditable ? (try? historySection(pool, request)) ?? .empty : .empty)
            """
        } ?? .empty
        let title = pool.map { "\(request.t(editable ? "Edit pool" : "Pool")): \($0.name)" } ?? request.t("New pool")
        return Layout.page(request, title: title, flash: flash(request), error: error, HTML("\(rerouteSection)<div class=\"grid two\">\(basicsSection)\(rulesSection)</div>\(archiveSection)"))
    }

    private func rulesFields(_ request: ConsoleRequest, _ rules: RulesForm, enabled: Bool) -> HTML {
        func number(_ label: String, _ name: String, hint: String = "days; empty: off") -> HTML {
            Layout.field(
                request.t(label), name: name, value: rules.values[name], error: rules.errors[name].map(request.t), type: "number",
                hint: request.t(hint), min: 0, max: 3650)
        }
        let levels = (0..<3).map { index in
            HTML(
                """
                <div class="row">\(Layout.field(request.t("Level"), name: "level_\(index)", value: rules.values["level_\(index)"], error: rules.errors["level_\(index)"].map(request.t), hint: request.t("e.g. A; empty: no level rule"), maxLength: PoolRules.maxLevelLabel))
                \(number("Days without follow-up", "level_\(index)_no_follow_up"))\(number("Days without progress", "level_\(index)_no_progress"))</div>
                """)
        }
        return """
            <fieldset\(enabled ? .empty : HTML(" disabled"))><legend>\(request.t("Claim rules"))</legend>
              \(number("Claims per day", "max_claims_per_day", hint: "per rep per day; empty: no limit"))\(number("Cooldown days", "cooldown_days", hint: "days before a previous owner may claim again; empty: off"))
              \(Layout.checkbox(request.t("Cooldown binds the department"), name: "cooldown_department", checked: rules.values["cooldown_department"] != nil))
              \(number("Embargo hours", "embargo_hours", hint: "hours in the pool before anyone may claim; empty: off"))
            </fieldset>
            <fieldset\(enabled ? .empty : HTML(" disabled"))><legend>\(request.t("Reclaim rules"))</legend>
              \(number("Days without follow-up", "no_follow_up_days"))\(number("Days without progress", "no_progress_days"))
              \(number("Days to first follow-up", "claimed_no_follow_up_days"))\(number("Warning days", "warning_days", hint: "days before a reclaim the owner is warned; at most the reclaim days; 0 or empty: no warning"))
              \(Layout.checkbox(request.t("Exempt locked"), name: "exempt_locked", checked: rules.values["exempt_locked"] != nil))
              \(Layout.checkbox(request.t("Exempt won"), name: "exempt_won", checked: rules.values["exempt_won"] != nil))
              <p><strong>\(request.t("Days by level"))</strong></p>\(levels)
            </fieldset>
            <fieldset\(enabled ? .empty : HTML(" disabled"))><legend>\(request.t("Masked fields")) · \(request.t("Auto-assignment"))</legend>
              \(Layout.checkbox(request.t("Phone"), name: "mask_phone", checked: rules.values["mask_phone"] != nil))
              \(Layout.checkbox(request.t("E-mail"), name: "mask_email", checked: rules.values["mask_email"] != nil))
              \(Layout.select(request.t("Auto-assignment"), name: "auto_assign", options: AutoAssignMode.allCases.map { ($0.rawValue, AutoText.name($0, request)) }, selected: rules.values["auto_assign"]))
            </fieldset>
            """
    }

    /// Every saved version with what it changed from the one before.
    private func historySection(_ pool: Pool, _ request: ConsoleRequest) throws -> HTML {
        let versions = try console.services.pools.ruleHistory(of: pool.id, by: request.actor)
        let names = try UserCache(database: database).names(versions.map(\.createdBy))
        let rows = versions.enumerated().map { index, version -> [HTML] in
            let previous = versions.indices.contains(index + 1) ? RowDecoding.encodeRules(versions[index + 1].rules) : nil
            let changes = AuditChanges(before: previous, after: RowDecoding.encodeRules(version.rules)).changes
            let list = previous == nil ? HTML("\(request.t("First version"))") : changes.isEmpty ? HTML("\(request.t("No change"))")
                : HTML("<ul class=\"changes\">\(changes.map { change in HTML("<li>\(change.known ? HTML("\(request.t(change.label))") : HTML("<code>\(change.label)</code>")): \(change.before.map { HTML("<del>\($0)</del> → ") } ?? .empty)<ins>\(change.after ?? "–")</ins></li>") })</ul>")
            return [
                HTML("v\(Int(version.version))"), HTML("\(request.format(version.createdAt))"),
                HTML("\(version.createdBy.flatMap { names[$0] } ?? request.t("System"))"), list,
            ]
        }
        return """
            <section class="card" id="history"><h2>\(request.t("Rule history"))</h2>
            \(Layout.table([request.t("Version"), request.t("Saved"), request.t("By"), request.t("Changes")], rows, empty: "–"))
            </section>
            """
    }

    private func previewSection(_ preview: RulePreview, _ request: ConsoleRequest) -> HTML {
        let names = (try? UserCache(database: database).names(preview.perOwner.map(\.ownerID) + preview.entries.map(\.customer.ownerID))) ?? [:]
        let owners = preview.perOwner.map { counts -> [HTML] in
            [HTML("\(names[counts.ownerID] ?? "–")"), HTML("\(counts.today)"), HTML("\(counts.within7Days)"), HTML("\(counts.within30Days)")]
        }
        let customers = preview.entries.prefix(100).map { entry -> [HTML] in
            [
                HTML("<a href=\"/admin/customers/\(String(entry.customer.id.rawValue))\">\(entry.customer.name)</a>"),
                HTML("\(entry.customer.ownerID.flatMap { names[$0] } ?? "–")"), HTML("\(RuleText.name(entry.due.rule, request))"),
                HTML("\(entry.due.reclaimOn.description)"),
            ]
        }
        return """
            <section class="card preview" id="preview"><h2>\(request.t("Preview of these rules"))</h2>
            <p class="flash warn">\(request.t("The rules are not saved yet."))</p>
            <dl class="stats"><div><dt>\(request.t("Evaluated"))</dt><dd>\(preview.evaluated)</dd></div>
            <div><dt>\(request.t("Reclaimed today"))</dt><dd id="preview-today">\(preview.today)</dd></div>
            <div><dt>\(request.t("Within 7 days"))</dt><dd>\(preview.within7Days)</dd></div>
            <div><dt>\(request.t("Within 30 days"))</dt><dd>\(preview.within30Days)</dd></div></dl>
            <h3>\(request.t("Per owner"))</h3>
            \(Layout.table([request.t("Owner"), request.t("Reclaimed today"), request.t("Within 7 days"), request.t("Within 30 days")], owners, empty: "–"))
            \(Layout.table([request.t("Customer"), request.t("Owner"), request.t("Rule"), request.t("Reclaim on")], customers, empty: "–"))
            </section>
            """
    }

    private func find(_ id: String) throws -> Pool {
        guard let number = Int64(id), let pool = try database.pools().first(where: { $0.id.rawValue == number }) else {
            throw PoolError.notFound(entity: "Pool")
        }
        return pool
    }

    private func flash(_ request: ConsoleRequest) -> String? {
        switch request.query("flash") {
        case "created": return request.t("Pool created.") + moved(request) + (request.query("preview") == "1" ? " " + request.t("Below: what its rules would reclaim.") : "")
        case "saved": return request.t("Saved.") + moved(request)
        case "rerouted": return "\(request.t("Customers moved to this pool")): \(request.query("count") ?? "0")"
        case "archived": return "\(request.t("Pool archived. Customers moved to other pools")): \(request.query("count") ?? "0")"
        case "restored": return request.t("Pool restored: it routes and takes customers again.")
        case "rules": return "\(request.t("Rules saved as version")) \(request.query("version") ?? "")"
        default: return nil
        }
    }

    private func moved(_ request: ConsoleRequest) -> String {
        request.query("moved").map { " \(request.t("No longer the default pool")): \($0)." } ?? ""
    }

    static func reclaimsNothing(_ rules: PoolRules) -> Bool {
        let days = [rules.reclaim.days] + Array(rules.reclaim.byLevel.values)
        return days.allSatisfy { $0.noFollowUpDays == nil && $0.noProgressDays == nil && $0.claimedNoFollowUpDays == nil }
    }

    private func forbidden(_ request: ConsoleRequest) -> HTTPResponse {
        Layout.message(
            request, status: 403, title: "Forbidden", request.t("Only administrators, and for its rules the pool's admins, may change a pool."))
    }
}

enum AutoText {
    static func name(_ mode: AutoAssignMode, _ request: ConsoleRequest) -> String {
        switch mode {
        case .off: return request.t("Off")
        case .roundRobin: return request.t("Round robin")
        case .weighted: return request.t("Weighted by capacity")
        }
    }
}

/// The pool basics and access form, as typed, with per-field errors.
struct BasicsForm {
    var name = ""
    var industries = ""
    var regions = ""
    var priority = "0"
    var isDefault = false
    var memberDepartments: Set<Int64> = []
    var memberUsers: Set<Int64> = []
    var memberRoles: Set<String> = []
    var adminUsers: Set<Int64> = []
    var errors: [String: String] = [:]

    init() {}

    init(_ pool: Pool, _ access: [PoolAccessEntry]) {
        name = pool.name
        industries = pool.industries.joined(separator: ", ")
        regions = pool.regions.joined(separator: ", ")
        priority = String(pool.priority)
        isDefault = pool.isDefault
        for entry in access {
            switch (entry.principal, entry.level) {
            case (.department(let id), .member): memberDepartments.insert(id.rawValue)
            case (.user(let id), .member): memberUsers.insert(id.rawValue)
            case (.role(let role), .member): memberRoles.insert(role.rawValue)
            case (.user(let id), .admin): adminUsers.insert(id.rawValue)
            default: break
            }
        }
    }

    init(_ form: Form) {
        name = form["name"] ?? ""
        industries = form["industries"] ?? ""
        regions = form["regions"] ?? ""
        priority = form["priority"] ?? "0"
        isDefault = form["default"] != nil
        memberDepartments = Set(form.all("member_department").compactMap { Int64($0) })
        memberUsers = Set(form.all("member_user").compactMap { Int64($0) })
        memberRoles = Set(form.all("member_role").filter { Role(rawValue: $0) != nil })
        adminUsers = Set(form.all("admin_user").compactMap { Int64($0) })
        if name.trimmingCharacters(in: .whitespaces).isEmpty { errors["name"] = "Required" }
        if Int(priority.trimmingCharacters(in: .whitespaces)) == nil { errors["priority"] = "0 – 1000" }
    }

    func draft(rules: PoolRules) -> PoolDraft {
        func list(_ text: String) -> [String] {
            text.split(whereSeparator: { $0 == "," || $0 == "，" || $0 == "\n" }).map { $0.trimmingCharacters(in: .whitespaces) }
        }
        let access = memberDepartments.map { PoolAccessEntry(principal: .department(DepartmentID($0)), level: .member) }
            + memberUsers.map { PoolAccessEntry(principal: .user(UserID($0)), level: .member) }
            + memberRoles.compactMap { Role(rawValue: $0) }.map { PoolAccessEntry(principal: .role($0), level: .member) }
            + adminUsers.map { PoolAccessEntry(principal: .user(UserID($0)), level: .admin) }
        return PoolDraft(
            name: name, industries: list(industries), regions: list(regions),
            priority: Int(priority.trimmingCharacters(in: .whitespaces)) ?? 0, isDefault: isDefault, rules: rules, access: access)
    }
}

/// The rules form, as typed, parsed into `PoolRules` with an error per field.
struct RulesForm {
    var values: [String: String] = [:]
    var errors: [String: String] = [:]
    var rules: PoolRules?

    static let numbers = [
        "max_claims_per_day", "cooldown_days", "embargo_hours", "no_follow_up_days", "no_progress_days",
        "claimed_no_follow_up_days", "warning_days",
    ]

    init(_ rules: PoolRules) {
        func put(_ name: String, _ value: Int?) { if let value { values[name] = String(value) } }
        put("max_claims_per_day", rules.claim.maxClaimsPerDay)
        put("cooldown_days", rules.claim.cooldownDays)
        put("embargo_hours", rules.claim.embargoHours)
        put("no_follow_up_days", rules.reclaim.days.noFollowUpDays)
        put("no_progress_days", rules.reclaim.days.noProgressDays)
        put("claimed_no_follow_up_days", rules.reclaim.days.claimedNoFollowUpDays)
        put("warning_days", rules.reclaim.warningDays == 0 ? nil : rules.reclaim.warningDays)
        if rules.claim.cooldownIncludesDepartment { values["cooldown_department"] = "1" }
        if rules.reclaim.exemptLocked { values["exempt_locked"] = "1" }
        if rules.reclaim.exemptWon { values["exempt_won"] = "1" }
        if rules.maskedFields.contains(.phone) { values["mask_phone"] = "1" }
        if rules.maskedFields.contains(.email) { values["mask_email"] = "1" }
        values["auto_assign"] = rules.autoAssign.rawValue
        for (index, level) in rules.reclaim.byLevel.keys.sorted().prefix(3).enumerated() {
            values["level_\(index)"] = level
            put("level_\(index)_no_follow_up", rules.reclaim.byLevel[level]?.noFollowUpDays)
            put("level_\(index)_no_progress", rules.reclaim.byLevel[level]?.noProgressDays)
        }
        self.rules = rules
    }

    /// The form field of a rules field as the application layer names it (`claim.cooldownDays`,
    /// `reclaim.byLevel.A`).
    func formField(for field: String) -> String {
        let names = [
            "claim.maxClaimsPerDay": "max_claims_per_day", "claim.cooldownDays": "cooldown_days", "claim.embargoHours": "embargo_hours",
            "reclaim.noFollowUpDays": "no_follow_up_days", "reclaim.noProgressDays": "no_progress_days",
            "reclaim.claimedNoFollowUpDays": "claimed_no_follow_up_days", "reclaim.warningDays": "warning_days",
        ]
        if let name = names[field] { return name }
        if field.hasPrefix("reclaim.byLevel.") {
            let level = String(field.dropFirst("reclaim.byLevel.".count))
            if let index = (0..<3).first(where: { values["level_\($0)"]?.trimmingWhitespace() == level.trimmingWhitespace() }) {
                return "level_\(index)"
            }
        }
        return field
    }

    init(_ form: Form) {
        for (name, list) in form.fields { values[name] = list.first }
        func number(_ name: String) -> Int? {
            guard let text = form.text(name) else { return nil }
            guard let value = Int(text), (0...3650).contains(value) else {
                errors[name] = "must be between 0 and 3650"
                return nil
            }
            return value
        }
        var byLevel: [String: ReclaimDays] = [:]
        for index in 0..<3 {
            let noFollowUp = number("level_\(index)_no_follow_up")
            let noProgress = number("level_\(index)_no_progress")
            guard let level = form.text("level_\(index)") else {
                if noFollowUp != nil || noProgress != nil { errors["level_\(index)"] = "a level rule needs its level" }
                continue
            }
            byLevel[level] = ReclaimDays(noFollowUpDays: noFollowUp, noProgressDays: noProgress)
        }
        let candidate = PoolRules(
            claim: ClaimRules(
                maxClaimsPerDay: number("max_claims_per_day"), cooldownDays: number("cooldown_days"),
                cooldownIncludesDepartment: form["cooldown_department"] != nil, embargoHours: number("embargo_hours")),
            reclaim: ReclaimRules(
                days: ReclaimDays(
                    noFollowUpDays: number("no_follow_up_days"), noProgressDays: number("no_progress_days"),
                    claimedNoFollowUpDays: number("claimed_no_follow_up_days")),
                byLevel: byLevel, exemptLocked: form["exempt_locked"] != nil, exemptWon: form["exempt_won"] != nil,
                warningDays: number("warning_days") ?? 0),
            maskedFields: (form["mask_phone"] != nil ? [.phone] : []) + (form["mask_email"] != nil ? [.email] : []),
            autoAssign: AutoAssignMode(rawValue: form["auto_assign"] ?? "off") ?? .off)
        rules = errors.isEmpty ? candidate : nil
    }
}
