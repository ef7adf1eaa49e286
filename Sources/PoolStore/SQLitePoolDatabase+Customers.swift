import Foundation
import GRDB
import PoolDomain

/// Customers on SQLite: the shared queries and writes (`CustomerQueries`, `CustomerWrites`)
/// on this store's connections.
extension SQLitePoolDatabase {
    public func customers(ids: [CustomerID]) throws -> [CustomerID: Customer] {
        guard !ids.isEmpty else { return [:] }
        return try read { db in try CustomerReads(db).customers(ids: ids) }
    }

    public func customerPage(_ query: CustomerQuery) throws -> CustomerPage {
        let masked = try MaskedPools(query.filter, pools: pools)
        return try read { db in try CustomerQueries(db).page(query, masked: masked) }
    }

    public func customerRows(_ request: CustomerRowRequest, visit: (CustomerRow) throws -> Void) throws -> CustomerRowsEnd {
        try readEachStatementAlone { db in
            try CustomerRowQueries(session: db, settingsMemo: settingsMemo, directoryMemo: directoryMemo)
                .rows(request, visit: visit)
        }
    }

    public func countCustomers(_ filter: CustomerFilter, scope: CustomerScope, atMost: Int?) throws -> Int {
        let masked = try MaskedPools(filter, pools: pools)
        return try read { db in try CustomerQueries(db).count(filter, scope: scope, masked: masked, atMost: atMost) }
    }

    public func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws -> Customer {
        let draft = try draft.validated()
        let now = clock.now()
        return try writeTransaction { db in try writes(db).createCustomer(draft, by: actor, intoPool: intoPool, at: now) }
    }

    public func importCustomers(_ rows: [ImportRow], by actor: Actor, dryRun: Bool) throws -> [ImportOutcome] {
        let now = clock.now()
        var outcomes: [ImportOutcome] = []
        do {
            try writeTransaction { db in
                outcomes = try writes(db).importCustomers(rows, by: actor, at: now) { _ in nil }
                if dryRun { throw DryRunRollback() }
            }
        } catch is DryRunRollback {}
        return outcomes
    }

    /// Saves the draft once `check` allows it; a duplicate is refused (told as far as the
    /// acting user may see it).
    public func updateCustomer(
        _ id: CustomerID, _ draft: CustomerDraft, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        let draft = try draft.validated()
        return try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            return try writes(db).updateCustomer(draft, facts: facts)
        }
    }

    public func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch? {
        try read { db in try writes(db).duplicate(of: draft, for: actor) }
    }

    func insertCustomer(_ db: Database, _ draft: CustomerDraft, placement: Placement, createdBy: UserID?, at: Date) throws -> CustomerID {
        try writes(db).insertCustomer(draft, placement: placement, createdBy: createdBy, at: at)
    }

    public func routingValues() throws -> (industries: [String], regions: [String]) {
        try read { db in try CustomerReads(db).routingValues() }
    }

    /// Private customers, optionally of one owner, for forecasts.
    public func privateCustomers(ownedBy owner: UserID?) throws -> [Customer] {
        try read { db in try CustomerQueries(db).privateCustomers(ownedBy: owner) }
    }

    public func collaborators(of ids: [CustomerID]) throws -> [CustomerID: [(UserID, CollaboratorAccess)]] {
        try read { db in try CustomerQueries(db).collaborators(of: ids) }
    }
}
