import ArgumentParser

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
}
