import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func createPool(_ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { db in try PoolWrites(db).createPool(draft, by: actor, at: now) }
    }

    public func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { db in try PoolWrites(db).updatePool(id, draft, by: actor, at: now) }
    }

    /// Saves rules as a new version; earlier versions stay, so past reclaims keep their meaning.
    public func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool {
        let now = nowMillis
        return try writeTransaction { db in try PoolWrites(db).setRules(rules, for: pool, by: actor, at: now) }
    }

    public func rerouteCount(into pool: PoolID, limit: Int) throws -> Int {
        var (count, after) = (0, Int64(0))
        while count < limit {
            let (found, last) = try read { db in try writes(db).rerouteCandidates(into: pool, after: after, limit: 2000) }
            count += found.count
            guard let last else { break }
            after = last
        }
        return min(count, limit)
    }

    /// In batches of 500 customers looked at, each its own transaction.
    public func reroute(into pool: PoolID, by actor: Actor?) throws -> Int {
        var (moved, after) = (0, Int64(0))
        while true {
            let now = clock.now()
            // Counted from what the transaction returns: a retried transaction counts once.
            let (last, batch): (Int64?, Int) = try writeTransaction { db in
                let writes = writes(db)
                let (found, last) = try writes.rerouteCandidates(into: pool, after: after, limit: 500)
                guard let target = try writes.settings().pool(pool) else { throw PoolError.notFound(entity: "Pool") }
                return (last, try found.filter { try writes.move($0, into: target, by: actor, at: now) }.count)
            }
            moved += batch
            guard let last else { break }
            after = last
        }
        return moved
    }

    public func ruleVersions(of pool: PoolID) throws -> [RuleVersion] {
        try read { db in try PoolWrites(db).ruleVersions(of: pool) }
    }

    public func pools() throws -> [Pool] {
        try read { db in try settingsMemo.value(db).pools }
    }

    public func poolAccess() throws -> [PoolID: [PoolAccessEntry]] {
        try read { db in try SettingsQueries.access(db).entries }
    }
}
