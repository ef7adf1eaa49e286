import Foundation
import PoolDomain
import PoolServices
import PoolStore

/// Sweep runs as one JSON object in GraphQL's vocabulary (typed ids such as `cus_42`, enum names
/// such as `CLAIMED_NO_FOLLOW_UP`, `COMPLETED`), with totals over the runs: what
/// `gonghai sweep --json` prints. It lives beside the resolvers because it speaks their
/// vocabulary. Item lists are written as they are read: a sweep of 1M customers reclaims 100k.
public struct SweepRunsJSON {
    let sweeps: SweepService
    let actor: Actor?
    let write: (String) -> Void
    private let encoder = JSONEncoder()

    public init(sweeps: SweepService, by actor: Actor?, write: @escaping (String) -> Void) {
        self.sweeps = sweeps
        self.actor = actor
        self.write = write
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    private struct Named: Encodable { let id: String; let name: String? }
    private struct Item: Encodable {
        let customerId: String, customerName: String, previousOwner: Named?, rule: String?, pool: Named?, reason: String
    }
    private struct Counts: Encodable { let evaluated, reclaimed, skipped, failed, warned: Int }

    public func write(_ runs: [SweepReport]) throws {
        write("{\"runs\":[")
        for (index, run) in runs.enumerated() {
            write((index == 0 ? "" : ",") + "{\"id\":\(try json(run.runId.map { "run_\($0)" })),\"asOf\":\(try json(run.asOf))")
            write(",\"dryRun\":\(run.dryRun),\"status\":\(try json(run.status.uppercased())),\(try fields(Self.counts([run])))")
            for (key, outcome) in [("reclaimedCustomers", SweepItemOutcome.reclaimed), ("skippedCustomers", .skipped)] {
                write(",\"\(key)\":[")
                var first = true
                try sweeps.forEachItem(of: run, outcome: outcome, by: actor) { item in
                    write((first ? "" : ",") + (try json(Self.item(item))))
                    first = false
                }
                write("]")
            }
            write("}")
        }
        write("],\"totals\":{\"runs\":\(runs.count),\(try fields(Self.counts(runs)))}}\n")
    }

    /// One reclaimed customer as a line of text, with its typed id.
    public static func line(_ item: SweepReport.Item) -> String {
        "\(item.customerName) (\(GlobalID.encode(CustomerID(item.customerId)))) from \(item.previousOwner ?? "?") → \(item.pool ?? "?"): \(item.reason)"
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
}
