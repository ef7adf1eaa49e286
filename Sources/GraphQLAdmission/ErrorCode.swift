/// The one list of `extensions.code` values. `schema.graphql` declares the same list as the
/// `ErrorCode` enum (with descriptions) and a test keeps the two equal.
public enum ErrorCode: String, CaseIterable, Sendable {
    case badRequest = "BAD_REQUEST"
    case payloadTooLarge = "PAYLOAD_TOO_LARGE"
    case unsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE"
    case methodNotAllowed = "METHOD_NOT_ALLOWED"
    case unauthenticated = "UNAUTHENTICATED"
    case rateLimited = "RATE_LIMITED"
    case parseFailed = "GRAPHQL_PARSE_FAILED"
    case validationFailed = "GRAPHQL_VALIDATION_FAILED"
    case operationNotFound = "OPERATION_NOT_FOUND"
    case persistedQueryNotFound = "PERSISTED_QUERY_NOT_FOUND"
    case operationNotTrusted = "OPERATION_NOT_TRUSTED"
    case queryTooDeep = "QUERY_TOO_DEEP"
    case queryTooComplex = "QUERY_TOO_COMPLEX"
    case badUserInput = "BAD_USER_INPUT"
    case pageSizeExceeded = "PAGE_SIZE_EXCEEDED"
    case invalidID = "INVALID_ID"
    case notFound = "NOT_FOUND"
    case forbidden = "FORBIDDEN"
    case alreadyOwned = "ALREADY_OWNED"
    case notOwner = "NOT_OWNER"
    case customerLocked = "CUSTOMER_LOCKED"
    case duplicateCustomer = "DUPLICATE_CUSTOMER"
    case ownedLimitReached = "OWNED_LIMIT_REACHED"
    case lockedLimitReached = "LOCKED_LIMIT_REACHED"
    case dailyClaimLimitReached = "DAILY_CLAIM_LIMIT_REACHED"
    case claimCooldown = "CLAIM_COOLDOWN"
    case claimEmbargo = "CLAIM_EMBARGO"
    case tooManySubscriptions = "TOO_MANY_SUBSCRIPTIONS"
    case unavailable = "UNAVAILABLE"
    case queryTimeout = "QUERY_TIMEOUT"
    case busy = "BUSY"
    case internalError = "INTERNAL"

    /// The HTTP status of a request-level error under `application/graphql-response+json`.
    public var httpStatus: Int {
        switch self {
        case .payloadTooLarge: return 413
        case .unsupportedMediaType: return 415
        case .methodNotAllowed: return 405
        case .unauthenticated: return 401
        case .rateLimited, .tooManySubscriptions: return 429
        case .internalError: return 500
        case .unavailable, .queryTimeout, .busy: return 503
        default: return 400
        }
    }
}
