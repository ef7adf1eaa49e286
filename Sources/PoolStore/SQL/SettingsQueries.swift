import PoolDomain

/// The settings every ownership change consults, read the same way on both backends.
public enum SettingsQueries {
    public static func departments<Session: SQLSession>(_ session: Session) throws -> [Department] {
        try session.fetchAll("SELECT \(RowDecoding.departmentColumns) FROM departments ORDER BY id", RowDecoding.department)
    }

    /// Highest priority first: the order routing tries them in.
    public static func pools<Session: SQLSession>(_ session: Session) throws -> [Pool] {
        try session.fetchAll(
            """
            SELECT \(RowDecoding.poolColumns)
            FROM pools LEFT JOIN pool_rule_versions v ON v.id = pools.rule_version_id
            ORDER BY pools.priority DESC, pools.id
            """, RowDecoding.pool)
    }

    public static func access<Session: SQLSession>(_ session: Session) throws -> PoolAccess {
        var entries: [PoolID: [PoolAccessEntry]] = [:]
        let rows = try session.fetchAll(
            "SELECT pool_id, principal_kind, principal_value, level FROM pool_access ORDER BY pool_id, principal_kind, principal_value"
        ) { row in (PoolID(row.int64(0)), row.text(1), row.text(2), row.text(3)) }
        for (pool, kind, value, levelName) in rows {
            let principal: PoolAccessEntry.Principal?
            switch kind {
            case "department": principal = Int64(value).map { .department(DepartmentID($0)) }
            case "user": principal = Int64(value).map { .user(UserID($0)) }
            default: principal = Role(rawValue: value).map { .role($0) }
            }
            guard let principal, let level = PoolAccessEntry.Level(rawValue: levelName) else { continue }
            entries[pool, default: []].append(PoolAccessEntry(principal: principal, level: level))
        }
        return PoolAccess(entries: entries)
    }

    public static func limits<Session: SQLSession>(_ session: Session) throws -> [LimitScope: OwnerLimit] {
        var limits: [LimitScope: OwnerLimit] = [:]
        let rows = try session.fetchAll("SELECT scope_kind, scope_id, max_private, count_won, max_locked FROM owner_limits") { row in
            (row.text(0), row.int64(1), row.optionalInt64(2), row.bool(3), row.optionalInt64(4))
        }
        for (kind, id, maxPrivate, countWon, maxLocked) in rows {
            let scope: LimitScope
            switch kind {
            case "user": scope = .user(UserID(id))
            case "department": scope = .department(DepartmentID(id))
            default: scope = .everyone
            }
            limits[scope] = OwnerLimit(maxPrivate: maxPrivate.map { Int($0) }, countWon: countWon, maxLocked: maxLocked.map { Int($0) })
        }
        return limits
    }
}
