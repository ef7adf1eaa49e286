import GraphQL
import GraphQLAdmission
import PoolDomain
import PoolStore

extension APIError {
    /// Maps any error to what a client may see. Domain refusals keep their meaning; anything
    /// unexpected becomes INTERNAL with a request id, and its text stays in the log.
    static func from(_ error: any Error, requestID: String, log: (String) -> Void) -> APIError {
        if let error = error as? APIError { return error }
        if let error = error as? PoolError { return from(error) }
        if let fault = (error as? any StoreFaultReporting)?.storeFault {
            log("request \(requestID): database fault: \(String(reflecting: error))")
            switch fault {
            case .unavailable:
                return APIError(.unavailable, "The database cannot be reached; try again shortly.", extensions: ["requestId": .string(requestID)])
            case .timedOut:
                return APIError(.queryTimeout, "The request ran past its time limit.", extensions: ["requestId": .string(requestID)])
            }
        }
        log("request \(requestID): unexpected error: \(String(reflecting: error))")
        return APIError(
            .internalError, "Internal server error.", extensions: ["requestId": .string(requestID)])
    }

    static func from(_ error: PoolError) -> APIError {
        switch error {
        case .notFound(let entity):
            return APIError(.notFound, "\(entity) not found.")
        case .forbidden(let why):
            return APIError(.forbidden, "Forbidden: \(why).")
        case .alreadyOwned(let owner):
            var extensions: [String: Map] = [:]
            if let owner { extensions["owner"] = .string(owner) }
            let who = owner.map { " by \($0)" } ?? ""
            return APIError(.alreadyOwned, "The customer is already owned\(who).", extensions: extensions)
        case .notOwner:
            return APIError(.notOwner, "The customer is in a pool, not owned by you.")
        case .locked:
            return APIError(.customerLocked, "The customer is locked; unlock it first.")
        case .duplicate(let match):
            return duplicate(match)
        case .limit(let refusal):
            return limit(refusal)
        case .invalidInput(let field, let message):
            return APIError(.badUserInput, "\(field): \(message).", extensions: ["field": .string(field)])
        case .rateLimited(let why):
            return APIError(.rateLimited, "\(why).")
        case .busy:
            return APIError(.busy, "The server is running as many reports, previews, exports and imports as it runs at once; try again shortly.")
        }
    }

    private static func limit(_ refusal: LimitRefusal) -> APIError {
        var extensions: [String: Map] = ["limit": .number(.init(refusal.limit))]
        if let current = refusal.current { extensions["current"] = .number(.init(current)) }
        if let frees = refusal.freesAt { extensions["freesAt"] = .string(DateTimeFormat.format(frees)) }
        let until = refusal.freesAt.map { " until \(DateTimeFormat.format($0))" } ?? ""
        switch refusal.kind {
        case .ownedLimit:
            return APIError(
                .ownedLimitReached, "You hold \(refusal.current ?? refusal.limit) private customers; the limit is \(refusal.limit). Release or close one first.",
                extensions: extensions)
        case .lockedLimit:
            return APIError(.lockedLimitReached, "At most \(refusal.limit) locked customers; unlock one first.", extensions: extensions)
        case .dailyClaimLimit:
            return APIError(.dailyClaimLimitReached, "At most \(refusal.limit) claims a day from this pool\(until).", extensions: extensions)
        case .cooldown:
            return APIError(.claimCooldown, "You released or lost this customer recently; it can be re-claimed after a \(refusal.limit)-day cooldown\(until).", extensions: extensions)
        case .embargo:
            return APIError(.claimEmbargo, "The customer entered the pool recently; it can be claimed after \(refusal.limit) hours\(until).", extensions: extensions)
        }
    }

    private static func duplicate(_ match: DuplicateMatch) -> APIError {
        var info: [String: Map] = ["field": .string(match.field.rawValue.uppercased())]
        info["customerId"] = match.customerID.map { .string(GlobalID.encode($0)) } ?? .null
        info["owner"] = match.ownerName.map(Map.string) ?? .null
        info["pool"] = match.poolName.map(Map.string) ?? .null
        let place =
            match.ownerName.map { "owned by \($0)" } ?? match.poolName.map { "in pool \($0)" }
            ?? "on record"
        return APIError(
            .duplicateCustomer, "A customer with the same \(match.field.rawValue) exists, \(place).",
            extensions: ["duplicate": .dictionary(OrderedDictionaryBridge.make(info, order: ["field", "customerId", "owner", "pool"]))])
    }
}
