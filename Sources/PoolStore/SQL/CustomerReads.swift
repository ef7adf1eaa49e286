import PoolDomain

/// Customers and users by id, the same on both backends.
public struct CustomerReads<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

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
