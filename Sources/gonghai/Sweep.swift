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
        let day = try asOf.map { text in
            guard let day = Day(text) else { throw ValidationError("--as-of takes YYYY-MM-DD") }
            return day
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        let runs = try validating {
            try SweepService(store: database, clock: SystemTimeSource()).run(asOf: day, dryRun: dryRun, trigger: .cli, by: nil, batchSize: batchSize)
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
    private let encoder = JSONEncoder()

    init(database: SQLitePoolDatabase) {
        self.database = database
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    private struct Named: Encodable { let id: String; let name: String? }
    private struct Item: Encodable {
        let customerId: String, customerName: String, previousOwner: Named?, rule: String?, pool: Named?, reason: String
    }
    private struct Counts: Encodable { let evaluated, reclaimed, skipped, failed, warned: Int }

    func print(_ runs: [SweepReport]) throws {
        write("{\"runs\":[")
        for (index, run) in runs.enumerated() {
            write((index == 0 ? "" : ",") + "{\"id\":\(try json(run.runId.map { "run_\($0)" })),\"asOf\":\(try json(run.asOf))")
            write(",\"dryRun\":\(run.dryRun),\"status\":\(try json(run.status.uppercased())),\(try fields(Self.counts([run])))")
            for (key, outcome) in [("reclaimedCustomers", "reclaimed"), ("skippedCustomers", "skipped")] {
                write(",\"\(key)\":[")
                var first = true
                try forEachItem(of: run, outcome: outcome) { item in
                    write((first ? "" : ",") + (try json(Self.item(item))))
                    first = false
                }
                write("]")
            }
            write("}")
        }
        write("],\"totals\":{\"runs\":\(runs.count),\(try fields(Self.counts(runs)))}}\n")
    }

    /// A recorded run's items are read back page by page; a dry run's are in its report.
    func forEachItem(of report: SweepReport, outcome: String, _ body: (SweepReport.Item) throws -> Void) throws {
        guard let run = report.runId, !report.dryRun else {
            return try (outcome == "reclaimed" ? report.reclaimedCustomers : report.skippedCustomers).forEach(body)
        }
        try database.forEachSweepItem(run, outcome: outcome, body)
    }

    private static func item(_ item: SweepReport.Item) -> Item {
        Item(
            customerId: GlobalID.encode(CustomerID(item.customerId)), customerName: item.customerName,
            previousOwner: item.previousOwnerId.map { Named(id: GlobalID.encode(UserID($0)), name: item.previousOwner) },
            rule: item.rule.flatMap(ReclaimRule.init(rawValue:)).map { enumName($0) },
            pool: item.poolId.map { Named(id: GlobalID.encode(PoolID($0)), name: item.pool) }, reason: item.reason)
    }

    private static func counts(_ runs: [SweepReport]) -> Counts {
        func sum(_ count: (SweepReport) -> Int) -> Int { runs.map(count).reduce(0, +) }
        return Counts(evaluated: sum(\.evaluated), reclaimed: sum(\.reclaimed), skipped: sum(\.skipped), failed: sum(\.failed), warned: sum(\.warned))
    }

    private func json(_ value: some Encodable) throws -> String { String(decoding: try encoder.encode(value), as: UTF8.self) }

    /// An object's members without its braces, to write inline.
    private func fields(_ value: some Encodable) throws -> String { String(try json(value).dropFirst().dropLast()) }

    private func write(_ text: String) { Swift.print(text, terminator: "") }
}

enum TimeZoneOption {
    static func resolve(_ name: String?) throws -> TimeZone {
        guard let name else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw ValidationError("unknown time zone \(name)") }
        return zone
    }
}
