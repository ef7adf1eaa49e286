import ArgumentParser
import Foundation
import PoolStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the database to a new file while the server runs (SQLite online backup).",
        discussion: "Restore by stopping the server and copying the backup over the database file (remove its -wal and -shm files).")

    @OptionGroup var options: DatabaseOption

    @Option(help: "The backup file to create; it must not exist.")
    var to: String

    func run() throws {
        guard case .sqlite(let path) = options.address else {
            throw ValidationError(
                "on PostgreSQL, backups are pg_dump's job: pg_dump --format=custom --file=gonghai.dump \"$URL\" (restore with pg_restore); see the runbook in README.md")
        }
        try SQLitePoolDatabase(path: path).backup(to: to)
        print("backed up \(options.database) to \(to)")
    }
}
