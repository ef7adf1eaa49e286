import ArgumentParser
import Foundation
import PoolDomain
import PoolServices
import PoolStore

struct Users: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add users and issue their API tokens.",
        subcommands: [Add.self, Token.self, Password.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user and print their new API token (and nothing else) on stdout.",
            discussion: "--department takes a name or a path (销售部/华东/上海); each missing level is created under the one above it.")

        @OptionGroup var options: DatabaseOption

        @Option(help: "The user's unique name.")
        var name: String

        @Option(help: "admin, manager or rep.")
        var role: String

        @Option(help: "The department: a name, or a path from the top (销售部/华东/上海).")
        var department: String?

        func run() throws {
            guard let role = Role(rawValue: role.lowercased()) else {
                throw ValidationError("--role must be admin, manager or rep")
            }
            let people = try PoolServices(store: options.open(), clock: SystemTimeSource()).people
            try validating {
                let departmentID = try department.map { try people.department(path: $0, creatingBy: nil).id }
                let user = try people.createUser(name: name, role: role, departmentID: departmentID, by: nil)
                print(try people.issueToken(for: user.id, label: "cli", by: nil))
            }
        }
    }

    struct Token: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue another API token for a user and print it (and nothing else) on stdout.")

        @OptionGroup var options: DatabaseOption

        @Option(help: "The user's name.")
        var name: String

        @Option(help: "A label to tell tokens apart, e.g. the partner's name.")
        var label: String = "cli"

        func run() throws {
            let people = try PoolServices(store: options.open(), clock: SystemTimeSource()).people
            try validating { print(try people.issueToken(for: people.user(named: name, by: nil).id, label: label, by: nil)) }
        }
    }

    struct Password: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's console password, read from the first line of standard input.",
            discussion: "Administrators and managers sign in to /admin with their name and this password.")

        @OptionGroup var options: DatabaseOption

        @Option(help: "The user's name.")
        var name: String

        func run() throws {
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("give the password on standard input")
            }
            let people = try PoolServices(store: options.open(), clock: SystemTimeSource()).people
            try validating { try people.setPassword(people.user(named: name, by: nil).id, password, hasher: .standard, by: nil) }
            print("password set for \(name)")
        }
    }
}
