import GraphQL
import OrderedCollections
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

    /// Read from the error's extensions, so a batch client gets exactly what a field error
    /// of the same code carries.
    static let error: [String: FieldResolver] = [
        "code": field(APIError.self) { $0.code.rawValue },
        "message": field(APIError.self) { $0.message },
        "owner": field(APIError.self) { $0.extensions["owner"]?.text },
        "limit": field(APIError.self) { $0.extensions["limit"]?.integer },
        "current": field(APIError.self) { $0.extensions["current"]?.integer },
        "freesAt": field(APIError.self) { $0.extensions["freesAt"]?.text },
        "duplicate": field(APIError.self) { error -> DuplicateRecord? in
            guard case .dictionary(let fields)? = error.extensions["duplicate"] else { return nil }
            return DuplicateRecord(fields: fields)
        },
    ]

    static let duplicate: [String: FieldResolver] = [
        "field": field(DuplicateRecord.self) { $0.fields["field"]?.text },
        "customerId": field(DuplicateRecord.self) { $0.fields["customerId"]?.text },
        "owner": field(DuplicateRecord.self) { $0.fields["owner"]?.text },
        "pool": field(DuplicateRecord.self) { $0.fields["pool"]?.text },
    ]
}

/// `extensions.duplicate` of a DUPLICATE_CUSTOMER error, as the `DuplicateRecord` type.
struct DuplicateRecord: Sendable {
    let fields: OrderedDictionary<String, Map>
}

extension Map {
    /// The string, or nil for null and other kinds.
    var text: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    var integer: Int? {
        if case .number(let value) = self { return value.intValue }
        return nil
    }
}
