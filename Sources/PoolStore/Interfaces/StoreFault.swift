/// A failure of the database itself rather than a refusal: the API answers it with its own
/// code (`UNAVAILABLE`, `QUERY_TIMEOUT`) instead of `INTERNAL`, so a client knows to retry.
public enum StoreFault: Sendable {
    /// The database cannot be reached now (a restart, a dropped connection).
    case unavailable
    /// A statement ran past its time limit and was cancelled.
    case timedOut
}

/// Errors of a backend that can say whether they are a `StoreFault`.
public protocol StoreFaultReporting: Error {
    var storeFault: StoreFault? { get }
}
