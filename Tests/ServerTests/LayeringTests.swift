import Foundation
import Testing

import TestSupport

/// Who may do what is decided in `PoolDomain` (`AccessPolicy`) and the application layer
/// (`PoolServices`); the adapters (GraphQL, console, command line, server wiring) ask them and
/// never decide themselves. These tests read the adapters' sources.
@Suite struct LayeringTests {
    static let adapters = ["GraphQLAPI", "AdminConsole", "gonghai", "GonghaiServer"]

    /// Role comparisons: `x.role == .admin`, `!= .rep`, `isManagerial`, an `isAdmin` flag.
    static var roleComparison: Regex<(Substring, Substring?)> { #/\.role\s*[!=]=|[!=]=\s*\.(admin|manager|rep)(?![A-Za-z0-9_])|\.isAdmin(?![A-Za-z0-9_(])|isManagerial/# }
    /// Deciding in place of the application layer: asking `AccessPolicy` directly, working out
    /// visibility from a scope, pool adminship or a collaborator list, or masking by hand.
    static var policyDecision: Regex<Substring> {
        #/AccessPolicy\.|scope\.contains\(|\.administers\(|collaborators\(of:.*userID|Masking\.apply|maskPhone|maskEmail/#
    }
    /// The application layer is the only caller of the store's writes.
    static var storeWrite: Regex<(Substring, Substring)> {
        #/database\.(claim|release|assign|transfer|setLocked|setCollaborator|revealContact|createCustomer|updateCustomer|addFollowUp|markNotificationsRead|setPassword|issueToken|createUser|createDepartment|updateUser|setActive|setOnLeave|revokeToken|recordAudit|registerWebhook|setWebhookActive|retryDelivery|createPool|updatePool|setRules|setOwnerLimit|sweep|signIn|createSession|session|endSession)\(/#
    }
    /// Sweeps run only through `SweepService`, which refuses future days and audits every run.
    static var directSweep: Regex<Substring> { #/\.sweep\(asOf:|sweepMissedDays|missedDays\(/# }

    @Test func noAdapterComparesRoles() throws {
        #expect(try Self.lines(matching: Self.roleComparison) == [])
    }

    @Test func noAdapterDecidesWhoMaySeeOrDoWhat() throws {
        #expect(try Self.lines(matching: Self.policyDecision) == [])
    }

    @Test func noAdapterWritesAroundTheApplicationLayer() throws {
        #expect(try Self.lines(matching: Self.storeWrite) == [])
        #expect("_ = try context.database.claim(id, by: context.actor)".contains(Self.storeWrite))
        #expect(!"try context.services.operations.claim(id, by: context.actor)".contains(Self.storeWrite))
    }

    @Test func noAdapterRunsTheSweepAroundItsService() throws {
        #expect(try Self.lines(matching: Self.directSweep) == [])
    }

    @Test func theChecksRecogniseWhatTheyForbid() {
        for line in ["guard actor.role == .admin else {", "if user.role != .rep {", "request.isAdmin", "role.isManagerial"] {
            #expect(line.contains(Self.roleComparison), "\(line)")
        }
        #expect(!"\"role\": .string { enumName($0.role) },".contains(Self.roleComparison))
        #expect("try database.sweep(asOf: day, dryRun: false, trigger: \"api\")".contains(Self.directSweep))
        for line in [
            "try AccessPolicy.require(.managePools, by: context.actor)", "if viewer.scope.contains(customer.placement) {",
            "guard try viewer.administers(pool.id) else {", "Masking.apply(customer, hiding: fields)",
            "try database.collaborators(of: [id])[id]?.contains { $0.0 == actor.userID }",
        ] {
            #expect(line.contains(Self.policyDecision), "\(line)")
        }
        #expect(!"collaboratorLists = try context.database.collaborators(of: customers.map(\\.id))".contains(Self.policyDecision))
    }

    /// `file:line` of every line of the adapters' sources (comments aside) that matches.
    static func lines(matching pattern: some RegexComponent) throws -> [String] {
        let sources = TestServer.repositoryURL.appendingPathComponent("Sources")
        var found: [String] = []
        for adapter in adapters {
            let folder = sources.appendingPathComponent(adapter)
            guard let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil) else {
                Issue.record("no sources at \(folder.path)")
                continue
            }
            for case let file as URL in files where file.pathExtension == "swift" {
                let text = try String(contentsOf: file, encoding: .utf8)
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where !line.trimmingCharacters(in: .whitespaces).hasPrefix("//") && line.contains(pattern) {
                    found.append("\(adapter)/\(file.lastPathComponent):\(number + 1)")
                }
            }
        }
        return found
    }
}
