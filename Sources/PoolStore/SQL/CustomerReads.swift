import PoolDomain

/// Customers and users by id, the same on both backends.
public struct CustomerReads<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    /// The industries and regions customers have, most customers first: what a pool can route
    /// by (read from the tallies, not the customers).
    public func routingValues() throws -> (industries: [String], regions: [String]) {
        func values(_ column: String) throws -> [String] {
            try session.fetchAll(
                """
                SELECT \(column) FROM customer_tallies WHERE \(column) <> '' GROUP BY \(column)
                HAVING SUM(customers) > 0 ORDER BY SUM(customers) DESC, \(column) LIMIT 500
                """) { $0.text(0) }
        }
        return (try values("industry"), try values("region"))
    }

    public func customer(_ id: CustomerID) throws -> Customer? {
        try session.fetchOne(
            "SELECT \(RowDecoding.customerColumns) FROM customers WHERE id = ?", [.int(id.rawValue)], RowDecoding.customer)
    }

    public func customers(ids: [CustomerID]) throws -> [CustomerID: Customer] {
        guard !ids.isEmpty else { return [:] }
        let customers = try session.fetchAll(
            "SELECT \(RowDecoding.customerColumns) FROM customers WHERE id IN (\(Session.dialect.idList))",
            [SQLList.ids(ids.map(\.rawValue))], RowDecoding.customer)
        return Dictionary(uniqueKeysWithValues: customers.map { ($0.id, $0) })
    }

    public func user(_ id: UserID) throws -> User? {
        try session.fetchOne("SELECT \(RowDecoding.userColumns) FROM users WHERE id = ?", [.int(id.rawValue)], RowDecoding.user)
    }

    public func requireUser(_ id: UserID) throws -> User {
        guard let user = try user(id) else { throw PoolError.notFound(entity: "User") }
        return user
    }
}
