import Foundation

/// Connections to one database, checked out by one thread at a time.
///
/// A request's thread checks a connection out for the length of one store operation (one
/// statement, one transaction, or a query's whole read snapshot) and hands it back. Idle
/// connections are kept up to `limit`; past it a thread waits for one. A connection that broke
/// (the server restarted, the network dropped) is closed instead of returned, so the next
/// operation connects again: an instance recovers from a database restart without restarting.
public final class PostgresConnectionPool: @unchecked Sendable {
    public let conninfo: String
    private let limit: Int
    private let setup: [String]
    private let observer: (@Sendable (String) -> Void)?
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0
    private var closed = false

    /// - Parameters:
    ///   - setup: statements run on every new connection (`SET statement_timeout = …`).
    public init(
        conninfo: String, limit: Int = 16, setup: [String] = [], observer: (@Sendable (String) -> Void)? = nil
    ) {
        self.conninfo = conninfo
        self.limit = limit
        self.setup = setup
        self.observer = observer
    }

    /// Runs `body` on a connection of this pool.
    public func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        defer { checkIn(connection) }
        return try body(connection)
    }

    /// Closes the idle connections and refuses later checkouts; connections in use close when
    /// they come back.
    public func close() {
        condition.withLock {
            closed = true
            open -= idle.count
            idle = []
            condition.broadcast()
        }
    }

    private func checkOut() throws -> PostgresConnection {
        let reserved = try condition.withLock { () -> PostgresConnection? in
            while true {
                if closed { throw PostgresError(sqlState: "08003", message: "the database connection pool is closed") }
                // After a database restart every idle connection is dead; each is found out here,
                // without a round trip, instead of failing the request it would be given to.
                while let connection = idle.popLast() {
                    if connection.isAlive { return connection }
                    open -= 1
                }
                if open < limit {
                    open += 1
                    return nil
                }
                condition.wait()
            }
        }
        if let reserved { return reserved }
        do {
            let connection = try PostgresConnection(conninfo, observer: observer)
            for statement in setup { try connection.run(statement) }
            return connection
        } catch {
            condition.withLock {
                open -= 1
                condition.signal()
            }
            throw error
        }
    }

    private func checkIn(_ connection: PostgresConnection) {
        // A connection left inside a transaction (a failure between BEGIN and ROLLBACK) is not
        // safe to hand to the next caller either.
        let keep = !connection.isBroken && connection.isIdle
        condition.withLock {
            if keep && !closed {
                idle.append(connection)
            } else {
                open -= 1
            }
            condition.signal()
        }
    }
}
