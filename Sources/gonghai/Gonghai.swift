import ArgumentParser
import Foundation
import PoolDomain
import PoolStore

@main
struct Gonghai: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gonghai",
        abstract: "gonghai (公海): the customer public-pool server of a CRM.",
        discussion: """
            Keeps customers, reps and pools in one SQLite file and serves them over GraphQL.
            Every command takes --database; commands may run while `serve` uses the same file.
            """,
        subcommands: [Serve.self, Migrate.self, Users.self, Sweep.self, Config.self, Backup.self])
}

/// The options every command shares.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file (created if missing).")
    var database: String = "gonghai.sqlite"

    /// The store, migrated to this version's schema.
    func open(timeZone: TimeZone = .current) throws -> SQLitePoolDatabase {
        try SQLitePoolDatabase(path: database, timeZone: timeZone)
    }
}

/// Runs `body`, turning the application layer's refusal of an input into the command line's own
/// error (printed as a usage problem, exit code 64).
func validating<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch PoolError.invalidInput(let field, let message) { throw ValidationError("\(field): \(message)") }
}
