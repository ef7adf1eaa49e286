/// What the request log and metrics record of a GraphQL request. Filled by the endpoint,
/// read by the router on the same thread.
public final class RequestSummary: @unchecked Sendable {
    public var userID: Int64?
    public var operationName: String?
    public var errorCodes: [String] = []

    public init() {}
}
