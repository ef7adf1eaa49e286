/// What the server calls for each complete request, on a libmicrohttpd worker thread.
///
/// Synchronous on purpose: SQLite work is synchronous, and answering on the worker thread avoids
/// a thread hop per request (measured in ../shared/docs/stack-notes.md).
public protocol HTTPHandler: Sendable {
    func handle(_ request: HTTPRequest) -> HTTPResponse
}

/// A handler from a closure, for tests and small routes.
public struct ClosureHandler: HTTPHandler {
    let body: @Sendable (HTTPRequest) -> HTTPResponse

    public init(_ body: @escaping @Sendable (HTTPRequest) -> HTTPResponse) { self.body = body }

    public func handle(_ request: HTTPRequest) -> HTTPResponse { body(request) }
}
