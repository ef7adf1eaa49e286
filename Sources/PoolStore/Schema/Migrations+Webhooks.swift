import GRDB

extension Migrations {
    /// v4: webhook endpoints and the outbox their deliveries wait in.
    static func webhooks(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE webhook_endpoints (
                    id INTEGER PRIMARY KEY,
                    url TEXT NOT NULL,
                    secret TEXT NOT NULL,
                    kinds TEXT NOT NULL,
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE webhook_outbox (
                    id INTEGER PRIMARY KEY,
                    endpoint_id INTEGER NOT NULL REFERENCES webhook_endpoints(id),
                    delivery_id TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at INTEGER NOT NULL,
                    last_error TEXT,
                    created_at INTEGER NOT NULL,
                    delivered_at INTEGER
                );
                CREATE INDEX webhook_outbox_due ON webhook_outbox(status, next_attempt_at);
                """)
    }
}
