import ArgumentParser
import Foundation
import GraphQLAPI
import PoolDomain
import PoolServices
import PoolStore

struct Sweep: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the daily reclaim sweep now.",
        discussion: """
            Reclaims private customers whose pool's rules say they are due as of the given day,
            after catching up days missed since the last completed run. Every run is recorded;
            a second run for the same day reclaims nothing new. --dry-run changes and records
            nothing and only reports what would be reclaimed.
            """)

    @OptionGroup var options: DatabaseOption

    @Option(name: .customLong("as-of"), help: "The day to evaluate, YYYY-MM-DD (default: today).")
    var asOf: String?

    @Flag(name: .customLong("dry-run"), help: "Report what would be reclaimed; change nothing.")
    var dryRun = false

    @Flag(help: "Print the run record as one JSON object.")
    var json = false

    @Option(name: .customLong("time-zone"), help: "The team's time zone, e.g. Asia/Shanghai (default: the system's).")
    var timeZone: String?

    @Option(name: .customLong("batch-size"), help: "Customers per transaction.")
    var batchSize = 500

    func run() throws {
        let zone = try TimeZoneOption.resolve(timeZone)
        let database = try SQLitePoolDatabase(path: options.database, timeZone: zone)
        defer { try? database.close() }
        var day: Day?
        if let asOf {
            guard let parsed = Day(asOf) else { throw ValidationError("--as-of takes YYYY-MM-DD") }
            day = parsed
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        let sweeps = SweepService(store: database, clock: SystemTimeSource())
        let runs: [SweepReport]
        do {
            runs = try sweeps.run(asOf: day, dryRun: dryRun, trigger: .cli, by: nil, batchSize: batchSize)
        } catch PoolError.invalidInput(_, let message) {
            throw ValidationError(message)
        }
        if json {
            try SweepJSON(database: database).print(runs)
        } else {
            for report in runs {
                print(
                    "\(report.dryRun ? "dry run" : "run \(report.runId ?? 0)") as of \(report.asOf): evaluated \(report.evaluated), reclaimed \(report.reclaimed), skipped \(report.skipped), failed \(report.failed), warned \(report.warned)"
                )
                try SweepJSON(database: database).forEachItem(of: report, outcome: "reclaimed") { item in
                    print("  \(item.customerName) (\(GlobalID.encode(CustomerID(item.customerId)))) from \(item.previousOwner ?? "?") → \(item.pool ?? "?"): \(item.reason)")
                }
            }
        }
    }
}

/// The runs of one `gonghai sweep --json` as one JSON object, in GraphQL's vocabulary (typed ids
/// such as `cus_42`, enum names such as `CLAIMED_NO_FOLLOW_UP`, `COMPLETED`), with totals over
/// the runs. Item lists are streamed as they are read: a sweep of 1M customers reclaims 100k.
struct SweepJSON {
    let database: SQLitePoolDatabase

    func print(_ runs: [SweepReport]) throws {
        write("{\"runs\":[")
        for (index, run) in runs.enumerated() {
            write(index == 0 ? "" : ",")
            try printRun(run)
        }
        let totals: [(String, Int)] = [
            ("evaluated", runs.map(\.evaluated).reduce(0, +)), ("reclaimed", runs.map(\.reclaimed).reduce(0, +)),
            ("skipped", runs.map(\.skipped).reduce(0, +)), ("failed", runs.map(\.failed).reduce(0, +)),
            ("warned", runs.map(\.warned).reduce(0, +)),
        ]
        write("],\"totals\":{\"runs\":\(runs.count)")
        for (key, value) in totals { write(",\"\(key)\":\(value)") }
        write("}}\n")
    }

    private func printRun(_ run: SweepReport) throws {
        write("{\"id\":\(run.runId.map { Self.string("run_\($0)") } ?? "null"),\"asOf\":\(Self.string(run.asOf)),\"dryRun\":\(run.dryRun)")
        write(",\"status\":\(Self.string(run.status.uppercased()))")
        for (key, value) in [("evaluated", run.evaluated), ("reclaimed", run.reclaimed), ("skipped", run.skipped), ("failed", run.failed), ("warned", run.warned)] {
            write(",\"\(key)\":\(value)")
        }
        for (key, outcome) in [("reclaimedCustomers", "reclaimed"), ("skippedCustomers", "skipped")] {
            write(",\"\(key)\":[")
            var first = true
            try forEachItem(of: run, outcome: outcome) { item in
                write((first ? "" : ",") + Self.item(item))
                first = false
            }
            write("]")
        }
        write("}")
    }

    /// A recorded run's items are read back page by page; a dry run's are in its report.
    func forEachItem(of report: SweepReport, outcome: String, _ body: (SweepReport.Item) throws -> Void) throws {
        guard let run = report.runId, !report.dryRun else {
            return try (outcome == "reclaimed" ? report.reclaimedCustomers : report.skippedCustomers).forEach(body)
        }
        try database.forEachSweepItem(run, outcome: outcome, body)
    }

    static func item(_ item: SweepReport.Item) -> String {
        let owner = item.previousOwnerId.map {
            "{\"id\":\(string(GlobalID.encode(UserID($0)))),\"name\":\(item.previousOwner.map(string) ?? "null")}"
        } ?? "null"
        let pool = item.poolId.map { "{\"id\":\(string(GlobalID.encode(PoolID($0)))),\"name\":\(item.pool.map(string) ?? "null")}" } ?? "null"
        let rule = item.rule.flatMap(ReclaimRule.init(rawValue:)).map { string(enumName($0)) } ?? "null"
        return "{\"customerId\":\(string(GlobalID.encode(CustomerID(item.customerId)))),\"customerName\":\(string(item.customerName)),\"previousOwner\":\(owner),\"rule\":\(rule),\"pool\":\(pool),\"reason\":\(string(item.reason))}"
    }

    /// A JSON string literal (Foundation's encoder escapes exactly as JSON requires).
    static func string(_ text: String) -> String {
        String(decoding: (try? JSONEncoder.plain.encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
    }

    private func write(_ text: String) { Swift.print(text, terminator: "") }
}

extension JSONEncoder {
    static var plain: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }
}

enum TimeZoneOption {
    static func resolve(_ name: String?) throws -> TimeZone {
        guard let name else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw ValidationError("unknown time zone \(name)") }
        return zone
    }
}
