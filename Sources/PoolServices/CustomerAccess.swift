import PoolDomain
import PoolStore

/// Whether a user may see one customer, and the customer as they may see it: the one place
/// that completes a viewer with the collaborations a customer has, and masks what its pool
/// hides (`Masking.shown`).
public struct CustomerAccess: Sendable {
    let store: any PoolDatabase

    /// Visibility of `customer` to `viewer`, collaborations included (read only when the
    /// viewer's scope does not already include the customer).
    public func canSee(_ customer: Customer, as viewer: Viewer) throws -> Bool {
        if viewer.canSee(customer) { return true }
        var completed = viewer
        for (user, access) in try store.collaborators(of: [customer.id])[customer.id] ?? [] where user == viewer.actor.userID {
            completed.collaborations[customer.id] = access
        }
        return completed.canSee(customer)
    }

    /// The customer `id` as stored (unmasked: for deciding and editing; show it through
    /// `Masking.shown`), or nil when it does not exist or is hidden from `actor`.
    public func visible(_ id: CustomerID, by actor: Actor) throws -> Customer? {
        guard let customer = try store.customers(ids: [id])[id],
            try canSee(customer, as: try store.viewer(for: actor))
        else { return nil }
        return customer
    }

    /// Whether `actor` may watch `pool` change (`poolChanged`): its members and admins, who
    /// see its customers; anyone else is told the pool is not found.
    public func requireWatching(_ pool: PoolID, by actor: Actor) throws {
        guard try store.pools().contains(where: { $0.id == pool }),
            try store.viewer(for: actor).scope.contains(.inPool(pool))
        else { throw PoolError.notFound(entity: "Pool") }
    }
}
