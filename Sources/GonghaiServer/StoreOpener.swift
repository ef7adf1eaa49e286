import CoreMetrics
import Foundation
import PoolDomain
import PoolStore
import PostgresStore

/// Opens the store `--database` names: a SQLite file (the embedded default, one server) or a
/// PostgreSQL URL (several instances on one database). Both are migrated on open.
public enum StoreOpener {
    public static func open(
        _ address: DatabaseAddress, clock: any TimeSource = SystemTimeSource(), timeZone: TimeZone = .current,
        connections: Int = 16, statementTimeout: Duration = .seconds(30), statementObserver: (@Sendable (String) -> Void)? = nil,
        metrics: (any MetricsFactory)? = nil
    ) throws -> any ServingStore {
        switch address {
        case .sqlite(let path):
            return try SQLitePoolDatabase(
                path: path, clock: clock, timeZone: timeZone, statementObserver: statementObserver, metrics: metrics,
                statementTimeout: statementTimeout)
        case .postgres(let url):
            return try PostgresPoolDatabase(
                url: url, clock: clock, timeZone: timeZone, connections: connections, statementTimeout: statementTimeout,
                statementObserver: statementObserver, metrics: metrics)
        }
    }
}
