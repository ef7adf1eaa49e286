import Foundation
import PoolStore

/// The connection a read snapshot holds: one `REPEATABLE READ READ ONLY` transaction.
typealias PinnedConnection = LentConnection<PostgresConnection>

extension PostgresPoolDatabase {
    /// Runs `body` with a handle whose every read sees one moment: one read-only repeatable-read
    /// transaction on one connection, so a query's fields agree even while other instances
    /// commit. Nested calls join the outer snapshot.
    public func withReadSnapshot<T>(_ body: (any PoolDatabase) throws -> T) throws -> T {
        if snapshot != nil { return try body(self) }
        return try pool.withConnection { connection in
            try connection.readSnapshot {
                let pinned = PinnedConnection(connection)
                defer { pinned.end() }
                return try body(PostgresPoolDatabase(self, snapshot: pinned))
            }
        }
    }
}
