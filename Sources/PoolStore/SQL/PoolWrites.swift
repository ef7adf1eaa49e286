import Foundation
import PoolDomain

/// Pools, their rule versions, pool access and owner limits, changed inside the caller's
/// transaction with their audit records, the same on both backends.
public struct PoolWrites<Session: SQLSession> {
    public let session: Session

    public init(_ session: Session) { self.session = session }

    var people: PeopleWrites<Session> { PeopleWrites(session) }

    func pool(_ id: PoolID) throws -> Pool? { try SettingsQueries.pools(session).first { $0.id == id } }

    public func createPool(_ draft: PoolDraft, by actor: Actor?, at now: Int64) throws -> Pool {
        let name = try PeopleWrites<Session>.requireName(draft.name, field: "name")
        let rules = try draft.rules.validated()
        if try session.fetchOne("SELECT 1 FROM pools WHERE name = ?", [.text(name)], { _ in true }) != nil {
            throw PoolError.invalidInput(field: "name", message: "a pool with this name exists")
        }
        if draft.isDefault { try session.execute("UPDATE pools SET is_default = 0 WHERE is_default = 1", []) }
        let id = PoolID(try session.insert(
            "INSERT INTO pools (name, industries, regions, priority, is_default) VALUES (?, ?, ?, ?, ?)", [.text(name), .text(RowDecoding.encodeList(Self.clean(draft.industries))),
             .text(RowDecoding.encodeList(Self.clean(draft.regions))), SQLValue(draft.priority), SQLValue(draft.isDefault)]))
        try insertRuleVersion(pool: id, rules: rules, by: nil, at: now)
        try replaceAccess(pool: id, draft.access)
        guard let created = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        try people.audit(actor, "create_pool", "pool \(id.rawValue)", before: nil, after: AuditText.describe(created), at: now)
        return created
    }

    public func updatePool(_ id: PoolID, _ draft: PoolDraft, by actor: Actor?, at now: Int64) throws -> Pool {
        let name = try PeopleWrites<Session>.requireName(draft.name, field: "name")
        guard let before = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        if try session.fetchOne("SELECT 1 FROM pools WHERE name = ? AND id <> ?", [.text(name), .int(id.rawValue)], { _ in true }) != nil {
            throw PoolError.invalidInput(field: "name", message: "a pool with this name exists")
        }
        if draft.isDefault {
            try session.execute("UPDATE pools SET is_default = 0 WHERE is_default = 1 AND id <> ?", [.int(id.rawValue)])
        }
        try session.execute(
            "UPDATE pools SET name = ?, industries = ?, regions = ?, priority = ?, is_default = ? WHERE id = ?",
            [.text(name), .text(RowDecoding.encodeList(Self.clean(draft.industries))),
             .text(RowDecoding.encodeList(Self.clean(draft.regions))), SQLValue(draft.priority), SQLValue(draft.isDefault),
             .int(id.rawValue)])
        try replaceAccess(pool: id, draft.access)
        guard let after = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        try people.audit(actor, "update_pool", "pool \(id.rawValue)", before: AuditText.describe(before), after: AuditText.describe(after), at: now)
        return after
    }

    /// Saves rules as a new version; earlier versions stay, so past reclaims keep their meaning.
    public func setRules(_ rules: PoolRules, for id: PoolID, by actor: Actor, at now: Int64) throws -> Pool {
        let rules = try rules.validated()
        guard let before = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        try insertRuleVersion(pool: id, rules: rules, by: actor.userID, at: now)
        guard let after = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        try people.audit(actor, "set_rules", "pool \(id.rawValue)", before: AuditText.describe(before), after: AuditText.describe(after), at: now)
        return after
    }

    /// Sets (or, with nil, removes) the owner limit of a scope.
    public func setOwnerLimit(_ limit: OwnerLimit?, for scope: LimitScope, by actor: Actor?, at now: Int64) throws {
        let (kind, id) = Self.scopeKey(scope)
        func describe(_ limit: OwnerLimit) -> String {
            "{\"maxPrivate\":\(limit.maxPrivate.map(String.init) ?? "null"),\"countWon\":\(limit.countWon),\"maxLocked\":\(limit.maxLocked.map(String.init) ?? "null")}"
        }
        let before = try SettingsQueries.limits(session)[scope].map(describe)
        try people.audit(actor, "set_owner_limit", "limit \(kind) \(id)", before: before, after: limit.map(describe), at: now)
        guard let limit else {
            try session.execute("DELETE FROM owner_limits WHERE scope_kind = ? AND scope_id = ?", [.text(kind), .int(id)])
            return
        }
        if let max = limit.maxPrivate, max < 0 { throw PoolError.invalidInput(field: "maxPrivate", message: "must not be negative") }
        if let max = limit.maxLocked, max < 0 { throw PoolError.invalidInput(field: "maxLocked", message: "must not be negative") }
        try session.execute(
            """
            INSERT INTO owner_limits (scope_kind, scope_id, max_private, count_won, max_locked) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (scope_kind, scope_id) DO UPDATE SET max_private = excluded.max_private,
              count_won = excluded.count_won, max_locked = excluded.max_locked
            """,
            [.text(kind), .int(id), SQLValue(limit.maxPrivate.map(Int64.init)), SQLValue(limit.countWon), SQLValue(limit.maxLocked.map(Int64.init))])
    }

    /// Archives (or restores) a pool, audited. The default pool is never archived: customers
    /// that match no pool must have somewhere to go.
    public func setArchived(_ id: PoolID, _ archived: Bool, by actor: Actor?, at now: Int64) throws {
        guard let pool = try pool(id) else { throw PoolError.notFound(entity: "Pool") }
        if archived && pool.isDefault {
            throw PoolError.invalidInput(field: "poolId", message: "the default pool cannot be archived; make another pool the default first")
        }
        guard pool.archived != archived else { return }
        try session.execute(
            "UPDATE pools SET archived_at = ? WHERE id = ?", [archived ? .int(now) : .null, .int(id.rawValue)])
        try people.audit(actor, archived ? "archive_pool" : "restore_pool", "pool \(id.rawValue)", before: nil, after: nil, at: now)
    }

    /// Every saved version of `pool`'s rules, newest first.
    public func ruleVersions(of pool: PoolID) throws -> [RuleVersion] {
        try session.fetchAll(
            "SELECT version, rules, created_at, created_by FROM pool_rule_versions WHERE pool_id = ? ORDER BY version DESC",
            [.int(pool.rawValue)]
        ) { row in
            RuleVersion(
                version: row.int64(0), rules: RowDecoding.decodeRules(row.text(1)), createdAt: Timestamp.decode(row.int64(2)),
                createdBy: row.optionalInt64(3).map(UserID.init))
        }
    }

    private func insertRuleVersion(pool: PoolID, rules: PoolRules, by user: UserID?, at now: Int64) throws {
        let latest: Int64? = try session.fetchOne(
            "SELECT max(version) FROM pool_rule_versions WHERE pool_id = ?", [.int(pool.rawValue)]) { $0.optionalInt64(0) } ?? nil
        let version = (latest ?? 0) + 1
        let versionID = try session.insert(
            "INSERT INTO pool_rule_versions (pool_id, version, rules, created_at, created_by) VALUES (?, ?, ?, ?, ?)", [.int(pool.rawValue), .int(version), .text(RowDecoding.encodeRules(rules)), .int(now), SQLValue(user?.rawValue)])
        try session.execute("UPDATE pools SET rule_version_id = ? WHERE id = ?", [.int(versionID), .int(pool.rawValue)])
    }

    private func replaceAccess(pool: PoolID, _ entries: [PoolAccessEntry]?) throws {
        guard let entries else { return }
        try session.execute("DELETE FROM pool_access WHERE pool_id = ?", [.int(pool.rawValue)])
        for entry in Set(entries) {
            let (kind, value): (String, String)
            switch entry.principal {
            case .department(let id):
                guard try session.fetchOne("SELECT 1 FROM departments WHERE id = ?", [.int(id.rawValue)], { _ in true }) != nil else {
                    throw PoolError.notFound(entity: "Department")
                }
                (kind, value) = ("department", String(id.rawValue))
            case .user(let id):
                guard try session.fetchOne("SELECT 1 FROM users WHERE id = ?", [.int(id.rawValue)], { _ in true }) != nil else {
                    throw PoolError.notFound(entity: "User")
                }
                (kind, value) = ("user", String(id.rawValue))
            case .role(let role): (kind, value) = ("role", role.rawValue)
            }
            try session.execute(
                "INSERT INTO pool_access (pool_id, principal_kind, principal_value, level) VALUES (?, ?, ?, ?)",
                [.int(pool.rawValue), .text(kind), .text(value), .text(entry.level.rawValue)])
        }
    }

    public static func clean(_ values: [String]) -> [String] {
        values.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    public static func scopeKey(_ scope: LimitScope) -> (String, Int64) {
        switch scope {
        case .everyone: return ("everyone", 0)
        case .department(let id): return ("department", id.rawValue)
        case .user(let id): return ("user", id.rawValue)
        }
    }
}
