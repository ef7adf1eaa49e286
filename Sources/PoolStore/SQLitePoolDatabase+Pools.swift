import Foundation
import GRDB
import PoolDomain

extension SQLitePoolDatabase {
    public func createPool(_ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let name = try requireName(draft.name, field: "name")
        let rules = try draft.rules.validated()
        let now = nowMillis
        return try writeTransaction { db in
            if try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM pools WHERE name = ?", arguments: [name]) != nil {
                throw PoolError.invalidInput(field: "name", message: "a pool with this name exists")
            }
            if draft.isDefault {
                try db.execute(cachedSQL: "UPDATE pools SET is_default = 0 WHERE is_default = 1")
            }
            try db.execute(
                cachedSQL: "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES (?, ?, ?, ?, ?)",
                arguments: [
                    name, RowDecoding.encodeList(Self.clean(draft.industries)),
                    RowDecoding.encodeList(Self.clean(draft.regions)), draft.priority, draft.isDefault,
                ])
            let id = PoolID(db.lastInsertedRowID)
            try insertRuleVersion(db, pool: id, rules: rules, by: nil, at: now)
            try replaceAccess(db, pool: id, draft.access)
            let created = try SettingsQueries.pools(db).first { $0.id == id }!
            try audit(db, actor, "create_pool", "pool \(id.rawValue)", before: nil, after: Self.describe(created))
            return created
        }
    }

    public func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?) throws -> Pool {
        let name = try requireName(draft.name, field: "name")
        return try writeTransaction { db in
            guard let before = try SettingsQueries.pools(db).first(where: { $0.id == id }) else {
                throw PoolError.notFound(entity: "Pool")
            }
            if try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM pools WHERE name = ? AND id <> ?", arguments: [name, id.rawValue]) != nil {
                throw PoolError.invalidInput(field: "name", message: "a pool with this name exists")
            }
            if draft.isDefault {
                try db.execute(cachedSQL: "UPDATE pools SET is_default = 0 WHERE is_default = 1 AND id <> ?", arguments: [id.rawValue])
            }
            try db.execute(
                cachedSQL: "UPDATE pools SET name = ?, industries = ?, regions = ?, priority = ?, is_default = ? WHERE id = ?",
                arguments: [
                    name, RowDecoding.encodeList(Self.clean(draft.industries)),
                    RowDecoding.encodeList(Self.clean(draft.regions)), draft.priority, draft.isDefault, id.rawValue,
                ])
            try replaceAccess(db, pool: id, draft.access)
            let after = try SettingsQueries.pools(db).first { $0.id == id }!
            try audit(db, actor, "update_pool", "pool \(id.rawValue)", before: Self.describe(before), after: Self.describe(after))
            return after
        }
    }

    /// Saves rules as a new version; earlier versions stay, so past reclaims keep their meaning.
    public func setRules(_ rules: PoolRules, for pool: PoolID, by actor: Actor) throws -> Pool {
        let rules = try rules.validated()
        let now = nowMillis
        return try writeTransaction { db in
            guard let before = try SettingsQueries.pools(db).first(where: { $0.id == pool }) else {
                throw PoolError.notFound(entity: "Pool")
            }
            try insertRuleVersion(db, pool: pool, rules: rules, by: actor.userID, at: now)
            let after = try SettingsQueries.pools(db).first { $0.id == pool }!
            try audit(db, actor, "set_rules", "pool \(pool.rawValue)", before: Self.describe(before), after: Self.describe(after))
            return after
        }
    }

    public func pools() throws -> [Pool] {
        try read { db in try settingsMemo.value(db).pools }
    }

    public func poolAccess() throws -> [PoolID: [PoolAccessEntry]] {
        try read { db in try SettingsQueries.access(db).entries }
    }

    private func insertRuleVersion(_ db: Database, pool: PoolID, rules: PoolRules, by user: UserID?, at: Int64) throws {
        let version = (try Int64.fetchOne(
            db, cachedSQL: "SELECT max(version) FROM pool_rule_versions WHERE pool_id = ?", arguments: [pool.rawValue]) ?? 0) + 1
        try db.execute(
            cachedSQL: "INSERT INTO pool_rule_versions (pool_id, version, rules, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
            arguments: [pool.rawValue, version, RowDecoding.encodeRules(rules), at, user?.rawValue])
        try db.execute(
            cachedSQL: "UPDATE pools SET rule_version_id = ? WHERE id = ?", arguments: [db.lastInsertedRowID, pool.rawValue])
    }

    private func replaceAccess(_ db: Database, pool: PoolID, _ entries: [PoolAccessEntry]?) throws {
        guard let entries else { return }
        try db.execute(cachedSQL: "DELETE FROM pool_access WHERE pool_id = ?", arguments: [pool.rawValue])
        for entry in Set(entries) {
            let (kind, value): (String, String)
            switch entry.principal {
            case .department(let id):
                guard try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM departments WHERE id = ?", arguments: [id.rawValue]) != nil else {
                    throw PoolError.notFound(entity: "Department")
                }
                (kind, value) = ("department", String(id.rawValue))
            case .user(let id):
                guard try Row.fetchOne(db, cachedSQL: "SELECT 1 FROM users WHERE id = ?", arguments: [id.rawValue]) != nil else {
                    throw PoolError.notFound(entity: "User")
                }
                (kind, value) = ("user", String(id.rawValue))
            case .role(let role): (kind, value) = ("role", role.rawValue)
            }
            try db.execute(
                cachedSQL: "INSERT INTO pool_access (pool_id, principal_kind, principal_value, level) VALUES (?, ?, ?, ?)",
                arguments: [pool.rawValue, kind, value, entry.level.rawValue])
        }
    }

    static func clean(_ values: [String]) -> [String] {
        values.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }
}
