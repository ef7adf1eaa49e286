import GRDB

/// The database schema, one migration per version. SQLite keeps the invariants:
/// a customer is either owned or in a pool (CHECK), each customer exists once (UNIQUE keys),
/// enumerations are closed (CHECK), references hold (foreign keys).
enum Migrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-foundation", migrate: foundation)
        migrator.registerMigration("v2-rules", migrate: rules)
        migrator.registerMigration("v3-console", migrate: console)
        migrator.registerMigration("v4-webhooks", migrate: webhooks)
        migrator.registerMigration("v5-search", migrate: search)
        migrator.registerMigration("v6-tallies", migrate: tallies)
        migrator.registerMigration("v7-settings-version", migrate: settingsVersion)
        migrator.registerMigration("v8-directory-version", migrate: directoryVersion)
        migrator.registerMigration("v9-token-scope", migrate: tokenScope)
        migrator.registerMigration("v10-data-protection", migrate: dataProtection)
        migrator.registerMigration("v11-pool-moves", migrate: poolMoves)
        migrator.registerMigration("v12-facts", migrate: facts)
        migrator.registerMigration("v13-full-text-search", migrate: fullTextSearch)
        return migrator
    }

    /// Indexes for what grows with the customer count (measured on 1M customers):
    /// - the list reps use most (an industry and a region, newest activity first) reads its page
    ///   straight off an index and counts only the matching entries from the index alone
    ///   (`owner_id` is in it for "in a pool or not"), not the table;
    /// - a claim's daily-limit count reads this rep's claims from this pool today, not
    ///   everybody's claims of the day;
    /// - the owner-limit count reads the rep's customers' statuses from the index alone.
    private static func search(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE INDEX customers_industry_region ON customers(industry, region, updated_at, id, owner_id);
                CREATE INDEX ownership_events_claims ON ownership_events(to_owner_id, from_pool_id, at) WHERE kind = 'claim';
                CREATE INDEX customers_owner_status ON customers(owner_id, status);
                """)
    }

    /// Customer counts per (industry, region, pool), kept by triggers, so that `totalCount` of
    /// the lists filtered by those dimensions reads a few tally rows instead of counting index
    /// entries: at 1M customers one industry and region matched 16k entries, and the count cost
    /// three times the page. Triggers, not Swift, keep them because every write path (claims,
    /// the sweep, imports, edits, the demo seeder) must, including ones added later.
    ///
    /// `pool_id` 0 stands for private customers (a customer is in exactly one of the two), and ''
    /// for a missing industry or region; only counts for a non-empty value are read from here.
    private static func tallies(_ db: Database) throws {
        func keyOf(_ row: String) -> String { "ifnull(\(row).pool_id, 0), ifnull(\(row).industry, ''), ifnull(\(row).region, '')" }
        func add(_ row: String) -> String {
            """
            INSERT INTO customer_tallies (pool_id, industry, region, customers) VALUES (\(keyOf(row)), 1)
              ON CONFLICT DO UPDATE SET customers = customers + 1;
            """
        }
        let remove = """
            UPDATE customer_tallies SET customers = customers - 1
              WHERE (pool_id, industry, region) = (\(keyOf("old")));
            """
        try db.execute(
            sql: """
                CREATE TABLE customer_tallies (
                    industry TEXT NOT NULL,
                    region TEXT NOT NULL,
                    pool_id INTEGER NOT NULL,
                    customers INTEGER NOT NULL,
                    PRIMARY KEY (industry, region, pool_id)
                ) WITHOUT ROWID;
                INSERT INTO customer_tallies (pool_id, industry, region, customers)
                  SELECT \(keyOf("customers")), COUNT(*) FROM customers GROUP BY 1, 2, 3;
                CREATE TRIGGER customer_tallies_insert AFTER INSERT ON customers BEGIN
                  \(add("new"))
                END;
                CREATE TRIGGER customer_tallies_delete AFTER DELETE ON customers BEGIN
                  \(remove)
                END;
                CREATE TRIGGER customer_tallies_update AFTER UPDATE OF pool_id, industry, region ON customers
                  WHEN old.pool_id IS NOT new.pool_id OR old.industry IS NOT new.industry
                    OR old.region IS NOT new.region
                BEGIN
                  \(remove)
                  \(add("new"))
                END;
                """)
    }

    /// A token that changes with every change to the settings tables, so a `TokenMemo` can tell
    /// in one read whether its copy is current.
    private static func settingsVersion(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE settings_version (id INTEGER PRIMARY KEY CHECK (id = 1), token INTEGER NOT NULL);
            INSERT INTO settings_version (id, token) VALUES (1, random());
            """)
        for table in Settings.tables {
            for operation in ["INSERT", "UPDATE", "DELETE"] {
                try db.execute(sql: """
                    CREATE TRIGGER settings_version_\(table)_\(operation.lowercased()) AFTER \(operation) ON \(table)
                    BEGIN UPDATE settings_version SET token = random() WHERE id = 1; END
                    """)
            }
        }
    }

    /// The same for the users a `Directory` holds: inserts, deletes, and updates of the columns a
    /// `User` reads (sign-in bookkeeping such as failed attempts leaves it alone).
    private static func directoryVersion(_ db: Database) throws {
        let change = "BEGIN UPDATE settings_version SET directory_token = random() WHERE id = 1; END"
        try db.execute(sql: """
            ALTER TABLE settings_version ADD COLUMN directory_token INTEGER NOT NULL DEFAULT 0;
            UPDATE settings_version SET directory_token = random();
            CREATE TRIGGER directory_version_users_insert AFTER INSERT ON users \(change);
            CREATE TRIGGER directory_version_users_delete AFTER DELETE ON users \(change);
            CREATE TRIGGER directory_version_users_update
              AFTER UPDATE OF \(Directory.trackedColumns.joined(separator: ", ")) ON users \(change);
            """)
    }

    /// API tokens may expire and be scoped: read-only, or limited to named pools (`TokenScope`).
    private static func tokenScope(_ db: Database) throws {
        try db.execute(sql: """
            ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
            ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
            ALTER TABLE api_tokens ADD COLUMN pool_ids TEXT;
            """)
    }

    private static func foundation(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE departments (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    parent_id INTEGER REFERENCES departments(id)
                );
                CREATE TABLE users (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
                    department_id INTEGER REFERENCES departments(id),
                    active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
                    created_at INTEGER NOT NULL
                );
                CREATE TABLE api_tokens (
                    id INTEGER PRIMARY KEY,
                    user_id INTEGER NOT NULL REFERENCES users(id),
                    token_hash BLOB NOT NULL UNIQUE,
                    label TEXT,
                    created_at INTEGER NOT NULL,
                    revoked_at INTEGER
                );
                CREATE TABLE pools (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL UNIQUE,
                    industries TEXT NOT NULL DEFAULT '[]',
                    regions TEXT NOT NULL DEFAULT '[]',
                    priority INTEGER NOT NULL DEFAULT 0,
                    is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1))
                );
                CREATE UNIQUE INDEX pools_one_default ON pools(is_default) WHERE is_default = 1;
                CREATE TABLE customers (
                    id INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    name_key TEXT NOT NULL UNIQUE,
                    phone TEXT,
                    phone_key TEXT UNIQUE,
                    email TEXT,
                    email_key TEXT UNIQUE,
                    industry TEXT,
                    region TEXT,
                    level TEXT,
                    source TEXT,
                    status TEXT NOT NULL DEFAULT 'lead' CHECK (status IN
                        ('lead', 'contacted', 'negotiating', 'won', 'lost', 'invalid')),
                    deal_amount_cents INTEGER CHECK (deal_amount_cents >= 0),
                    owner_id INTEGER REFERENCES users(id),
                    pool_id INTEGER REFERENCES pools(id),
                    previous_owner_id INTEGER REFERENCES users(id),
                    locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
                    created_by INTEGER REFERENCES users(id),
                    created_at INTEGER NOT NULL,
                    owner_since INTEGER,
                    last_follow_up_at INTEGER,
                    last_progress_at INTEGER,
                    updated_at INTEGER NOT NULL,
                    CHECK ((owner_id IS NULL) <> (pool_id IS NULL)),
                    CHECK (locked = 0 OR owner_id IS NOT NULL)
                );
                CREATE INDEX customers_owner ON customers(owner_id, created_at, id);
                CREATE INDEX customers_pool ON customers(pool_id, created_at, id);
                CREATE INDEX customers_created ON customers(created_at, id);
                CREATE INDEX customers_updated ON customers(updated_at, id);
                CREATE INDEX customers_follow_up ON customers(last_follow_up_at, id);
                CREATE INDEX customers_name ON customers(name, id);
                CREATE TABLE follow_ups (
                    id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    kind TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'message', 'note')),
                    text TEXT NOT NULL,
                    at INTEGER NOT NULL,
                    by_user_id INTEGER REFERENCES users(id)
                );
                CREATE INDEX follow_ups_customer ON follow_ups(customer_id, at, id);
                CREATE TABLE ownership_events (
                    id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL REFERENCES customers(id),
                    kind TEXT NOT NULL CHECK (kind IN
                        ('create', 'claim', 'release', 'assign', 'transfer', 'reclaim')),
                    from_owner_id INTEGER REFERENCES users(id),
                    to_owner_id INTEGER REFERENCES users(id),
                    from_pool_id INTEGER REFERENCES pools(id),
                    to_pool_id INTEGER REFERENCES pools(id),
                    actor_id INTEGER REFERENCES users(id),
                    reason TEXT,
                    routed_by TEXT CHECK (routed_by IN ('explicit', 'matched', 'default')),
                    at INTEGER NOT NULL
                );
                CREATE INDEX ownership_events_customer ON ownership_events(customer_id, id);
                CREATE TRIGGER ownership_events_append_only_update BEFORE UPDATE ON ownership_events
                BEGIN SELECT RAISE(ABORT, 'ownership events are append-only'); END;
                CREATE TRIGGER ownership_events_append_only_delete BEFORE DELETE ON ownership_events
                BEGIN SELECT RAISE(ABORT, 'ownership events are append-only'); END;
                """)
    }
}
