import CoreMetrics
import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// One immediate transaction: facts, decision, conditional write, auto-assignment.
    public func changeOwner(
        of id: CustomerID, by actor: Actor, _ decide: (any CustomerFacts) throws -> OwnershipChange
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in try writes(db).changeOwner(of: id, facts: facts, decide) }
    }

    public func setLocked(
        _ id: CustomerID, _ locked: Bool, by actor: Actor, check: (any CustomerFacts) throws -> Void
    ) throws -> Customer {
        try withFacts(of: id, by: actor) { db, facts in
            try check(facts)
            return try writes(db).setLocked(id, locked, at: facts.now)
        }
    }

    /// The ownership writes on this transaction's connection (shared with PostgreSQL).
    public func writes(_ db: Database) -> OwnershipWrites<Database> {
        OwnershipWrites(db, settings: settingsMemo, directory: directoryMemo, calendar: calendar, counters: ownershipChanges)
    }

    func apply(_ change: OwnershipChange, _ db: Database) throws { try writes(db).apply(change) }

    func insertEvent(
        _ db: Database, customer: CustomerID, kind: OwnershipEventKind, from: Placement?,
        to: Placement, actor: UserID?, reason: String?, routedBy: RoutingReason?, at: Date,
        rule: String? = nil, ruleVersion: Int64? = nil, sweepRun: Int64? = nil
    ) throws {
        try writes(db).insertEvent(
            customer: customer, kind: kind, from: from, to: to, actor: actor, reason: reason, routedBy: routedBy, at: at,
            rule: rule, ruleVersion: ruleVersion, sweepRun: sweepRun)
    }

    func poolTarget(_ db: Database, _ customer: Customer, explicit: PoolID?) throws -> (PoolID, RoutingReason) {
        try writes(db).poolTarget(customer, explicit: explicit)
    }

    func requireUser(_ db: Database, _ id: UserID) throws -> User { try writes(db).requireUser(id) }

    func ownerName(_ db: Database, _ customer: Customer) throws -> String? { try writes(db).ownerName(customer) }
}
