import Foundation

/// A connection lent to a read snapshot's closure: usable on the thread that opened the
/// snapshot and only until the closure returns (`end`). Both backends' snapshot handles hold
/// one, so which reads share the moment is explicit and nothing outlives its transaction.
public final class LentConnection<Connection>: @unchecked Sendable {
    /// A write through a snapshot handle, or a read after its snapshot ended.
    public struct Refused: Error, CustomStringConvertible {
        public init() {}
        public var description: String { "a read snapshot only reads, and only while it is open" }
    }

    private let lent: Connection
    private let thread = pthread_self()
    private var open = true

    public init(_ connection: Connection) { lent = connection }

    /// The connection, on the thread that opened the snapshot and while it is open.
    public func connection() throws -> Connection {
        guard open, pthread_equal(thread, pthread_self()) != 0 else { throw Refused() }
        return lent
    }

    public func end() { open = false }
}
