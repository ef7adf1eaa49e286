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

    public func rerouteCount(into pool: PoolID, limit: Int) throws -> Int { try PoolMoves(self, clock: clock).count(into: pool, limit: limit) }

    public func reroute(into pool: PoolID, by actor: Actor?) throws -> Int { try PoolMoves(self, clock: clock).move(into: pool, by: actor) }

    public func setPoolArchived(_ pool: PoolID, _ archived: Bool, by actor: Actor?) throws -> Int {
        let now = nowMillis
        try writeTransaction { db in try PoolWrites(db).setArchived(pool, archived, by: actor, at: now) }
        return archived ? try PoolMoves(self, clock: clock).evacuate(pool, by: actor) : 0
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
