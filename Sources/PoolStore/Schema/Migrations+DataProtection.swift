import GRDB

extension Migrations {
    /// v10: data protection.
    /// - `access_records`: who saw what (exports, reveals, partner reads, bulk lists);
    ///   `access_alerts`: one row per user and day whose exports and reveals went past the
    ///   threshold (its key makes the alert once per day).
    /// - `console_sessions.last_seen_at`: sessions end after an idle time.
    /// - `token_uses`: when each API token was last used, in a table of its own so that
    ///   recording a use does not count as a change to `api_tokens` (which empties the token
    ///   cache).
    /// - The append-only trigger of `ownership_events` lets one change through: an erasure
    ///   clearing a typed reason.
    static func dataProtection(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE access_records (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    token_id INTEGER REFERENCES api_tokens(id),
                    kind TEXT NOT NULL CHECK (kind IN ('export', 'reveal', 'contact_read', 'bulk_list')),
                    channel TEXT NOT NULL CHECK (channel IN ('console', 'api')),
                    customer_ids TEXT NOT NULL,
                    filter TEXT,
                    rows_seen INTEGER NOT NULL,
                    at INTEGER NOT NULL
                );
                CREATE INDEX access_records_user ON access_records(user_id, at);
                CREATE INDEX access_records_at ON access_records(at);
                CREATE TABLE access_alerts (
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    day TEXT NOT NULL,
                    records INTEGER NOT NULL,
                    at INTEGER NOT NULL,
                    PRIMARY KEY (user_id, day)
                );
                ALTER TABLE console_sessions ADD COLUMN last_seen_at INTEGER;
                CREATE TABLE token_uses (
                    token_id INTEGER PRIMARY KEY REFERENCES api_tokens(id),
                    last_used_at INTEGER NOT NULL
                );
                DROP TRIGGER ownership_events_append_only_update;
                CREATE TRIGGER ownership_events_append_only_update BEFORE UPDATE ON ownership_events
                WHEN OLD.reason IS NULL OR NEW.reason IS NOT NULL OR NEW.id IS NOT OLD.id OR NEW.customer_id IS NOT OLD.customer_id
                  OR NEW.kind IS NOT OLD.kind OR NEW.from_owner_id IS NOT OLD.from_owner_id
                  OR NEW.to_owner_id IS NOT OLD.to_owner_id OR NEW.from_pool_id IS NOT OLD.from_pool_id
                  OR NEW.to_pool_id IS NOT OLD.to_pool_id OR NEW.actor_id IS NOT OLD.actor_id
                  OR NEW.routed_by IS NOT OLD.routed_by OR NEW.at IS NOT OLD.at OR NEW.rule IS NOT OLD.rule
                  OR NEW.rule_version IS NOT OLD.rule_version OR NEW.sweep_run_id IS NOT OLD.sweep_run_id
                BEGIN SELECT RAISE(ABORT, 'ownership events are append-only'); END;
                """)
    }

    /// v11: a pool customer may move to another pool (`move`): re-routing after a new pool's
    /// routing matches customers already in the public sea, and out of a pool archived
    /// (`pools.archived_at`).
    ///
    /// SQLite cannot alter a CHECK constraint. Allowing one more value only loosens it, which
    /// no stored row can violate, so the documented procedure for such changes applies
    /// (https://www.sqlite.org/lang_altertable.html#otheralter): in this transaction, rewrite
    /// the table's stored definition and bump `schema_version` so every connection reloads it.
    static func poolMoves(_ db: Database) throws {
        let old = "('create', 'claim', 'release', 'assign', 'transfer', 'reclaim')"
        let new = "('create', 'claim', 'release', 'assign', 'transfer', 'reclaim', 'move')"
        let version = try Int.fetchOne(db, sql: "PRAGMA schema_version") ?? 0
        try db.execute(sql: "PRAGMA writable_schema = ON")
        try db.execute(
            sql: "UPDATE sqlite_master SET sql = replace(sql, ?, ?) WHERE type = 'table' AND name = 'ownership_events'",
            arguments: [old, new])
        guard db.changesCount == 1 else { throw DatabaseError(message: "ownership_events is not in the expected shape") }
        try db.execute(sql: "PRAGMA schema_version = \(version + 1)")
        try db.execute(sql: "PRAGMA writable_schema = OFF")
        try db.execute(sql: "ALTER TABLE pools ADD COLUMN archived_at INTEGER")
    }
}
