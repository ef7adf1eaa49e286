/// Everything the domain can refuse. The API maps each case to one documented error code.
public enum PoolError: Error, Sendable, Equatable {
    /// The customer (or other entity) does not exist, or the actor may not see it.
    case notFound(entity: String)
    /// The actor's role or relation to the customer does not allow the operation.
    case forbidden(String)
    /// Someone else owns the customer: a claim lost the race or the customer was never public.
    case alreadyOwned(ownerName: String?)
    /// The operation needs the actor (or the named rep) to own the customer, and they do not.
    case notOwner
    /// Locked (锁定) customers cannot change owner until unlocked.
    case locked
    /// Creating or editing would produce a second record of an existing customer.
    case duplicate(DuplicateMatch)
    /// A claim rule or owner limit refuses the operation.
    case limit(LimitRefusal)
    /// A value the caller gave is unusable (empty name, inactive target user, ...).
    case invalidInput(field: String, message: String)
    /// Too many of something in a period (a manager's exports of the day).
    case rateLimited(String)
    /// As many heavy operations (reports, previews, exports, imports) as the server runs at once
    /// are running; try again shortly.
    case busy
}

/// Where the existing record of a duplicate is, told only as far as the caller may see it.
public struct DuplicateMatch: Sendable, Equatable {
    public enum Field: String, Sendable { case name, phone, email }

    public let field: Field
    /// The existing customer's id, only when the caller may see that customer.
    public let customerID: CustomerID?
    /// The owner's name when the existing record is private.
    public let ownerName: String?
    /// The pool's name when the existing record is in a pool.
    public let poolName: String?

    public init(field: Field, customerID: CustomerID?, ownerName: String?, poolName: String?) {
        self.field = field
        self.customerID = customerID
        self.ownerName = ownerName
        self.poolName = poolName
    }
}
