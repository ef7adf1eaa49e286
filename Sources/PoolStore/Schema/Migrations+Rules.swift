import Foundation
import GRDB
import PoolDomain

extension Migrations {
    /// v2: pool access, versioned rules, owner limits, collaborators, sweeps, notifications.
    static func rules(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE users ADD COLUMN on_leave INTEGER NOT NULL DEFAULT 0 CHECK (on_leave IN (0, 1));
                ALTER TABLE customers ADD COLUMN entered_pool_at INTEGER;
                UPDATE customers SET entered_pool_at = updated_at WHERE pool_id IS NOT NULL;
                CREATE TABLE pool_access (
                    pool_id INTEGER NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
                    principal_kind TEXT NOT NULL CHECK (principal_kind IN ('department', 'user', 'role')),
                    principal_value TEXT NOT NULL,
                    level TEXT NOT NULL CHECK (level IN ('member', 'admin')),
                    PRIMARY KEY (pool_id, principal_kind, principal_value, level)
                ) WITHOUT ROWID;
                CREATE TABLE pool_rule_versions (
                    id INTEGER PRIMARY KEY,
                    pool_id INTEGER NOT NULL REFERENCES pools(id),
                    version INTEGER NOT NULL,
                    rules TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    created_by INTEGER REFERENCES users(id),
                    UNIQUE (pool_id, version)
                );
                ALTER TABLE pools ADD COLUMN rule_version_id INTEGER REFERENCES pool_rule_versions(id);
                ALTER TABLE pools ADD COLUMN assign_cursor INTEGER REFERENCES users(id);
                CREATE TABLE owner_limits (
                    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('everyone', 'department', 'user')),
                    scope_id INTEGER NOT NULL DEFAULT 0,
                    max_private INTEGER CHECK (max_private >= 0),
                    count_won INTEGER NOT NULL DEFAULT 0 CHECK (count_won IN (0, 1)),
                    max_locked INTEGER CHECK (max_locked >= 0),
                    PRIMARY KEY (scope_kind, scope_id)
                ) WITHOUT ROWID;
                CREATE TABLE collaborators (
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    access TEXT NOT NULL CHECK (access IN ('read', 'write')),
                    added_at INTEGER NOT NULL,
                    PRIMARY KEY (customer_id, user_id)
                ) WITHOUT ROWID;
                CREATE INDEX collaborators_user ON collaborators(user_id, customer_id);
                ALTER TABLE ownership_events ADD COLUMN rule TEXT;
                ALTER TABLE ownership_events ADD COLUMN rule_version INTEGER;
                ALTER TABLE ownership_events ADD COLUMN sweep_run_id INTEGER REFERENCES sweep_runs(id);
                CREATE INDEX ownership_events_kind_at ON ownership_events(kind, at);
                CREATE INDEX ownership_events_from_owner ON ownership_events(from_owner_id, customer_id);
                CREATE TABLE sweep_runs (
                    id INTEGER PRIMARY KEY,
                    as_of TEXT NOT NULL,
                    started_at INTEGER NOT NULL,
                    finished_at INTEGER,
                    status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
                    evaluated INTEGER NOT NULL DEFAULT 0,
                    reclaimed INTEGER NOT NULL DEFAULT 0,
                    skipped INTEGER NOT NULL DEFAULT 0,
                    failed INTEGER NOT NULL DEFAULT 0,
                    warned INTEGER NOT NULL DEFAULT 0,
                    triggered_by TEXT NOT NULL
                );
                CREATE INDEX sweep_runs_as_of ON sweep_runs(as_of, status);
                CREATE TABLE sweep_items (
                    run_id INTEGER NOT NULL REFERENCES sweep_runs(id),
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    outcome TEXT NOT NULL CHECK (outcome IN ('reclaimed', 'skipped', 'failed')),
                    rule TEXT,
                    reason TEXT NOT NULL,
                    previous_owner_id INTEGER REFERENCES users(id),
                    pool_id INTEGER REFERENCES pools(id),
                    PRIMARY KEY (run_id, customer_id)
                ) WITHOUT ROWID;
                CREATE TABLE notifications (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    kind TEXT NOT NULL CHECK (kind IN ('reclaimed', 'reclaim_warning', 'assigned')),
                    customer_id INTEGER REFERENCES customers(id),
                    message TEXT NOT NULL,
                    due_on TEXT,
                    created_at INTEGER NOT NULL,
                    read_at INTEGER
                );
                CREATE INDEX notifications_user ON notifications(user_id, id);
                CREATE UNIQUE INDEX notifications_warning_once ON notifications(user_id, customer_id, due_on)
                    WHERE kind = 'reclaim_warning';
                CREATE TABLE reveal_log (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    fields TEXT NOT NULL,
                    at INTEGER NOT NULL
                );
                """)
        let rules = RowDecoding.encodeRules(.standard)
        for id in try Int64.fetchAll(db, sql: "SELECT id FROM pools") {
            try db.execute(
                sql: "INSERT INTO pool_rule_versions (pool_id, version, rules, created_at) VALUES (?, 1, ?, 0)",
                arguments: [id, rules])
            try db.execute(
                sql: "UPDATE pools SET rule_version_id = ? WHERE id = ?", arguments: [db.lastInsertedRowID, id])
        }
    }
}
