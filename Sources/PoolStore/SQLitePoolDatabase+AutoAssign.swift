import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    /// See `OwnershipWrites.autoAssign`.
    func autoAssign(_ db: Database, _ id: CustomerID, into destination: Pool? = nil, at now: Date) throws {
        try writes(db).autoAssign(id, into: destination, at: now)
    }

    func assignmentCandidates(_ db: Database, pool: Pool, excluding: UserID?) throws -> [AutoAssigner.Candidate] {
        try writes(db).assignmentCandidates(pool: pool, excluding: excluding)
    }

    func notify(_ db: Database, user: UserID, kind: String, customer: CustomerID?, message: String, dueOn: Day? = nil, at: Date) throws {
        try writes(db).notify(user: user, kind: kind, customer: customer, message: message, dueOn: dueOn, at: at)
    }
}
