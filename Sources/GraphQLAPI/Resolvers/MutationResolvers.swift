import Foundation
import PoolDomain
import PoolServices

enum MutationResolvers {
    static let fields: [String: FieldResolver] = [
        "createCustomer": { _, args, context in
            let input = args.object("input") ?? .none
            let draft = try CustomerInput.draft(from: input, base: nil)
            let pool = try input.id("poolId", .pool).map(PoolID.init)
            return single(try context.services.operations.create(draft, intoPool: pool, by: context.actor), context)
        },
        "updateCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            let updated = try context.services.operations.update(id, by: context.actor) { current in
                try CustomerInput.draft(from: args.object("input") ?? .none, base: current)
            }
            return single(updated, context)
        },
        "claimCustomers": { _, args, context in
            try batch(args, context) { id in try context.services.operations.claim(id, by: context.actor) }
        },
        "assignCustomers": { _, args, context in
            let rep = UserID(try args.requireID("toUserId", .user))
            let reason = args.string("reason")
            return try batch(args, context) { id in
                try context.services.operations.assign(id, to: rep, reason: reason, by: context.actor)
            }
        },
        "releaseCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            let pool = try args.id("poolId", .pool).map(PoolID.init)
            let reason = try args.requireString("reason")
            return single(try context.services.operations.release(id, reason: reason, into: pool, by: context.actor), context)
        },
        "transferCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            let rep = UserID(try args.requireID("toUserId", .user))
            return single(
                try context.services.operations.transfer(id, to: rep, reason: args.string("reason"), by: context.actor), context)
        },
        "lockCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            return single(try context.services.operations.setLocked(id, true, by: context.actor), context)
        },
        "unlockCustomer": { _, args, context in
            let id = CustomerID(try args.requireID("id", .customer))
            return single(try context.services.operations.setLocked(id, false, by: context.actor), context)
        },
        "addFollowUp": { _, args, context in
            let id = CustomerID(try args.requireID("customerId", .customer))
            let kind = args.enumValue("kind", FollowUpKind.self) ?? .note
            let followUp = try context.services.operations.addFollowUp(
                to: id, kind: kind, text: try args.requireString("text"), at: try args.date("at"),
                by: context.actor)
            return FollowUpNode.nodes([followUp], context: context)[0]
        },
    ]

    static func single(_ customer: Customer, _ context: RequestContext) -> CustomerNode {
        CustomerNode(customer: customer, batch: CustomerBatch([customer], context: context))
    }

    /// Runs `operation` for each id in its own transaction and reports one result per id; the
    /// customers that succeeded share one batch for their nested fields.
    private static func batch(
        _ args: Arguments, _ context: RequestContext, _ operation: (CustomerID) throws -> Customer
    ) throws -> OperationPayload {
        let raw = args.strings("ids") ?? []
        guard raw.count <= context.limits.maxBatchIDs else {
            throw APIError(
                .pageSizeExceeded, "ids: at most \(context.limits.maxBatchIDs) per call.",
                extensions: ["limit": .number(.init(context.limits.maxBatchIDs))])
        }
        var outcomes: [(String, Result<Customer, APIError>)] = []
        for text in raw {
            do {
                let id = CustomerID(try GlobalID.decode(text, as: .customer, field: "ids"))
                outcomes.append((text, .success(try operation(id))))
            } catch {
                outcomes.append((text, .failure(APIError.from(error, requestID: context.requestID, log: context.log))))
            }
        }
        let succeeded = outcomes.compactMap { try? $0.1.get() }
        let nodes = Dictionary(
            CustomerBatch(succeeded, context: context).nodes().map { ($0.customer.id, $0) },
            uniquingKeysWith: { _, last in last })
        return OperationPayload(
            results: outcomes.map { text, outcome in
                switch outcome {
                case .success(let customer):
                    return OperationResult(customerID: text, customer: nodes[customer.id], error: nil)
                case .failure(let error):
                    return OperationResult(customerID: text, customer: nil, error: error)
                }
            })
    }
}

/// `CreateCustomerInput` / `UpdateCustomerInput` as a draft: omitted fields keep the base's
/// value, null clears them.
enum CustomerInput {
    static func draft(from input: Arguments, base: Customer?) throws -> CustomerDraft {
        var draft = base.map(CustomerDraft.init) ?? CustomerDraft(name: "")
        if input.has("name") {
            guard let name = input.string("name") else {
                throw APIError(.badUserInput, "name: cannot be cleared.", extensions: ["field": .string("name")])
            }
            draft.name = name
        }
        let optionals: [(String, WritableKeyPath<CustomerDraft, String?>)] = [
            ("phone", \.phone), ("email", \.email), ("industry", \.industry), ("region", \.region),
            ("level", \.level), ("source", \.source),
        ]
        for (name, path) in optionals where input.has(name) { draft[keyPath: path] = input.string(name) }
        if let status = input.enumValue("status", CustomerStatus.self) { draft.status = status }
        if input.has("dealAmount") {
            draft.dealAmountCents = try input.double("dealAmount").map(cents)
        }
        return draft
    }

    private static func cents(_ amount: Double) throws -> Int64 {
        guard amount.isFinite, amount >= 0, amount < 1e13 else {
            throw APIError(
                .badUserInput, "dealAmount: must be between 0 and 10,000,000,000,000.",
                extensions: ["field": .string("dealAmount")])
        }
        return Int64((amount * 100).rounded())
    }
}
