import PoolDomain

/// How a backend runs the shared SQL (`SQLSession`): its reads, its write transactions, and
/// the ownership writes bound to its memos. The sweep, its previews and the metrics are written
/// once over this (`SweepEngine`, `MetricsQueries`); each backend says only how it isolates.
public protocol SQLTransactions: Sendable {
    associatedtype Session: SQLSession

    /// `body` on a connection that sees committed data (or the handle's read snapshot).
    func read<T>(_ body: (Session) throws -> T) throws -> T
    /// `body` in one write transaction, committed when it returns.
    func writeTransaction<T>(_ body: (Session) throws -> T) throws -> T
    func writes(_ session: Session) -> OwnershipWrites<Session>
    func pools() throws -> [Pool]
    var calendar: LocalCalendar { get }
}

/// Another process holds the sweep (see `SweepStore.exclusively`).
public struct SweepInProgress: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "another gonghai instance is running the reclaim sweep" }
}
