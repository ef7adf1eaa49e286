import Foundation
import PoolDomain

/// Customers, their follow-ups and collaborators, read by scope.
///
/// Lists are keyset pages in a stable order; a scope (what a viewer may see) is applied in the
/// query, never after it. Names, phones and e-mails are unique once normalized: a second
/// record is refused (`PoolError.duplicate`) by the database itself, even under races.
public protocol CustomerStore: Sendable {
    func customers(ids: [CustomerID]) throws -> [CustomerID: Customer]
    func customerPage(_ query: CustomerQuery) throws -> CustomerPage
    /// How many customers match; with `atMost`, counting stops there (a list that says "10,000+"
    /// need not count a broad search's every match).
    func countCustomers(_ filter: CustomerFilter, scope: CustomerScope, atMost: Int?) throws -> Int
    /// The industries and regions customers have, most customers first (at most 500 each).
    func routingValues() throws -> (industries: [String], regions: [String])
    func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws -> Customer
    /// Creates `rows` in one transaction, each row in a savepoint of its own: a refused row (a
    /// duplicate, earlier rows of the same call included; no pool to route to) leaves the others.
    /// With `dryRun` everything is rolled back and the outcomes say what would have happened.
    func importCustomers(_ rows: [ImportRow], by actor: Actor, dryRun: Bool) throws -> [ImportOutcome]
    /// Saves `draft` once `check` allows it on the customer's facts.
    func updateCustomer(
        _ id: CustomerID, _ draft: CustomerDraft, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer
    /// Where an existing record of this customer is, as far as `actor` may see, or nil.
    func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch?
    /// Private customers of `owner` (nil: of everyone).
    func privateCustomers(ownedBy owner: UserID?) throws -> [Customer]

    /// Adds a follow-up once `check` allows it and restarts the customer's reclaim clock, in one
    /// transaction; `at` nil: now.
    func addFollowUp(
        to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> FollowUp
    /// The newest follow-ups of each customer, newest first, at most `limitEach` per customer.
    func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]]
    func collaborators(of ids: [CustomerID]) throws -> [CustomerID: [(UserID, CollaboratorAccess)]]
}

extension CustomerStore {
    public func countCustomers(_ filter: CustomerFilter, scope: CustomerScope) throws -> Int {
        try countCustomers(filter, scope: scope, atMost: nil)
    }
}

/// Customer pages read column by column, for a caller that writes the columns as they come.
public protocol CustomerRowStore: Sendable {
    /// Visits the rows of `request.query`'s page in order, each with only the columns asked for,
    /// in one statement; the directory and settings each row carries are those of that statement.
    func customerRows(_ request: CustomerRowRequest, visit: (CustomerRow) throws -> Void) throws -> CustomerRowsEnd
}
