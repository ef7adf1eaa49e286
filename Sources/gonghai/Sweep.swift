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
        let database = try options.open(timeZone: try TimeZoneOption.resolve(timeZone))
        defer { try? database.close() }
        let day = try asOf.map { text in
            guard let day = Day(text) else { throw ValidationError("--as-of takes YYYY-MM-DD") }
            return day
        }
        guard (1...10_000).contains(batchSize) else { throw ValidationError("--batch-size must be 1 to 10000") }
        let sweeps = SweepService(store: database, clock: SystemTimeSource())
        let runs = try validating { try sweeps.run(asOf: day, dryRun: dryRun, trigger: .cli, by: nil, batchSize: batchSize) }
        if json { return try SweepRunsJSON(sweeps: sweeps, by: nil) { print($0, terminator: "") }.write(runs) }
        for report in runs {
            print(
                "\(report.dryRun ? "dry run" : "run \(report.runId ?? 0)") as of \(report.asOf): evaluated \(report.evaluated), reclaimed \(report.reclaimed), skipped \(report.skipped), failed \(report.failed), warned \(report.warned)"
            )
            try sweeps.forEachItem(of: report, outcome: .reclaimed, by: nil) { print("  " + SweepRunsJSON.line($0)) }
        }
    }
}

enum TimeZoneOption {
    static func resolve(_ name: String?) throws -> TimeZone {
        guard let name else { return .current }
        guard let zone = TimeZone(identifier: name) else { throw ValidationError("unknown time zone \(name)") }
        return zone
    }
}
