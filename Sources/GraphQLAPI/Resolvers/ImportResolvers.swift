import Foundation
import PoolDomain
import PoolServices
import PoolStore

/// `importCustomers`: rows translated into `CustomerImport.Row`s, outcomes into per-row
/// results; `CustomerImport` decides who may and what each row becomes.
enum ImportResolvers {
    static let mutation: [String: FieldResolver] = [
        "importCustomers": { _, args, context in
            guard case .array(let items) = args.raw("rows") else { return Payload(dryRun: false, results: []) }
            // Checked before any row is read, so an oversized call costs nothing.
            guard items.count <= CustomerImport.maxRows else {
                throw APIError(
                    .pageSizeExceeded, "rows: at most \(CustomerImport.maxRows) per call.",
                    extensions: ["limit": .number(.init(CustomerImport.maxRows))])
            }
            let dryRun = args.bool("dryRun") ?? false
            var rows: [CustomerImport.Row] = []
            var unreadable: [Int: APIError] = [:]
            for (index, item) in items.enumerated() {
                let input = Arguments(item)
                do {
                    rows.append(CustomerImport.Row(
                        draft: try CustomerInput.draft(from: input, base: nil), ownerName: input.string("ownerName"),
                        pool: try input.id("poolId", .pool).map(PoolID.init)))
                } catch {
                    unreadable[index] = APIError.from(error, requestID: context.requestID, log: context.log)
                    rows.append(CustomerImport.Row(draft: CustomerDraft(name: "")))  // a placeholder, refused as invalid
                }
            }
            let outcomes = try context.services.imports.importRows(rows, dryRun: dryRun, by: context.actor)
            let created = outcomes.compactMap { if case .created(let customer, _) = $0 { customer } else { nil } }
            let nodes = dryRun ? [:] : Dictionary(
                CustomerBatch(created, context: context).nodes().map { ($0.customer.id, $0) }, uniquingKeysWith: { _, last in last })
            return Payload(
                dryRun: dryRun,
                results: outcomes.enumerated().map { index, outcome in
                    if let error = unreadable[index] { return Result(row: index, customer: nil, node: nil, routedBy: nil, error: error) }
                    switch outcome {
                    case .created(let customer, let routedBy):
                        return Result(row: index, customer: customer, node: nodes[customer.id], routedBy: routedBy, error: nil)
                    case .refused(let error):
                        return Result(
                            row: index, customer: nil, node: nil, routedBy: nil,
                            error: APIError.from(error, requestID: context.requestID, log: context.log))
                    }
                })
        }
    ]

    struct Payload: Sendable {
        let dryRun: Bool
        let results: [Result]
    }

    struct Result: Sendable {
        let row: Int
        /// As created, or as it would have been in a dry run.
        let customer: Customer?
        /// The stored customer for nested fields; nil in a dry run.
        let node: CustomerNode?
        let routedBy: RoutingReason?
        let error: APIError?
    }

    static let payload: [String: FieldResolver] = [
        "dryRun": field(Payload.self) { $0.dryRun },
        "imported": field(Payload.self) { $0.results.filter { $0.error == nil }.count },
        "refused": field(Payload.self) { $0.results.filter { $0.error != nil }.count },
        "results": field(Payload.self) { $0.results },
    ]

    static let result: [String: FieldResolver] = [
        "row": field(Result.self) { $0.row },
        "ok": field(Result.self) { $0.error == nil },
        "customer": field(Result.self) { $0.node },
        "pool": on(Result.self) { result, _, context in
            try result.customer?.poolID.flatMap { id in try context.pools().first { $0.id == id } }
        },
        "owner": on(Result.self) { result, _, context in try result.customer?.ownerID.flatMap { try context.user($0) } },
        "routedBy": field(Result.self) { optionalEnumName($0.routedBy) },
        "error": field(Result.self) { $0.error },
    ]
}
