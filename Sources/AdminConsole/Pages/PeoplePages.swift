import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// Departments and users: the tree, create users and departments, edit role and department,
/// deactivate, on-leave, and console passwords. Administrators only.
struct PeoplePages {
    let console: AdminConsole
    var database: any PoolDatabase { console.database }

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        if let _ = request.route("GET", "") { return try overview(request) }
        if let _ = request.route("POST", "departments") { return try createDepartment(request) }
        if let _ = request.route("POST", "users") { return try createUser(request) }
        if let c = request.route("GET", "users/*") { let id = c[0]; return try user(request, id) }
        if let c = request.route("POST", "users/*") { let id = c[0]; return try updateUser(request, id) }
        return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
    }

    private func overview(_ request: ConsoleRequest, errors: [String: String] = [:], error: String? = nil) throws -> HTTPResponse {
        let departments = try database.departments()
        let users = try database.users()
        func tree(_ parent: DepartmentID?) -> HTML {
            let children = departments.filter { $0.parentID == parent }
            guard !children.isEmpty else { return .empty }
            return "<ul class=\"tree\">\(children.map { department in HTML("<li>\(department.name) <small>(\(users.filter { $0.departmentID == department.id }.count))</small>\(tree(department.id))</li>") })</ul>"
        }
        let departmentOptions = [("", "–")] + departments.map { (String($0.id.rawValue), $0.name) }
        let rows = users.map { user -> [HTML] in
            [
                HTML("<a href=\"/admin/people/users/\(String(user.id.rawValue))\">\(user.name)</a>"), HTML("\(request.t(Labels.role(user.role)))"),
                HTML("\(departments.first { $0.id == user.departmentID }?.name ?? "–")"),
                HTML("\(user.active ? "✓" : "✗")"), HTML("\(user.onLeave ? "✓" : "")"),
            ]
        }
        let form = request.form
        let body: HTML = """
            <div class="grid two">
              <section class="card"><h2>\(request.t("Department tree"))</h2>\(tree(nil))
                <form method="post" action="/admin/people/departments">\(request.csrfField)
                \(Layout.field(request.t("New department"), name: "department_name", value: form["department_name"], error: errors["department_name"]))
                \(Layout.select(request.t("Parent"), name: "parent", options: departmentOptions, selected: form["parent"]))
                <button type="submit">\(request.t("Create"))</button></form></section>
              <section class="card"><h2>\(request.t("New user"))</h2>
                <form method="post" action="/admin/people/users">\(request.csrfField)
                \(Layout.field(request.t("Name"), name: "name", value: form["name"], error: errors["name"], required: true))
                \(Layout.select(request.t("Role"), name: "role", options: Role.allCases.map { ($0.rawValue, request.t(Labels.role($0))) }, selected: form["role"] ?? "rep"))
                \(Layout.select(request.t("Department"), name: "department", options: departmentOptions, selected: form["department"]))
                \(Layout.field(request.t("Password"), name: "password", value: nil, error: errors["password"], type: "password", hint: "≥ 8"))
                <button type="submit">\(request.t("Create"))</button></form></section>
            </div>
            <h2>\(request.t("Users"))</h2>
            \(Layout.table([request.t("Name"), request.t("Role"), request.t("Department"), request.t("Active"), request.t("On leave")], rows, empty: "–"))
            """
        return Layout.page(request, title: request.t("People"), flash: request.query("flash") == "saved" ? request.t("Saved.") : nil, error: error, body)
    }

    private func createDepartment(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard let name = request.form.text("department_name") else {
            return try overview(request, errors: ["department_name": request.t("Required")], error: request.t("Please correct the fields marked below."))
        }
        do {
            _ = try console.services.people.createDepartment(name: name, parentID: request.form.text("parent").flatMap(Int64.init).map(DepartmentID.init), by: request.actor)
        } catch PoolError.invalidInput(_, let message) {
            return try overview(request, errors: ["department_name": message], error: request.t("Please correct the fields marked below."))
        }
        return Layout.redirect("/admin/people?flash=saved")
    }

    private func createUser(_ request: ConsoleRequest) throws -> HTTPResponse {
        let form = request.form
        var errors: [String: String] = [:]
        let name = form.text("name")
        if name == nil { errors["name"] = request.t("Required") }
        if let password = form["password"], !password.isEmpty, password.count < 8 { errors["password"] = "≥ 8" }
        guard errors.isEmpty, let name else {
            return try overview(request, errors: errors, error: request.t("Please correct the fields marked below."))
        }
        do {
            let user = try console.services.people.createUser(
                name: name, role: Role(rawValue: form["role"] ?? "") ?? .rep,
                departmentID: form.text("department").flatMap(Int64.init).map(DepartmentID.init), by: request.actor)
            if let password = form["password"], !password.isEmpty {
                try console.services.people.setPassword(user.id, password, hasher: console.hasher, by: request.actor)
            }
            return Layout.redirect("/admin/people/users/\(user.id.rawValue)?flash=saved")
        } catch PoolError.invalidInput(_, let message) {
            return try overview(request, errors: ["name": message], error: request.t("Please correct the fields marked below."))
        }
    }

    private func user(_ request: ConsoleRequest, _ id: String, error: String? = nil) throws -> HTTPResponse {
        guard let number = Int64(id), let user = try database.users(ids: [UserID(number)])[UserID(number)] else {
            return Layout.message(request, status: 404, title: "Not found", request.t("Not found"))
        }
        let departments = [("", "–")] + (try database.departments()).map { (String($0.id.rawValue), $0.name) }
        let base = "/admin/people/users/\(id)"
        let body: HTML = """
            <div class="grid two">
            <form method="post" action="\(base)" class="card">\(request.csrfField)<input type="hidden" name="op" value="update">
              \(Layout.select(request.t("Role"), name: "role", options: Role.allCases.map { ($0.rawValue, request.t(Labels.role($0))) }, selected: user.role.rawValue))
              \(Layout.select(request.t("Department"), name: "department", options: departments, selected: user.departmentID.map { String($0.rawValue) } ?? ""))
              <button type="submit">\(request.t("Save"))</button></form>
            <section class="card">
              <form method="post" action="\(base)" class="inline">\(request.csrfField)<input type="hidden" name="op" value="\(user.active ? "deactivate" : "activate")">
                <button type="submit" class="\(user.active ? "danger" : "")" data-confirm="\(user.active ? request.t("Deactivate") : request.t("Activate"))?">\(request.t(user.active ? "Deactivate" : "Activate"))</button></form>
              <form method="post" action="\(base)" class="inline">\(request.csrfField)<input type="hidden" name="op" value="\(user.onLeave ? "back" : "leave")">
                <button type="submit">\(request.t(user.onLeave ? "Back from leave" : "Set on leave"))</button></form>
              <form method="post" action="\(base)" class="inline">\(request.csrfField)<input type="hidden" name="op" value="end_sessions">
                <button type="submit" data-confirm="\(request.t("Sign out everywhere"))?">\(request.t("Sign out everywhere"))</button></form>
              <form method="post" action="\(base)">\(request.csrfField)<input type="hidden" name="op" value="password">
                \(Layout.field(request.t("Set password"), name: "password", value: nil, type: "password", hint: "≥ 8"))
                <button type="submit">\(request.t("Save"))</button></form>
            </section></div>
            """
        return Layout.page(request, title: "\(user.name) · \(request.t(Labels.role(user.role)))\(user.active ? "" : " ✗")", flash: request.query("flash") == "saved" ? request.t("User saved.") : nil, error: error, body)
    }

    private func updateUser(_ request: ConsoleRequest, _ id: String) throws -> HTTPResponse {
        guard let number = Int64(id) else { return Layout.message(request, status: 404, title: "Not found", request.t("Not found")) }
        let user = UserID(number)
        do {
            switch request.form["op"] {
            case "update":
                _ = try console.services.people.updateUser(
                    user, role: Role(rawValue: request.form["role"] ?? "") ?? .rep,
                    departmentID: request.form.text("department").flatMap(Int64.init).map(DepartmentID.init), by: request.actor)
            case "deactivate": _ = try console.services.people.setActive(user, false, by: request.actor)
            case "activate": _ = try console.services.people.setActive(user, true, by: request.actor)
            case "leave": _ = try console.services.people.setOnLeave(user, true, by: request.actor)
            case "back": _ = try console.services.people.setOnLeave(user, false, by: request.actor)
            case "password": try console.services.people.setPassword(user, request.form["password"] ?? "", hasher: console.hasher, by: request.actor)
            case "end_sessions": _ = try console.services.people.endSessions(of: user, by: request.actor)
            default: break
            }
        } catch PoolError.invalidInput(let field, let message) {
            return try self.user(request, id, error: "\(field): \(message)")
        }
        return Layout.redirect("/admin/people/users/\(id)?flash=saved")
    }
}
