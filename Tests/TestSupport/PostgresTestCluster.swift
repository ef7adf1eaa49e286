import Foundation
import PostgresStore

/// The PostgreSQL server the tests use: `GONGHAI_TEST_POSTGRES` when set (a URL without a
/// database name, whose user may create databases; `.ci/run` starts a cluster and sets it), or
/// else one started for this test process in a temporary directory and stopped when it exits.
/// Each test gets a database of its own.
public final class PostgresTestCluster: Sendable {
    public static let shared = Result { try PostgresTestCluster() }

    public let baseURL: String

    private init() throws {
        if let url = ProcessInfo.processInfo.environment["GONGHAI_TEST_POSTGRES"], !url.isEmpty {
            baseURL = url.hasSuffix("/") ? String(url.dropLast()) : url
        } else {
            baseURL = try TemporaryCluster.start()
        }
    }

    /// A new database with this version's schema; its URL.
    public func migratedDatabase() throws -> String {
        let url = try freshDatabase()
        try PostgresMigrator.migrate(try PostgresConnection(url))
        return url
    }

    /// Drops the database at `url` (made by `freshDatabase`), ending its sessions: thousands of
    /// test databases would otherwise fill the disk.
    public func drop(_ url: String) {
        guard let name = url.split(separator: "/").last, name.hasPrefix("gonghai_test_") else { return }
        try? PostgresConnection("\(baseURL)/postgres").run("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
    }

    /// A new, empty database; its URL.
    public func freshDatabase() throws -> String {
        let name = "gonghai_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        let admin = try PostgresConnection("\(baseURL)/postgres")
        try admin.run("CREATE DATABASE \(name)")
        return "\(baseURL)/\(name)"
    }
}

/// `initdb` and `pg_ctl` from `pg_config --bindir`, run as the `postgres` user when this
/// process is root (the server refuses to run as root).
private enum TemporaryCluster {
    nonisolated(unsafe) static var directory: String?

    static func start() throws -> String {
        let bin = try output("pg_config", ["--bindir"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("gonghai-pg-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        chmod(dir, 0o777)
        let port = 20_000 + Int(getpid() % 20_000)
        try asServerUser("\(bin)/initdb", ["-D", "\(dir)/data", "-A", "trust", "-U", "postgres", "--no-sync"])
        try asServerUser(
            "\(bin)/pg_ctl",
            ["-D", "\(dir)/data", "-o", "-p \(port) -k \(dir) -c listen_addresses=127.0.0.1 -c fsync=off", "-l", "\(dir)/log", "-w", "start"])
        directory = dir
        atexit {
            guard let dir = TemporaryCluster.directory,
                let bin = try? TemporaryCluster.output("pg_config", ["--bindir"]).trimmingCharacters(in: .whitespacesAndNewlines)
            else { return }
            try? TemporaryCluster.asServerUser("\(bin)/pg_ctl", ["-D", "\(dir)/data", "-m", "immediate", "stop"])
            try? FileManager.default.removeItem(atPath: dir)
        }
        return "postgresql://postgres@127.0.0.1:\(port)"
    }

    /// Runs through `posix_spawn` and `waitpid`: Foundation's `Process` waits for the pipes it
    /// made to close, and the server `pg_ctl` starts inherits and keeps them.
    static func asServerUser(_ tool: String, _ arguments: [String]) throws {
        let command = getuid() == 0 ? ["runuser", "-u", "postgres", "--", tool] + arguments : [tool] + arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        let arguments = command.map { strdup($0) } + [nil]
        defer { arguments.forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawnp(&pid, command[0], &actions, nil, arguments, environ) == 0 else {
            throw PostgresError(sqlState: nil, message: "cannot run \(command[0])")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        guard status == 0 else {
            throw PostgresError(sqlState: nil, message: "\(command.joined(separator: " ")) failed (\(status))")
        }
    }

    static func output(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PostgresError(sqlState: nil, message: "\(tool) \(arguments.joined(separator: " ")) failed (\(process.terminationStatus))")
        }
        return String(decoding: data, as: UTF8.self)
    }
}
