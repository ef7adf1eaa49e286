import GRDB

extension Migrations {
    /// v3: console accounts, sessions and the audit log.
    static func console(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE users ADD COLUMN password_hash TEXT;
                ALTER TABLE users ADD COLUMN failed_sign_ins INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE users ADD COLUMN locked_until INTEGER;
                ALTER TABLE users ADD COLUMN time_zone TEXT;
                CREATE TABLE console_sessions (
                    token_hash BLOB PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    csrf_token TEXT NOT NULL,
                    created_at INTEGER NOT NULL,
                    expires_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX console_sessions_user ON console_sessions(user_id);
                CREATE TABLE audit_log (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER REFERENCES users(id),
                    action TEXT NOT NULL,
                    entity TEXT NOT NULL,
                    before TEXT,
                    after TEXT,
                    at INTEGER NOT NULL
                );
                CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
                BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
    }
}
