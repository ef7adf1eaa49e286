/// Reads that see one moment of the data.
public protocol ReadSnapshots: Sendable {
    /// Runs `body` on the calling thread with a handle on this store whose every read sees one
    /// consistent moment, even while other threads and processes commit. The handle only reads
    /// (a write would not be visible to its later reads, so it is refused) and only inside
    /// `body`. Called on a snapshot handle, it passes that handle on: nested calls join.
    func withReadSnapshot<T>(_ body: (any PoolDatabase) throws -> T) throws -> T
}
