import Foundation
import PoolDomain
import PoolStore

/// Customers on PostgreSQL: the shared `CustomerQueries` and `CustomerWrites`. An edit or a
/// follow-up takes the customer's facts like an ownership change does, so it is ordered with
/// them; a unique violation from a concurrent insert of the same customer reads as a duplicate.
extension PostgresPoolDatabase {
    public func customerPage(_ query: CustomerQuery) throws -> CustomerPage {
        let masked = try MaskedPools(query.filter, pools: pools)
        return try read { try CustomerQueries($0).page(query, masked: masked) }
    }

    public func customerRows(_ request: CustomerRowRequest, visit: (CustomerRow) throws -> Void) throws -> CustomerRowsEnd {
        try read { connection in
            try CustomerRowQueries(session: connection, settingsMemo: settingsMemo, directoryMemo: directoryMemo)
                .rows(request, visit: visit)
        }
    }

    public func countCustomers(_ filter: CustomerFilter, scope: CustomerScope, atMost: Int?) throws -> Int {
        let masked = try MaskedPools(filter, pools: pools)
        return try read { try CustomerQueries($0).count(filter, scope: scope, masked: masked, atMost: atMost) }
    }

    public func createCustomer(_ draft: CustomerDraft, by actor: Actor, intoPool: PoolID?) throws -> Customer {
        let draft = try draft.validated()
        let now = clock.now()
        return try duplicateOnConflict(draft, actor) {
            try writeTransaction { try writes($0).createCustomer(draft, by: actor, intoPool: intoPool, at: now) }
        }
    }

    /// A unique violation raced in by another instance refuses its row as a duplicate.
    public func importCustomers(_ rows: [ImportRow], by actor: Actor, dryRun: Bool) throws -> [ImportOutcome] {
        let now = clock.now()
        var outcomes: [ImportOutcome] = []
        do {
            try writeTransaction { connection in
                let writes = writes(connection)
                outcomes = try writes.importCustomers(rows, by: actor, at: now) { error in
                    guard (error as? PostgresError)?.isUniqueViolation == true else { return nil }
                    return PoolError.invalidInput(field: "name", message: "another import or user created this customer at the same moment")
                }
                if dryRun { throw DryRunRollback() }
            }
        } catch is DryRunRollback {}
        return outcomes
    }

    public func updateCustomer(
        _ id: CustomerID, _ draft: CustomerDraft, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        let draft = try draft.validated()
        return try duplicateOnConflict(draft, actor) {
            try withFacts(of: id, by: actor) { writes, facts in
                try check(facts)
                return try writes.updateCustomer(draft, facts: facts)
            }
        }
    }

    public func duplicate(of draft: CustomerDraft, for actor: Actor) throws -> DuplicateMatch? {
        try read { try writes($0).duplicate(of: draft, for: actor) }
    }

    public func routingValues() throws -> (industries: [String], regions: [String]) {
        try read { try CustomerReads($0).routingValues() }
    }

    public func privateCustomers(ownedBy owner: UserID?) throws -> [Customer] {
        try read { try CustomerQueries($0).privateCustomers(ownedBy: owner) }
    }

    public func addFollowUp(
        to id: CustomerID, kind: FollowUpKind, text: String, at: Date?, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> FollowUp {
        try withFacts(of: id, by: actor) { writes, facts in
            try check(facts)
            return try writes.addFollowUp(to: id, kind: kind, text: text, at: at ?? facts.now, by: actor, now: facts.now)
        }
    }

    public func followUps(of ids: [CustomerID], limitEach: Int) throws -> [CustomerID: [FollowUp]] {
        try read { try CustomerQueries($0).followUps(of: ids, limitEach: limitEach) }
    }

    public func collaborators(of ids: [CustomerID]) throws -> [CustomerID: [(UserID, CollaboratorAccess)]] {
        try read { try CustomerQueries($0).collaborators(of: ids) }
    }

    public func ownershipEvents(after id: Int64, scope: CustomerScope, first: Int) throws -> [OwnershipEvent] {
        try read { try CustomerQueries($0).ownershipEvents(after: id, scope: scope, first: first) }
    }

    public func liveCursor() throws -> LiveCursor { try read { try CustomerQueries($0).liveCursor() } }

    /// Read in one snapshot-free pass: an event committed after its id was skipped by a reader
    /// (ids are drawn before commit) is the reason live updates trail by a poll, not a loss:
    /// the feed's `ownershipEvents(after:)` has the same property and the same answer.
    public func liveChanges(after cursor: LiveCursor, first: Int) throws -> (events: [OwnershipEvent], warnings: [UserNotification]) {
        try read { try CustomerQueries($0).liveChanges(after: cursor, first: first) }
    }

    /// Two instances saving the same new customer at once both pass the duplicate check (neither
    /// sees the other's uncommitted row); the unique keys refuse the second, which is then told
    /// where the first is, as the check would have told it.
    private func duplicateOnConflict<T>(_ draft: CustomerDraft, _ actor: Actor, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresError where error.isUniqueViolation {
            if let match = try duplicate(of: draft, for: actor) { throw PoolError.duplicate(match) }
            throw error
        }
    }
}
