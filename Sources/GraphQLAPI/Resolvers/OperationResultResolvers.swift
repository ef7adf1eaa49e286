import PoolDomain

/// The outcome of one id of a batch mutation.
struct OperationResult: Sendable {
    let customerID: String
    let customer: CustomerNode?
    let error: APIError?
}

struct OperationPayload: Sendable {
    let results: [OperationResult]
}

enum OperationResultResolvers {
    static let payload: [String: FieldResolver] = [
        "results": field(OperationPayload.self) { $0.results },
        "succeeded": field(OperationPayload.self) { $0.results.filter { $0.error == nil }.count },
    ]

    static let result: [String: FieldResolver] = [
        "customerId": field(OperationResult.self) { $0.customerID },
        "ok": field(OperationResult.self) { $0.error == nil },
        "customer": field(OperationResult.self) { $0.customer },
        "error": field(OperationResult.self) { $0.error },
    ]

    static let error: [String: FieldResolver] = [
        "code": field(APIError.self) { $0.code.rawValue },
        "message": field(APIError.self) { $0.message },
    ]
}
