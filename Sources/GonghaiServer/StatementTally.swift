import Foundation
import HTTPServer

/// How many SQL statements the server has run, for `bench/run` (`/bench/statements`, with
/// `serve --count-statements` only): it reads the tally around requests sent one at a time and
/// reports statements per request for each workload, on both backends. Statements that read
/// or write data are told apart from transaction control (`BEGIN`, `COMMIT`, savepoints,
/// `SET`), which PostgreSQL sends in the same round trip as other work or on its own.
public final class StatementTally: @unchecked Sendable {
    private let lock = NSLock()
    /// Guarded by `lock`.
    private var data = 0
    private var control = 0

    public init() {}

    public func record(_ statement: String) {
        let head = statement.prefix(9).uppercased()
        let isControl = ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE", "SET ", "END"].contains { head.hasPrefix($0) }
        lock.withLock {
            if isControl { control += 1 } else { data += 1 }
        }
    }

    func response() -> HTTPResponse {
        let (data, control) = lock.withLock { (self.data, self.control) }
        let body = "{\"statements\":\(data),\"transactionControl\":\(control)}\n"
        return HTTPResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(body.utf8))
    }
}
