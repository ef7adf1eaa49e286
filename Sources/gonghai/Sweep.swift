import ArgumentParser
import Foundation
import PoolDomain
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
        let day: Day
        if let asOf {
            guard let parsed = Day(asOf) else { throw ValidationError("--as-of takes YYYY-MM-DD") }
            day = parsed
        } else {
            day = database.calendar.day(of: Date())
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        var reports: [SweepReport] = []
        if dryRun {
            reports = [try database.sweep(asOf: day, dryRun: true, trigger: "cli", batchSize: batchSize)]
        } else {
            reports = try database.sweepMissedDays(through: day, trigger: "cli", batchSize: batchSize)
            if reports.last?.asOf != day.description {
                reports.append(try database.sweep(asOf: day, dryRun: false, trigger: "cli", batchSize: batchSize))
            }
        }
        let final = reports.last!
        if json {
            try printJSON(final, database)
        } else {
            for report in reports {
                print(
                    "\(report.dryRun ? "dry run" : "run \(report.runId ?? 0)") as of \(report.asOf): evaluated \(report.evaluated), reclaimed \(report.reclaimed), skipped \(report.skipped), failed \(report.failed), warned \(report.warned)"
                )
            }
            try forEachItem(of: final, outcome: "reclaimed", database) { item in
                print("  \(item.customerName) (cus_\(item.customerId)) from \(item.previousOwner ?? "?") → \(item.pool ?? "?"): \(item.reason)")
            }
        }
    }

    /// A recorded run's items are read back from the database page by page (a sweep of 1M
    /// customers reclaims 100k); a dry run's are in its report.
    private func forEachItem(
        of report: SweepReport, outcome: String, _ database: SQLitePoolDatabase, _ body: (SweepReport.Item) throws -> Void
    ) throws {
        guard let run = report.runId, !report.dryRun else {
            return try (outcome == "reclaimed" ? report.reclaimedCustomers : report.skippedCustomers).forEach(body)
        }
        try database.forEachSweepItem(run, outcome: outcome, body)
    }

    /// The report as one JSON object (sorted keys), its item lists streamed as they are read.
    private func printJSON(_ report: SweepReport, _ database: SQLitePoolDatabase) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var header = report
        header.reclaimedCustomers = []
        header.skippedCustomers = []
        var rest = String(decoding: try encoder.encode(header), as: UTF8.self)[...]
        for (key, outcome) in [("reclaimedCustomers", "reclaimed"), ("skippedCustomers", "skipped")] {
            let marker = "\"\(key)\":[]"
            guard let range = rest.range(of: marker) else { continue }
            print(rest[..<range.lowerBound], terminator: "")
            print("\"\(key)\":[", terminator: "")
            var first = true
            try forEachItem(of: report, outcome: outcome, database) { item in
                print((first ? "" : ",") + String(decoding: try encoder.encode(item), as: UTF8.self), terminator: "")
                first = false
            }
            print("]", terminator: "")
            rest = rest[range.upperBound...]
        }
        print(rest)
    }
}

enum TimeZoneOption {
    static func resolve(_ name: String?) throws -> TimeZone {
        guard let name else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw ValidationError("unknown time zone \(name)") }
        return zone
    }
}
