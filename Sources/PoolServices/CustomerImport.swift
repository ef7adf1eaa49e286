import PoolDomain
import PoolStore

/// Importing checked customer rows into a pool or to an owner: administrators only; each row
/// is its own transaction (a duplicate refuses its row, not the file), and the import as a
/// whole is audited.
public struct CustomerImport: Sendable {
    let store: any PoolDatabase

    /// Where imported customers go.
    public enum Destination: Sendable {
        /// A pool; nil for the default pool.
        case pool(PoolID?)
        /// A rep, who becomes the owner as if they had entered each customer.
        case owner(UserID)
    }

    /// Imports `rows` (line number, draft); returns the customers made and the rows refused.
    public func run(
        _ rows: [(line: Int, draft: CustomerDraft)], to destination: Destination, by actor: Actor
    ) throws -> (imported: Int, refused: [(line: Int, error: PoolError)]) {
        try AccessPolicy.require(.importCustomers, by: actor)
        let creator: Actor
        let pool: PoolID?
        let entity: String
        switch destination {
        case .owner(let id):
            guard let owner = try store.users(ids: [id])[id], owner.takesCustomers else {
                throw PoolError.invalidInput(field: "owner", message: "an active rep")
            }
            (creator, pool, entity) = (Actor(owner), nil, "owner \(id.rawValue)")
        case .pool(let chosen):
            let target = try chosen ?? store.pools().first(where: \.isDefault)?.id
            (creator, pool, entity) = (actor, target, "pool \(target?.rawValue ?? 0)")
        }
        var imported = 0
        var refused: [(line: Int, error: PoolError)] = []
        for (line, draft) in rows {
            do {
                _ = try store.createCustomer(draft, by: creator, intoPool: pool)
                imported += 1
            } catch let error as PoolError {
                refused.append((line, error))
            }
        }
        try store.recordAudit(actor, "import_customers", entity, before: nil, after: "{\"imported\":\(imported)}")
        return (imported, refused)
    }
}
