import ArgumentParser
import Foundation
import GonghaiServer
import PoolDomain
import PoolStore
import PostgresStore

@main
struct Gonghai: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gonghai",
        abstract: "gonghai (公海): the customer public-pool server of a CRM.",
        discussion: """
            Keeps customers, reps and pools in one SQLite file (the embedded default) or in
            PostgreSQL (several instances on one database) and serves them over GraphQL. Every
            command takes --database, a file path or a postgres:// URL; commands may run while
            `serve` uses the same database.
            """,
        subcommands: [Serve.self, Migrate.self, Users.self, Sweep.self, Config.self, Backup.self])
}

/// The options every command shares.
struct DatabaseOption: ParsableArguments {
    @Option(name: .long, help: "The SQLite database file (created if missing), or a postgres:// URL. Also GONGHAI_DATABASE.")
    var database: String = ProcessInfo.processInfo.environment["GONGHAI_DATABASE"] ?? "gonghai.sqlite"

    var address: DatabaseAddress { DatabaseAddress(database) }

    /// The store, migrated to this version's schema.
    func open(timeZone: TimeZone = .current) throws -> any ServingStore {
        try StoreOpener.open(address, timeZone: timeZone, connections: 4)
    }
}

/// Runs `body`, turning the application layer's refusal of an input into the command line's own
/// error (printed as a usage problem, exit code 64).
func validating<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch PoolError.invalidInput(let field, let message) { throw ValidationError("\(field): \(message)") }
}
