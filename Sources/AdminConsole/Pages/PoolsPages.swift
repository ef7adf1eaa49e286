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
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func list(_ request: ConsoleRequest) throws -> HTTPResponse {
        let pools = try database.pools()
        let metrics = Dictionary(uniqueKeysWithValues: try database.poolMetrics(pools: pools.map(\.id), from: Date(timeIntervalSince1970: 0), to: console.clock.now()).map { ($0.poolID, $0) })
        let rows = pools.map { pool -> [HTML] in
            [
                HTML("<a href=\"/admin/pools/\(String(pool.id.rawValue))\">\(pool.name)</a>\(pool.isDefault ? HTML(" <span class=\"tag\">\(request.t("Default pool"))</span>") : .empty)"),
                HTML("\(pool.industries.joined(separator: ", "))"), HTML("\(pool.regions.joined(separator: ", "))"),
                HTML("\(pool.priority)"), HTML("\(metrics[pool.id]?.size ?? 0)"), HTML("v\(Int(pool.ruleVersion))"),
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
        return try edit(request, pool: pool, basics: BasicsForm(pool, access), rules: RulesForm(pool.rules))
    }

    private func create(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard request.can.managePools else { return forbidden(request) }
        let basics = BasicsForm(request.form)
        let rules = RulesForm(request.form)
        guard basics.errors.isEmpty, rules.errors.isEmpty, let parsed = rules.rules else {
            return try edit(request, pool: nil, basics: basics, rules: rules, error: request.t("Please correct the fields marked below."))
        }
        do {
            let pool = try console.services.pools.create(basics.draft(rules: parsed), by: request.actor)
            return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=created")
        } catch PoolError.invalidInput(let field, let message) {
            var basics = basics
            basics.errors[field] = message
            return try edit(request, pool: nil, basics: basics, rules: rules, error: request.t("Please correct the fields marked below."))
        }
    }

    private func saveBasics(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        guard request.can.managePools else { return forbidden(request) }
        let pool = try find(id)
        let basics = BasicsForm(request.form)
        guard basics.errors.isEmpty else {
            return try edit(request, pool: pool, basics: basics, rules: RulesForm(pool.rules), error: request.t("Please correct the fields marked below."))
        }
        do {
            _ = try console.services.pools.update(pool.id, basics.draft(rules: pool.rules), by: request.actor)
        } catch PoolError.invalidInput(let field, let message) {
            var basics = basics
            basics.errors[field] = message
            return try edit(request, pool: pool, basics: basics, rules: RulesForm(pool.rules), error: request.t("Please correct the fields marked below."))
        }
        return Layout.redirect("/admin/pools/\(pool.id.rawValue)?flash=saved")
    }

    /// "Preview" shows what the rules would reclaim and keeps the form as typed; "Save" makes a
    /// new rules version. Administrators and the pool's admins.
    private func saveRules(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        let pool = try find(id)
        guard try console.services.pools.mayEditRules(of: pool.id, by: request.actor) else { return forbidden(request) }
        let rules = RulesForm(request.form)
        let basics = BasicsForm(pool, try database.poolAccess()[pool.id] ?? [])
        guard rules.errors.isEmpty, let parsed = rules.rules else {
            return try edit(request, pool: pool, basics: basics, rules: rules, error: request.t("Please correct the fields marked below."))
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
        let departments = try database.departments()
        let users = try database.users().filter(\.active)
        let basicsSection: HTML = """
            <form method="post" action="\(action)" class="card">
              \(request.csrfField)
              <fieldset\(editable ? .empty : HTML(" disabled"))>
              <legend>\(request.t("Pool"))</legend>
              \(Layout.field(request.t("Name"), name: "name", value: basics.name, error: basics.errors["name"], required: true))
              \(Layout.field(request.t("Industries"), name: "industries", value: basics.industries, hint: request.t("comma separated")))
              \(Layout.field(request.t("Regions"), name: "regions", value: basics.regions, hint: request.t("comma separated")))
              \(Layout.field(request.t("Priority"), name: "priority", value: basics.priority, error: basics.errors["priority"], type: "number"))
              \(Layout.checkbox(request.t("Default pool"), name: "default", checked: basics.isDefault))
              </fieldset>
              <fieldset\(editable ? .empty : HTML(" disabled"))><legend>\(request.t("Members"))</legend>
                \(basics.memberDepartments.isEmpty && basics.memberUsers.isEmpty && basics.memberRoles.isEmpty ? HTML("<p class=\"hint\">\(request.t("Open pool: everyone is a member."))</p>") : .empty)
                <div class="choices"><strong>\(request.t("Departments"))</strong>\(departments.map { Layout.checkbox($0.name, name: "member_department", checked: basics.memberDepartments.contains($0.id.rawValue), value: String($0.id.rawValue)) })</div>
                <div class="choices"><strong>\(request.t("Roles"))</strong>\(Role.allCases.map { Layout.checkbox($0.rawValue, name: "member_role", checked: basics.memberRoles.contains($0.rawValue), value: $0.rawValue) })</div>
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
            <form method="post" action="/admin/pools/\(String(pool.id.rawValue))/rules" class="card" id="rules">
              \(request.csrfField)
              <p>\(request.t("Rules version")): <strong>v\(Int(pool.ruleVersion))</strong></p>
              \(rulesFields(request, rules, enabled: rulesEditable))
              \(rulesEditable ? HTML("<div class=\"actions\"><button type=\"submit\" name=\"action\" value=\"preview\">\(request.t("Preview"))</button> <button type=\"submit\" name=\"action\" value=\"save\" class=\"primary\">\(request.t("Save as new version"))</button></div>") : .empty)
            </form>
            \(preview.map { previewSection($0, request) } ?? .empty)
            """
        } ?? .empty
        let title = pool.map { "\(request.t("Edit pool")): \($0.name)" } ?? request.t("New pool")
        return Layout.page(request, title: title, flash: flash(request), error: error, HTML("<div class=\"grid two\">\(basicsSection)\(rulesSection)</div>"))
    }

    private func rulesFields(_ request: ConsoleRequest, _ rules: RulesForm, enabled: Bool) -> HTML {
        func number(_ label: String, _ name: String) -> HTML {
            Layout.field(request.t(label), name: name, value: rules.values[name], error: rules.errors[name], type: "number")
        }
        let levels = (0..<3).map { index in
            HTML(
                """
                <div class="row">\(Layout.field(request.t("Level"), name: "level_\(index)", value: rules.values["level_\(index)"]))
                \(number("Days without follow-up", "level_\(index)_no_follow_up"))\(number("Days without progress", "level_\(index)_no_progress"))</div>
                """)
        }
        return """
            <fieldset\(enabled ? .empty : HTML(" disabled"))><legend>\(request.t("Claim rules"))</legend>
              \(number("Claims per day", "max_claims_per_day"))\(number("Cooldown days", "cooldown_days"))
              \(Layout.checkbox(request.t("Cooldown binds the department"), name: "cooldown_department", checked: rules.values["cooldown_department"] != nil))
              \(number("Embargo hours", "embargo_hours"))
            </fieldset>
            <fieldset\(enabled ? .empty : HTML(" disabled"))><legend>\(request.t("Reclaim rules"))</legend>
              \(number("Days without follow-up", "no_follow_up_days"))\(number("Days without progress", "no_progress_days"))
              \(number("Days to first follow-up", "claimed_no_follow_up_days"))\(number("Warning days", "warning_days"))
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
        case "created": return request.t("Pool created.")
        case "saved": return request.t("Saved.")
        case "rules": return "\(request.t("Rules saved as version")) \(request.query("version") ?? "")"
        default: return nil
        }
    }

    private func forbidden(_ request: ConsoleRequest) -> HTTPResponse {
        Layout.message(request, status: 403, title: "Forbidden", request.t("Only administrators may open this page."))
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
        put("warning_days", rules.reclaim.warningDays)
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

    init(_ form: Form) {
        for (name, list) in form.fields { values[name] = list.first }
        func number(_ name: String) -> Int? {
            guard let text = form.text(name) else { return nil }
            guard let value = Int(text), (0...3650).contains(value) else {
                errors[name] = "0 – 3650"
                return nil
            }
            return value
        }
        var byLevel: [String: ReclaimDays] = [:]
        for index in 0..<3 {
            let noFollowUp = number("level_\(index)_no_follow_up")
            let noProgress = number("level_\(index)_no_progress")
            guard let level = form.text("level_\(index)") else { continue }
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
