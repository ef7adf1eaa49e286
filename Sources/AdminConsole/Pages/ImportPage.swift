import Foundation
import HTTPServer
import PoolDomain
import PoolServices
import PoolStore

/// CSV import (a dry run first: new rows, duplicates and where they are, invalid rows with
/// line numbers and reasons; then import into a pool or to an owner) and CSV export.
struct ImportPage {
    let console: AdminConsole
    var database: any PoolDatabase { console.database }
    static let columns = ["name", "phone", "email", "industry", "region", "level", "source", "status"]

    /// A file's rows as the import service judged them (a dry run, or the import itself).
    struct Checked {
        var fresh: [(Int, CustomerDraft)] = []
        var duplicates: [(Int, String, DuplicateMatch)] = []
        var invalid: [(Int, String)] = []
        var imported = 0
    }

    func handle(_ request: ConsoleRequest) throws -> HTTPResponse {
        guard request.http.method == "POST" else { return try render(request, checked: nil, imported: nil) }
        let uploaded = request.form.files["file"].flatMap { $0.isEmpty ? nil : $0 }
        guard let file = uploaded ?? request.form["csv"].map({ Array($0.utf8) }), !file.isEmpty else {
            return try render(request, checked: nil, imported: nil, error: request.t("Upload CSV"))
        }
        let pool = request.form.text("pool").flatMap(Int64.init).map(PoolID.init)
        let owner = try request.form.text("owner").flatMap(Int64.init).map(UserID.init).flatMap { try database.users(ids: [$0])[$0]?.name }
        let importing = request.form["op"] == "import"
        let checked = try check(CSV.parse(file), pool: pool, owner: owner, dryRun: !importing, request: request)
        return try render(request, checked: checked, imported: importing ? checked.imported : nil)
    }

    /// Reads the CSV's rows (the header names the columns) and hands them to the import
    /// service, which checks every row in one transaction per thousand (kept only when
    /// importing); rows that cannot be read as a customer are reported with their line.
    private func check(_ rows: [[String]], pool: PoolID?, owner: String?, dryRun: Bool, request: ConsoleRequest) throws -> Checked {
        var checked = Checked()
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) else { return checked }
        guard let nameColumn = header.firstIndex(of: "name") else {
            checked.invalid.append((1, "the header row needs a name column"))
            return checked
        }
        var read: [(line: Int, row: CustomerImport.Row)] = []
        for (offset, row) in rows.dropFirst().enumerated() {
            let line = offset + 2
            func value(_ column: String) -> String? {
                guard let index = header.firstIndex(of: column), index < row.count else { return nil }
                return row[index]
            }
            guard nameColumn < row.count else {
                checked.invalid.append((line, request.t("a name is required")))
                continue
            }
            var draft = CustomerDraft(
                name: row[nameColumn], phone: value("phone"), email: value("email"), industry: value("industry"),
                region: value("region"), level: value("level"), source: value("source"))
            if let status = value("status"), !status.isEmpty {
                guard let parsed = CustomerStatus(rawValue: status.lowercased()) else {
                    checked.invalid.append((line, "\(request.t("status")): \(status)"))
                    continue
                }
                draft.status = parsed
            }
            read.append((line, CustomerImport.Row(draft: draft, ownerName: owner, pool: owner == nil ? pool : nil)))
        }
        let outcomes = try console.services.imports.importRows(read.map(\.row), dryRun: dryRun, by: request.actor)
        for (entry, outcome) in zip(read, outcomes) {
            switch outcome {
            case .created:
                checked.fresh.append((entry.line, entry.row.draft))
                checked.imported += 1
            case .refused(.duplicate(let match)):
                checked.duplicates.append((entry.line, entry.row.draft.name, match))
            case .refused(let error):
                checked.invalid.append((entry.line, ErrorText.describe(error, request)))
            }
        }
        return checked
    }

    private func render(_ request: ConsoleRequest, checked: Checked?, imported: Int?, error: String? = nil) throws -> HTTPResponse {
        let pools = try database.pools()
        let users = try database.users().filter(\.takesCustomers)
        let csv = request.form.files["file"].flatMap { $0.isEmpty ? nil : String(decoding: $0, as: UTF8.self) } ?? request.form["csv"]
        let result: HTML = checked.map { checked in
            let duplicates = checked.duplicates.map { line, name, match in
                [HTML("\(line)"), HTML("\(name)"), HTML("\(request.t(Labels.duplicateField(match.field)))"), HTML("\(match.ownerName.map { "\(request.t("Owner")): \($0)" } ?? match.poolName.map { "\(request.t("Pool")): \($0)" } ?? "–")")]
            }
            let invalid = checked.invalid.sorted { $0.0 < $1.0 }.map { [HTML("\($0.0)"), HTML("\($0.1)")] }
            return HTML(
                """
                <section class="card" id="check">
                \(imported.map { HTML("<p class=\"flash ok\" id=\"imported\">\(request.t("Imported")): \($0)</p>") } ?? .empty)
                <dl class="stats"><div><dt>\(request.t("New"))</dt><dd id="count-new">\(checked.fresh.count)</dd></div>
                <div><dt>\(request.t("Duplicates"))</dt><dd id="count-duplicates">\(checked.duplicates.count)</dd></div>
                <div><dt>\(request.t("Invalid rows"))</dt><dd id="count-invalid">\(checked.invalid.count)</dd></div></dl>
                <h3>\(request.t("Duplicates"))</h3>\(Layout.table([request.t("Line"), request.t("Name"), "", request.t("Where it is")], duplicates, empty: "–"))
                <h3>\(request.t("Invalid rows"))</h3>\(Layout.table([request.t("Line"), request.t("Reason")], invalid, empty: "–"))
                </section>
                """)
        } ?? .empty
        let body: HTML = """
            <form method="post" action="/admin/import" enctype="multipart/form-data" class="card">
              \(request.csrfField)
              <p>\(request.t("Columns")): <code>\(Self.columns.joined(separator: ", "))</code></p>
              <label class="field"><span>\(request.t("Upload CSV"))</span><input type="file" name="file" accept=".csv,text/csv"></label>
              \(csv.map { HTML("<input type=\"hidden\" name=\"csv\" value=\"\($0)\">") } ?? .empty)
              \(Layout.select(request.t("Import into"), name: "pool", options: pools.map { (String($0.id.rawValue), $0.name) }, selected: request.form["pool"]))
              \(Layout.select(request.t("Owner (optional)"), name: "owner", options: [("", "–")] + users.map { (String($0.id.rawValue), $0.name) }, selected: request.form["owner"]))
              <div class="actions"><button type="submit" name="op" value="check">\(request.t("Check (dry run)"))</button>
              \(checked == nil || imported != nil ? .empty : HTML("<button type=\"submit\" name=\"op\" value=\"import\" class=\"primary\">\(request.t("Import"))</button>"))</div>
            </form>
            \(result)
            """
        return Layout.page(request, title: request.t("Import"), error: error, body)
    }
}
