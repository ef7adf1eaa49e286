import Foundation
import PoolDomain

/// Everything the API and the commands need from storage. SQL lives only behind this protocol,
/// so a PostgreSQL backend can be added without touching the domain or the API.
///
/// Operations that change ownership read the customer's facts, ask `PoolDomain` for a decision,
/// and apply it with one conditional write in one transaction.
public protocol PoolDatabase: Sendable {
    // MARK: People
    func authenticate(token: String) throws -> User?
    func createDepartment(name: String, parentID: DepartmentID?) throws -> Department
    func departments() throws -> [Department]
    func createUser(name: String, role: Role, departmentID: DepartmentID?) throws -> User
    func users() throws -> [User]
    func users(ids: [UserID]) throws -> [UserID: User]
    func user(named name: String) throws -> User?
    func department(named name: String) throws -> Department?
    /// Issues a new API token for the user; the plain token is returned once and stored hashed.
    func issueToken(for user: UserID, label: String?) throws -> String

    // MARK: Pools
    func createPool(_ draft: PoolDraft) throws -> Pool
    func pools() throws -> [Pool]

    // MARK: Customers
    func customers(ids: [CustomerID]) throws -> [CustomerID: Customer]
    func customerPage(_ query: CustomerQuery) throws -> CustomerPage
    func countCustomers(_ filter: CustomerFilter, scope: CustomerScope) throws -> Int
    func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws
        -> Customer
    func updateCustomer(_ id: CustomerID, _ draft: CustomerDraft, by actor: Actor) throws
        -> Customer

    // MARK: Ownership operations
    func claim(_ id: CustomerID, by actor: Actor) throws -> Customer
    func release(_ id: CustomerID, by actor: Actor, reason: String, into pool: PoolID?) throws
        -> Customer
    func assign(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    func transfer(_ id: CustomerID, to rep: UserID, by actor: Actor, reason: String?) throws
        -> Customer
    func setLocked(_ id: CustomerID, _ locked: Bool, by actor: Actor) throws -> Customer

    // MARK: Follow-ups and history
    func addFollowUp(
        to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor
    ) throws -> FollowUp
    /// The newest follow-ups of each customer, newest first, at most `limitEach` per customer.
    func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]]
    /// Each customer's ownership history, oldest first.
    func ownershipEvents(of ids: [CustomerID]) throws -> [CustomerID: [OwnershipEvent]]
}
