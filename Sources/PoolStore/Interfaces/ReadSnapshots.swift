/// Reads that see one moment of the data.
public protocol ReadSnapshots: Sendable {
    /// Runs `body` on the calling thread so that every read of this store inside it sees one
    /// consistent moment, even while other threads and processes commit. Only reads may happen
    /// inside: a write would not be visible to later reads. Nested calls join the outer one.
    func withReadSnapshot<T>(_ body: () throws -> T) throws -> T
}
