/// The store as a running server holds it: everything the application layer needs, plus what
/// operating it needs (health, size, an orderly close). Both backends are one.
public protocol ServingStore: PoolDatabase {
    /// Throws when the database cannot answer now (`/healthz` then answers 503).
    func checkHealth() throws
    /// The bytes the data takes, for `/metrics`; nil when unknown.
    func sizeInBytes() -> Int?
    /// Finishes operations in flight and releases the database.
    func close() throws
    /// Where the data is, with any password hidden (for logs).
    var location: String { get }
}
