import PoolStore

/// A failure reported by PostgreSQL or by libpq, with the SQLSTATE code when the server sent one.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    /// The five-character SQLSTATE (`23505` unique violation…), or nil for a client-side failure.
    public let sqlState: String?
    public let message: String
    /// The constraint a violation names, when the server named one.
    public let constraint: String?

    public var description: String { sqlState.map { "\(message) (SQLSTATE \($0))" } ?? message }

    /// The connection is gone or unusable: the server restarted, the network dropped, or the
    /// server is shutting down. The request fails; the next one gets a new connection.
    public var isConnectionFailure: Bool {
        guard let sqlState else { return true }
        return sqlState.hasPrefix("08") || sqlState == "57P01" || sqlState == "57P02" || sqlState == "57P03"
    }

    /// Another transaction won a race the database refused to serialize; retrying may succeed.
    public var isRetryable: Bool { sqlState == "40001" || sqlState == "40P01" }

    public var isUniqueViolation: Bool { sqlState == "23505" }
    public var isCheckViolation: Bool { sqlState == "23514" }
    /// The statement ran past `statement_timeout` or was cancelled.
    public var isCancelled: Bool { sqlState == "57014" }

    public init(sqlState: String?, message: String, constraint: String? = nil) {
        self.sqlState = sqlState
        self.message = message
        self.constraint = constraint
    }
}

extension PostgresError: StoreFaultReporting {
    public var storeFault: StoreFault? {
        if isConnectionFailure { return .unavailable }
        if isCancelled { return .timedOut }
        return nil
    }
}
