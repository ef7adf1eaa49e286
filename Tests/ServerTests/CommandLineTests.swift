import Foundation
import GRDB
import Testing

import PoolDomain
import PoolStore
import TestSupport

/// The command forms operators' scripts depend on, run as the real `gonghai` binary.
@Suite struct CommandLineTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-cli-\(UUID().uuidString)")
    var database: String { directory.appendingPathComponent("cli.sqlite").path }

    static var binary: URL { ServeProcess.binary }

    @discardableResult
    func run(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = Self.binary
        process.arguments = arguments
        process.currentDirectoryURL = TestServer.repositoryURL
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    /// `migrate` and `serve` take a `postgres://` URL (or `GONGHAI_DATABASE`): the schema is
    /// applied once, and the URL's password is never printed.
    @Test func migrateUpgradesAPostgresDatabaseAndNeverShowsItsPassword() throws {
        let url = try PostgresTestCluster.shared.get().freshDatabase()
        let withPassword = url.replacingOccurrences(of: "postgresql://postgres@", with: "postgresql://postgres:s3cret-pw@")
        let first = try run(["migrate", "--database", withPassword])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("applied migrations 1") && first.stdout.contains("up to date"))
        #expect(!(first.stdout + first.stderr).contains("s3cret-pw") && first.stdout.contains("***"))
        let again = try run(["migrate", "--database", url])
        #expect(again.status == 0 && !again.stdout.contains("applied"))
        let errors = Pipe()
        let serve = try ServeProcess(["serve", "--database", withPassword, "--port", "0", "--no-sweep"], errors: errors)
        #expect(try HTTPClient(port: serve.port).send(method: "GET", path: "/healthz").status == 200)
        #expect(serve.stop() == 0)
        let printed = serve.banner + String(decoding: serve.output.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("postgres:***@") && !printed.contains("s3cret-pw"), "\(printed)")
    }

    /// `--demo` pointed at a database with real users must not touch their passwords.
    @Test func demoOnAnExistingDatabaseKeepsEveryPassword() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(try run(["users", "add", "--database", database, "--name", "boss", "--role", "admin"]).status == 0)
        let setter = Process()
        setter.executableURL = Self.binary
        setter.arguments = ["users", "password", "--database", database, "--name", "boss"]
        let input = Pipe()
        setter.standardInput = input
        setter.standardOutput = FileHandle.nullDevice
        try setter.run()
        input.fileHandleForWriting.write(Data("the real password\n".utf8))
        try input.fileHandleForWriting.close()
        setter.waitUntilExit()
        #expect(setter.terminationStatus == 0)
        let hash = { () throws -> String? in
            try SQLitePoolDatabase(path: database).readForTests { try String.fetchOne($0, sql: "SELECT password_hash FROM users WHERE name = 'boss'") }
        }
        let before = try #require(try hash())

        let serve = try ServeProcess(["serve", "--demo", "--no-sweep", "--database", database, "--port", "0"])
        serve.stop()
        #expect(try hash() == before, "--demo reset a password of an existing database")
        let customers = try SQLitePoolDatabase(path: database).readForTests { try Int.fetchOne($0, sql: "SELECT count(*) FROM customers") }
        #expect(customers == 0, "--demo seeds only an empty database")
    }

    @Test func usersAddPrintsOnlyATokenThatWorksAgainstARunningServeAndSigtermStopsIt() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary.path), "build the gonghai product first")
        #expect(try run(["migrate", "--database", database]).status == 0)
        let added = try run(["users", "add", "--database", database, "--name", "li.na", "--role", "rep", "--department", "华东销售部"])
        #expect(added.status == 0)
        let token = added.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.hasPrefix("gh_") && !token.contains("\n") && token.count > 40)
        #expect(try run(["users", "add", "--database", database, "--name", "x", "--role", "boss"]).status != 0)

        let serve = try ServeProcess(["serve", "--database", database, "--port", "0", "--threads", "2"])
        defer { serve.stop() }
        let port = serve.port
        let client = HTTPClient(port: port)
        let me = try client.graphQL("{ me { name role department { name } } }", token: token).json
        #expect(me.at("data", "me", "name") as? String == "li.na")
        #expect(me.at("data", "me", "department", "name") as? String == "华东销售部")

        let second = try run(["users", "token", "--database", database, "--name", "li.na", "--label", "erp"])
        #expect(second.status == 0)
        let other = second.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(other != token)
        #expect(try client.graphQL("{ me { name } }", token: other).json.at("data", "me", "name") as? String == "li.na")
        #expect(try run(["users", "token", "--database", database, "--name", "nobody"]).status != 0)

        #expect(serve.stop() == 0)
    }

    @Test func sweepPrintsItsRunsAsJSONAndASecondRunReclaimsNothing() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLitePoolDatabase(path: self.database, timeZone: TimeZone(identifier: "UTC")!)
        let now = Date()
        try DemoSeeder(database: database, customerCount: 300).seed(now: now)
        let today = database.calendar.day(of: now).description
        let dry = try run(["sweep", "--database", self.database, "--as-of", today, "--dry-run", "--json", "--time-zone", "UTC"])
        #expect(dry.status == 0, "\(dry.stderr)")
        let dryJSON = try #require(try JSONSerialization.jsonObject(with: Data(dry.stdout.utf8)) as? [String: Any])
        let dryRun = try #require((dryJSON["runs"] as? [[String: Any]])?.last)
        #expect(dryRun["dryRun"] as? Bool == true)
        let wouldReclaim = try #require(dryRun["reclaimed"] as? Int)
        #expect(wouldReclaim > 0)
        let first = try run(["sweep", "--database", self.database, "--as-of", today, "--json", "--time-zone", "UTC"])
        let json = try #require(try JSONSerialization.jsonObject(with: Data(first.stdout.utf8)) as? [String: Any])
        let runs = try #require(json["runs"] as? [[String: Any]])
        let made = try #require(runs.last)
        #expect(made["reclaimed"] as? Int == wouldReclaim, "the dry run changed nothing, so the real run takes the same")
        #expect((made["id"] as? String)?.hasPrefix("run_") == true)
        #expect(made["status"] as? String == "COMPLETED")
        #expect(made["evaluated"] as? Int ?? 0 >= wouldReclaim)
        for key in ["asOf", "skipped", "failed", "warned"] { #expect(made[key] != nil) }
        let totals = try #require(json["totals"] as? [String: Any])
        #expect(totals["runs"] as? Int == runs.count)
        #expect(totals["reclaimed"] as? Int == runs.compactMap { $0["reclaimed"] as? Int }.reduce(0, +))
        let item = try #require((made["reclaimedCustomers"] as? [[String: Any]])?.first)
        #expect((item["customerId"] as? String)?.hasPrefix("cus_") == true)
        #expect(((item["previousOwner"] as? [String: Any])?["id"] as? String)?.hasPrefix("usr_") == true)
        #expect(((item["pool"] as? [String: Any])?["id"] as? String)?.hasPrefix("pool_") == true)
        #expect(["NO_FOLLOW_UP", "CLAIMED_NO_FOLLOW_UP", "NO_PROGRESS"].contains(item["rule"] as? String ?? ""))
        for key in ["customerName", "reason"] { #expect(item[key] != nil, "\(key)") }
        let second = try run(["sweep", "--database", self.database, "--as-of", today, "--json", "--time-zone", "UTC"])
        let again = try #require(try JSONSerialization.jsonObject(with: Data(second.stdout.utf8)) as? [String: Any])
        #expect((again["runs"] as? [[String: Any]])?.last?["reclaimed"] as? Int == 0)
        #expect(try run(["sweep", "--database", self.database, "--as-of", "yesterday"]).status != 0)
        let reopened = try SQLitePoolDatabase(path: self.database, timeZone: TimeZone(identifier: "UTC")!)
        #expect(try reopened.auditLog(first: 50).filter { $0.action == "run_sweep" }.count == 2, "each real run is audited")
    }

    @Test func aRealSweepForADayThatHasNotComeIsRefusedButADryRunIsNot() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLitePoolDatabase(path: self.database, timeZone: TimeZone(identifier: "UTC")!)
        try DemoSeeder(database: database, customerCount: 100).seed(now: Date())
        let ahead = database.calendar.adding(90, to: database.calendar.day(of: Date())).description
        let refused = try run(["sweep", "--database", self.database, "--as-of", ahead, "--time-zone", "UTC"])
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("after today"), "\(refused.stderr)")
        #expect(try database.sweepRuns(first: 10).isEmpty, "nothing ran")
        let dry = try run(["sweep", "--database", self.database, "--as-of", ahead, "--dry-run", "--time-zone", "UTC"])
        #expect(dry.status == 0, "\(dry.stderr)")
    }

    @Test func jsonLogsHaveOneLinePerRequestWithoutContactDataOrTokens() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try run(["users", "add", "--database", database, "--name", "logger", "--role", "rep"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let err = Pipe()
        let serve = try ServeProcess(["serve", "--database", database, "--port", "0", "--log-format", "json", "--no-sweep"], errors: err)
        let client = HTTPClient(port: serve.port)
        _ = try client.graphQL(
            "mutation Create($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }",
            variables: ["i": ["name": "Log Co", "phone": "13912345678", "email": "secret@log.cn"]], operationName: "Create", token: token)
        _ = try client.graphQL("{ me { name } }", token: "gh_stolen_token_value")
        serve.stop()
        let lines = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).split(separator: "\n")
        let requests = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            .filter { $0["msg"] as? String == "request" }
        #expect(requests.count == 2)
        #expect(requests.first?["operation"] as? String == "Create")
        #expect(requests.first?["status"] as? String == "200")
        #expect(requests.first?["requestId"] != nil && requests.first?["durationMs"] != nil && requests.first?["user"] != nil)
        #expect((requests.last?["errors"] as? [String]) == ["UNAUTHENTICATED"])
        let all = lines.joined(separator: "\n")
        for secret in ["13912345678", "secret@log.cn", "gh_stolen_token_value", token] { #expect(!all.contains(secret)) }
    }

    @Test func configCheckValidatesAFileWithTheEnvironmentOnTop() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let config = directory.appendingPathComponent("gonghai.conf").path
        try "port = 9000\nlog-format = json\ntime-zone = Asia/Shanghai\n".write(toFile: config, atomically: true, encoding: .utf8)
        let good = try run(["config", "check", "--config", config, "--port", "9300"])
        #expect(good.status == 0)
        #expect(good.stdout.contains("port = 9300") && good.stdout.contains("log-format = json") && good.stdout.contains("time-zone = Asia/Shanghai"))
        try "port = 9000\nlog-format = yaml\n".write(toFile: config, atomically: true, encoding: .utf8)
        let bad = try run(["config", "check", "--config", config])
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("log-format"))
    }

    /// A backup taken while the server keeps writing holds every write acknowledged before it.
    @Test func aBackupTakenWhileServingRestoresEveryAcknowledgedWrite() throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let token = try run(["users", "add", "--database", database, "--name", "writer", "--role", "manager"]).stdout
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let serve = try ServeProcess(["serve", "--database", database, "--port", "0", "--no-sweep"])
        defer { serve.stop() }
        let client = HTTPClient(port: serve.port)
        var acknowledged: [String] = []
        for index in 0..<40 {
            let result = try client.graphQL(
                "mutation($n: String!) { createCustomer(input: {name: $n}) { id } }", variables: ["n": "Backed \(index)"], token: token).json
            if let id = result.at("data", "createCustomer", "id") as? String { acknowledged.append(id) }
        }
        let backup = directory.appendingPathComponent("backup.sqlite").path
        let done = try run(["backup", "--database", database, "--to", backup])
        #expect(done.status == 0, "\(done.stderr)")
        for index in 40..<45 {
            _ = try client.graphQL("mutation($n: String!) { createCustomer(input: {name: $n}) { id } }", variables: ["n": "Later \(index)"], token: token)
        }
        #expect(try run(["backup", "--database", database, "--to", backup]).status != 0, "never overwrites")
        let restored = try SQLitePoolDatabase(path: backup)
        let found = try restored.customers(ids: acknowledged.compactMap { Int64($0.dropFirst(4)) }.map(CustomerID.init))
        #expect(acknowledged.count == 40)
        #expect(found.count == 40)
        #expect(try restored.countCustomers(CustomerFilter(), scope: .all) == 40)
    }

    @Test func helpExplainsEveryCommand() throws {
        let help = try run(["--help"])
        for command in ["serve", "migrate", "users", "sweep", "config"] { #expect(help.stdout.contains(command)) }
        let serveHelp = try run(["serve", "--help"])
        for option in ["--host", "--port", "--database", "--demo", "--threads"] { #expect(serveHelp.stdout.contains(option)) }
    }
}
