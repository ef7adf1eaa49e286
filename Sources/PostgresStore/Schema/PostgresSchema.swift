/// One step of the PostgreSQL schema, applied once in version order inside a transaction.
struct PostgresMigration: Sendable {
    let version: Int
    let name: String
    let sql: String
}

/// The PostgreSQL schema: the same tables, columns, constraints, indexes and triggers as the
/// SQLite schema (`Migrations`, v1-foundation … v8-directory-version), so the two backends can
/// share near-identical SQL and row decoding.
///
/// Each migration's `sql` is sent as one multi-statement simple query (PQexec), so it holds no
/// transaction control of its own. `scripts/pg-schema-check` loads it into a throwaway cluster
/// and proves its invariants; it reads each `sql` literal verbatim (minus indentation), so keep
/// every migration's SQL in ONE plain `"""` literal without backslashes or interpolation.
enum PostgresSchema {
    /// Every migration, oldest first. Never edit one that has shipped: add a new one.
    static let migrations: [PostgresMigration] = [
        PostgresMigration(version: 1, name: "initial", sql: initial),
        PostgresMigration(version: 2, name: "token-scope", sql: tokenScope),
        PostgresMigration(version: 3, name: "data-protection", sql: dataProtection),
        PostgresMigration(version: 4, name: "pool-moves", sql: poolMoves),
        PostgresMigration(version: 5, name: "facts", sql: facts),
        PostgresMigration(version: 6, name: "full-text-search", sql: fullTextSearch),
    ]

    /// SQLite's v13-full-text-search, in PostgreSQL's own way: trigram GIN indexes (`pg_trgm`, a
    /// trusted extension that a database's owner may create) answer the search's very `LIKE`s
    /// on the lowered name, the e-mail key and the phone digits (`CustomerSearch`).
    private static let fullTextSearch = """
        CREATE EXTENSION IF NOT EXISTS pg_trgm;
        CREATE INDEX customers_search_name ON customers USING gin (lower(name) gin_trgm_ops);
        CREATE INDEX customers_search_email ON customers USING gin (email_key gin_trgm_ops);
        CREATE INDEX customers_search_phone ON customers USING gin (phone_key gin_trgm_ops);
        """

    /// SQLite's v12-facts: daily facts per rep and pool, each claim's first follow-up, and the
    /// indexes reports read at a million customers.
    private static let facts = """
        CREATE TABLE rep_day_facts (
            day INTEGER NOT NULL,
            user_id BIGINT NOT NULL,
            claimed BIGINT NOT NULL DEFAULT 0,
            assigned BIGINT NOT NULL DEFAULT 0,
            released BIGINT NOT NULL DEFAULT 0,
            reclaimed BIGINT NOT NULL DEFAULT 0,
            follow_ups BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (day, user_id)
        );
        CREATE TABLE pool_day_facts (
            day INTEGER NOT NULL,
            pool_id BIGINT NOT NULL,
            inflow BIGINT NOT NULL DEFAULT 0,
            outflow BIGINT NOT NULL DEFAULT 0,
            claimed BIGINT NOT NULL DEFAULT 0,
            reclaimed_into BIGINT NOT NULL DEFAULT 0,
            PRIMARY KEY (day, pool_id)
        );
        CREATE TABLE claim_follow_ups (
            event_id BIGINT PRIMARY KEY,
            customer_id BIGINT NOT NULL,
            user_id BIGINT NOT NULL,
            claimed_at BIGINT NOT NULL,
            first_follow_up_at BIGINT
        );
        CREATE INDEX claim_follow_ups_customer ON claim_follow_ups(customer_id);
        CREATE INDEX claim_follow_ups_claimed ON claim_follow_ups(claimed_at);
        CREATE TABLE facts_state (id INTEGER PRIMARY KEY CHECK (id = 1), time_zone TEXT NOT NULL);
        CREATE INDEX ownership_events_at ON ownership_events(at);
        CREATE INDEX follow_ups_at ON follow_ups(at, by_user_id);
        CREATE INDEX customers_pool_entered ON customers(pool_id, (coalesce(entered_pool_at, created_at)))
            WHERE pool_id IS NOT NULL;
        ALTER TABLE customers ADD COLUMN acquired_from_pool_id BIGINT;
        UPDATE customers SET acquired_from_pool_id = (
            SELECT e.from_pool_id FROM ownership_events e
            WHERE e.customer_id = customers.id AND e.to_owner_id = customers.owner_id
            ORDER BY e.at DESC, e.id DESC LIMIT 1)
        WHERE owner_id IS NOT NULL;
        CREATE INDEX customers_won_since ON customers(owner_since) INCLUDE (owner_id, acquired_from_pool_id, deal_amount_cents)
            WHERE status = 'won';
        ALTER TABLE customers ADD COLUMN reclaim_at BIGINT;
        CREATE INDEX customers_reclaim_at ON customers(reclaim_at)
            INCLUDE (id, owner_since, created_at, last_follow_up_at, last_progress_at, level, industry, region, status, locked, owner_id)
            WHERE owner_id IS NOT NULL;
        CREATE TABLE forecast_state (
            id INTEGER PRIMARY KEY CHECK (id = 1), settings_token BIGINT NOT NULL, time_zone TEXT NOT NULL);
        """

    /// SQLite's v11-pool-moves: a pool customer may move to another pool.
    private static let poolMoves = """
        ALTER TABLE ownership_events DROP CONSTRAINT ownership_events_kind_check;
        ALTER TABLE ownership_events ADD CONSTRAINT ownership_events_kind_check CHECK (kind IN
            ('create', 'claim', 'release', 'assign', 'transfer', 'reclaim', 'move'));
        ALTER TABLE pools ADD COLUMN archived_at BIGINT;
        """

    /// SQLite's v10-data-protection: who saw what, alerts, idle sessions, token last use, and
    /// an erasure's one permitted change to the ownership history (a typed reason cleared).
    private static let dataProtection = """
        CREATE TABLE access_records (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            token_id BIGINT REFERENCES api_tokens(id),
            kind TEXT NOT NULL CHECK (kind IN ('export', 'reveal', 'contact_read', 'bulk_list')),
            channel TEXT NOT NULL CHECK (channel IN ('console', 'api')),
            customer_ids TEXT NOT NULL,
            filter TEXT,
            rows_seen BIGINT NOT NULL,
            at BIGINT NOT NULL
        );
        CREATE INDEX access_records_user ON access_records(user_id, at);
        CREATE INDEX access_records_at ON access_records(at);
        CREATE TABLE access_alerts (
            user_id BIGINT NOT NULL REFERENCES users(id),
            day TEXT NOT NULL,
            records BIGINT NOT NULL,
            at BIGINT NOT NULL,
            PRIMARY KEY (user_id, day)
        );
        ALTER TABLE console_sessions ADD COLUMN last_seen_at BIGINT;
        CREATE TABLE token_uses (
            token_id BIGINT PRIMARY KEY REFERENCES api_tokens(id),
            last_used_at BIGINT NOT NULL
        );
        DROP TRIGGER ownership_events_append_only_update ON ownership_events;
        CREATE TRIGGER ownership_events_append_only_update BEFORE UPDATE ON ownership_events
            FOR EACH ROW WHEN (OLD.reason IS NULL OR NEW.reason IS NOT NULL
              OR (NEW.id, NEW.customer_id, NEW.kind, NEW.from_owner_id, NEW.to_owner_id, NEW.from_pool_id, NEW.to_pool_id,
                  NEW.actor_id, NEW.routed_by, NEW.at, NEW.rule, NEW.rule_version, NEW.sweep_run_id)
                IS DISTINCT FROM (OLD.id, OLD.customer_id, OLD.kind, OLD.from_owner_id, OLD.to_owner_id, OLD.from_pool_id,
                  OLD.to_pool_id, OLD.actor_id, OLD.routed_by, OLD.at, OLD.rule, OLD.rule_version, OLD.sweep_run_id))
            EXECUTE FUNCTION refuse_change('ownership events are append-only');
        """

    /// SQLite's v9-token-scope: API tokens may expire and be read-only or limited to pools.
    private static let tokenScope = """
        ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
        ALTER TABLE api_tokens ADD COLUMN read_only INTEGER NOT NULL DEFAULT 0 CHECK (read_only IN (0, 1));
        ALTER TABLE api_tokens ADD COLUMN pool_ids TEXT;
        """

    /// The final shape of SQLite's v1…v8, written at once (the backend is new, so there is no
    /// history to replay).
    private static let initial = """
        -- gonghai's schema in PostgreSQL's dialect: SQLite's v1-foundation … v8-directory-version
        -- folded into one step. Names and meanings are SQLite's; where PostgreSQL differs, why:
        --
        -- Types
        --   * INTEGER PRIMARY KEY (a rowid) -> BIGINT GENERATED BY DEFAULT AS IDENTITY: BY DEFAULT
        --     so imports and tests may set ids (they must then setval the sequence; SQLite takes
        --     max(id) + 1 by itself). Never reused, like AUTOINCREMENT.
        --   * every other INTEGER (ids, ms timestamps from Timestamp.encode, counts, cents,
        --     versions, tokens) -> BIGINT: SQLite's integers are 64-bit and Swift reads Int64.
        --   * 0/1 flags (users.active, users.on_leave, pools.is_default, customers.locked,
        --     owner_limits.count_won, webhook_endpoints.active) stay INTEGER 0/1 with
        --     CHECK (x IN (0, 1)), not BOOLEAN: the shared SQL compares and sets them as numbers
        --     (active = 1, SET is_default = 0, CASE ... THEN 0 ELSE locked END) and the row
        --     decoding reads them as integers != 0. (Bind them as integers, not as booleans.)
        --   * BLOB (token hashes) -> BYTEA.
        --   * JSON held in TEXT (pools.industries/regions, pool_rule_versions.rules,
        --     reveal_log.fields, audit_log.before/after, webhook_endpoints.kinds,
        --     webhook_outbox.payload) stays TEXT: Swift encodes and decodes it, no trigger reads it.
        --   * Dates as text (sweep_runs.as_of, notifications.due_on) stay TEXT.
        --
        -- Text comparison
        --   SQLite compares TEXT bytewise (BINARY). Columns that are sorted, range-compared or
        --   LIKE-matched by the shared SQL get COLLATE "C" for the same order whatever the
        --   database's locale: customers.name (the name order and its keyset cursors; also makes
        --   lower(name) fold ASCII only, as SQLite's lower() does), the duplicate keys name_key,
        --   phone_key, email_key (matched with LIKE), customers.industry/region and the tallies'
        --   copies of them, and pool_access's principals (read in that order). Equality and
        --   UNIQUE are bytewise under every deterministic collation anyway.
        --
        -- Normalization
        --   name_key / phone_key / email_key are plain columns written by Swift
        --   (DuplicateKeys: Unicode lowercasing, width folding, legal-suffix stripping, phone
        --   prefixes), exactly as in SQLite; UNIQUE on them keeps each customer once. They are
        --   not generated columns because that normalization is not expressible in SQL.
        --
        -- Triggers
        --   SQLite's triggers are all FOR EACH ROW; so are these, with the same names, timing
        --   (BEFORE/AFTER), events and column lists, so they fire exactly when SQLite's do.
        --   PostgreSQL also has TRUNCATE, which SQLite lacks and row triggers do not see; each
        --   table with a trigger gets a statement-level TRUNCATE trigger that does the same
        --   (refuse, reset the tallies, or change the token).
        --   RAISE(ABORT, ...) -> RAISE EXCEPTION with SQLSTATE 23000 (integrity_constraint_violation),
        --   SQLite reporting it as a constraint failure too, and the same message.
        --   random() for tokens -> random_token(): 64 random bits from gen_random_uuid()
        --   (PostgreSQL 13+ core, a strong source), as a BIGINT like SQLite's random().

        -- A fresh token for settings_version: 64 bits of md5 over a random UUID.
        CREATE FUNCTION random_token() RETURNS bigint LANGUAGE sql VOLATILE
          RETURN ('x' || left(md5(gen_random_uuid()::text), 16))::bit(64)::bigint;

        -- Refuses the change; the trigger's argument is the message.
        CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION USING MESSAGE = TG_ARGV[0], ERRCODE = 'integrity_constraint_violation';
        END
        $$;

        CREATE TABLE departments (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            parent_id BIGINT REFERENCES departments(id)
        );

        CREATE TABLE users (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            role TEXT NOT NULL CHECK (role IN ('admin', 'manager', 'rep')),
            department_id BIGINT REFERENCES departments(id),
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at BIGINT NOT NULL,
            on_leave INTEGER NOT NULL DEFAULT 0 CHECK (on_leave IN (0, 1)),
            password_hash TEXT,
            failed_sign_ins BIGINT NOT NULL DEFAULT 0,
            locked_until BIGINT,
            time_zone TEXT
        );

        CREATE TABLE api_tokens (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            token_hash BYTEA NOT NULL UNIQUE,
            label TEXT,
            created_at BIGINT NOT NULL,
            revoked_at BIGINT
        );

        -- pools and pool_rule_versions refer to each other: the pools' reference is added below.
        CREATE TABLE pools (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            industries TEXT NOT NULL DEFAULT '[]',
            regions TEXT NOT NULL DEFAULT '[]',
            priority BIGINT NOT NULL DEFAULT 0,
            is_default INTEGER NOT NULL DEFAULT 0 CHECK (is_default IN (0, 1)),
            rule_version_id BIGINT,
            assign_cursor BIGINT REFERENCES users(id)
        );
        -- At most one default pool.
        CREATE UNIQUE INDEX pools_one_default ON pools(is_default) WHERE is_default = 1;

        CREATE TABLE pool_rule_versions (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            pool_id BIGINT NOT NULL REFERENCES pools(id),
            version BIGINT NOT NULL,
            rules TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            created_by BIGINT REFERENCES users(id),
            UNIQUE (pool_id, version)
        );
        ALTER TABLE pools ADD CONSTRAINT pools_rule_version_id_fkey
            FOREIGN KEY (rule_version_id) REFERENCES pool_rule_versions(id);

        CREATE TABLE pool_access (
            pool_id BIGINT NOT NULL REFERENCES pools(id) ON DELETE CASCADE,
            principal_kind TEXT COLLATE "C" NOT NULL CHECK (principal_kind IN ('department', 'user', 'role')),
            principal_value TEXT COLLATE "C" NOT NULL,
            level TEXT NOT NULL CHECK (level IN ('member', 'admin')),
            PRIMARY KEY (pool_id, principal_kind, principal_value, level)
        );

        CREATE TABLE owner_limits (
            scope_kind TEXT NOT NULL CHECK (scope_kind IN ('everyone', 'department', 'user')),
            scope_id BIGINT NOT NULL DEFAULT 0,
            max_private BIGINT CHECK (max_private >= 0),
            count_won INTEGER NOT NULL DEFAULT 0 CHECK (count_won IN (0, 1)),
            max_locked BIGINT CHECK (max_locked >= 0),
            PRIMARY KEY (scope_kind, scope_id)
        );

        -- A customer is either owned or in a pool (never both, never neither); only an owned
        -- customer may be locked. The constraints are named so that errors say which one.
        CREATE TABLE customers (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            name TEXT COLLATE "C" NOT NULL,
            name_key TEXT COLLATE "C" NOT NULL UNIQUE,
            phone TEXT,
            phone_key TEXT COLLATE "C" UNIQUE,
            email TEXT,
            email_key TEXT COLLATE "C" UNIQUE,
            industry TEXT COLLATE "C",
            region TEXT COLLATE "C",
            level TEXT,
            source TEXT,
            status TEXT NOT NULL DEFAULT 'lead' CHECK (status IN
                ('lead', 'contacted', 'negotiating', 'won', 'lost', 'invalid')),
            deal_amount_cents BIGINT CHECK (deal_amount_cents >= 0),
            owner_id BIGINT REFERENCES users(id),
            pool_id BIGINT REFERENCES pools(id),
            previous_owner_id BIGINT REFERENCES users(id),
            locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1)),
            created_by BIGINT REFERENCES users(id),
            created_at BIGINT NOT NULL,
            owner_since BIGINT,
            last_follow_up_at BIGINT,
            last_progress_at BIGINT,
            updated_at BIGINT NOT NULL,
            entered_pool_at BIGINT,
            CONSTRAINT customers_owned_xor_pooled CHECK ((owner_id IS NULL) <> (pool_id IS NULL)),
            CONSTRAINT customers_locked_owned CHECK (locked = 0 OR owner_id IS NOT NULL)
        );
        CREATE INDEX customers_owner ON customers(owner_id, created_at, id);
        CREATE INDEX customers_pool ON customers(pool_id, created_at, id);
        CREATE INDEX customers_created ON customers(created_at, id);
        CREATE INDEX customers_updated ON customers(updated_at, id);
        CREATE INDEX customers_follow_up ON customers(last_follow_up_at, id);
        CREATE INDEX customers_name ON customers(name, id);
        -- The list reps use most (an industry and a region, newest activity first), with
        -- owner_id for "in a pool or not", answered from the index.
        CREATE INDEX customers_industry_region ON customers(industry, region, updated_at, id, owner_id);
        -- The owner-limit count reads a rep's customers' statuses from the index alone.
        CREATE INDEX customers_owner_status ON customers(owner_id, status);

        CREATE TABLE follow_ups (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            kind TEXT NOT NULL CHECK (kind IN ('call', 'visit', 'message', 'note')),
            text TEXT NOT NULL,
            at BIGINT NOT NULL,
            by_user_id BIGINT REFERENCES users(id)
        );
        CREATE INDEX follow_ups_customer ON follow_ups(customer_id, at, id);

        CREATE TABLE collaborators (
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            user_id BIGINT NOT NULL REFERENCES users(id),
            access TEXT NOT NULL CHECK (access IN ('read', 'write')),
            added_at BIGINT NOT NULL,
            PRIMARY KEY (customer_id, user_id)
        );
        CREATE INDEX collaborators_user ON collaborators(user_id, customer_id);

        -- Created before ownership_events, which refers to it (SQLite allowed the reverse order).
        CREATE TABLE sweep_runs (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            as_of TEXT NOT NULL,
            started_at BIGINT NOT NULL,
            finished_at BIGINT,
            status TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
            evaluated BIGINT NOT NULL DEFAULT 0,
            reclaimed BIGINT NOT NULL DEFAULT 0,
            skipped BIGINT NOT NULL DEFAULT 0,
            failed BIGINT NOT NULL DEFAULT 0,
            warned BIGINT NOT NULL DEFAULT 0,
            triggered_by TEXT NOT NULL
        );
        CREATE INDEX sweep_runs_as_of ON sweep_runs(as_of, status);

        CREATE TABLE sweep_items (
            run_id BIGINT NOT NULL REFERENCES sweep_runs(id),
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            outcome TEXT NOT NULL CHECK (outcome IN ('reclaimed', 'skipped', 'failed')),
            rule TEXT,
            reason TEXT NOT NULL,
            previous_owner_id BIGINT REFERENCES users(id),
            pool_id BIGINT REFERENCES pools(id),
            PRIMARY KEY (run_id, customer_id)
        );

        -- The ownership history: append-only (triggers below).
        CREATE TABLE ownership_events (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            kind TEXT NOT NULL CHECK (kind IN
                ('create', 'claim', 'release', 'assign', 'transfer', 'reclaim')),
            from_owner_id BIGINT REFERENCES users(id),
            to_owner_id BIGINT REFERENCES users(id),
            from_pool_id BIGINT REFERENCES pools(id),
            to_pool_id BIGINT REFERENCES pools(id),
            actor_id BIGINT REFERENCES users(id),
            reason TEXT,
            routed_by TEXT CHECK (routed_by IN ('explicit', 'matched', 'default')),
            at BIGINT NOT NULL,
            rule TEXT,
            rule_version BIGINT,
            sweep_run_id BIGINT REFERENCES sweep_runs(id)
        );
        CREATE INDEX ownership_events_customer ON ownership_events(customer_id, id);
        -- A claim's daily-limit count reads this rep's claims from this pool today.
        CREATE INDEX ownership_events_claims ON ownership_events(to_owner_id, from_pool_id, at) WHERE kind = 'claim';
        CREATE INDEX ownership_events_kind_at ON ownership_events(kind, at);
        CREATE INDEX ownership_events_from_owner ON ownership_events(from_owner_id, customer_id);
        CREATE TRIGGER ownership_events_append_only_update BEFORE UPDATE ON ownership_events
            FOR EACH ROW EXECUTE FUNCTION refuse_change('ownership events are append-only');
        CREATE TRIGGER ownership_events_append_only_delete BEFORE DELETE ON ownership_events
            FOR EACH ROW EXECUTE FUNCTION refuse_change('ownership events are append-only');
        CREATE TRIGGER ownership_events_append_only_truncate BEFORE TRUNCATE ON ownership_events
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('ownership events are append-only');

        CREATE TABLE notifications (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            kind TEXT NOT NULL CHECK (kind IN ('reclaimed', 'reclaim_warning', 'assigned')),
            customer_id BIGINT REFERENCES customers(id),
            message TEXT NOT NULL,
            due_on TEXT,
            created_at BIGINT NOT NULL,
            read_at BIGINT
        );
        CREATE INDEX notifications_user ON notifications(user_id, id);
        -- One reclaim warning per user, customer and due date (SQLite's INSERT OR IGNORE is
        -- ON CONFLICT DO NOTHING here).
        CREATE UNIQUE INDEX notifications_warning_once ON notifications(user_id, customer_id, due_on)
            WHERE kind = 'reclaim_warning';

        CREATE TABLE reveal_log (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            customer_id BIGINT NOT NULL REFERENCES customers(id),
            fields TEXT NOT NULL,
            at BIGINT NOT NULL
        );

        CREATE TABLE console_sessions (
            token_hash BYTEA PRIMARY KEY,
            user_id BIGINT NOT NULL REFERENCES users(id),
            csrf_token TEXT NOT NULL,
            created_at BIGINT NOT NULL,
            expires_at BIGINT NOT NULL
        );
        CREATE INDEX console_sessions_user ON console_sessions(user_id);

        -- The audit log: append-only (triggers below).
        CREATE TABLE audit_log (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            user_id BIGINT REFERENCES users(id),
            action TEXT NOT NULL,
            entity TEXT NOT NULL,
            before TEXT,
            after TEXT,
            at BIGINT NOT NULL
        );
        CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
        CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
            FOR EACH ROW EXECUTE FUNCTION refuse_change('the audit log is append-only');
        CREATE TRIGGER audit_log_append_only_truncate BEFORE TRUNCATE ON audit_log
            FOR EACH STATEMENT EXECUTE FUNCTION refuse_change('the audit log is append-only');

        CREATE TABLE webhook_endpoints (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            url TEXT NOT NULL,
            secret TEXT NOT NULL,
            kinds TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
            created_at BIGINT NOT NULL
        );

        CREATE TABLE webhook_outbox (
            id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
            endpoint_id BIGINT NOT NULL REFERENCES webhook_endpoints(id),
            delivery_id TEXT NOT NULL UNIQUE,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
            attempts BIGINT NOT NULL DEFAULT 0,
            next_attempt_at BIGINT NOT NULL,
            last_error TEXT,
            created_at BIGINT NOT NULL,
            delivered_at BIGINT
        );
        CREATE INDEX webhook_outbox_due ON webhook_outbox(status, next_attempt_at);

        -- Customer counts per (industry, region, pool), kept exact by triggers on customers so
        -- that every write path keeps them, including ones added later. pool_id 0 stands for
        -- private customers and '' for a missing industry or region. Rows that fall to 0 stay,
        -- as in SQLite.
        CREATE TABLE customer_tallies (
            industry TEXT COLLATE "C" NOT NULL,
            region TEXT COLLATE "C" NOT NULL,
            pool_id BIGINT NOT NULL,
            customers BIGINT NOT NULL,
            PRIMARY KEY (industry, region, pool_id)
        );

        -- One function for the three row triggers. A move (UPDATE) takes one from the old key
        -- and adds one to the new; unlike SQLite, writers here run concurrently and lock the
        -- tally rows they change until commit, so the two changes are made in key order: a
        -- claim (pool -> private) and a reclaim (private -> pool) of the same industry and region
        -- then wait for each other instead of deadlocking.
        CREATE FUNCTION customer_tallies_keep() RETURNS trigger LANGUAGE plpgsql AS $$
        DECLARE
          add_first boolean := false;
        BEGIN
          IF TG_OP = 'UPDATE' THEN
            add_first := (coalesce(NEW.industry, ''), coalesce(NEW.region, ''), coalesce(NEW.pool_id, 0))
                       < (coalesce(OLD.industry, ''), coalesce(OLD.region, ''), coalesce(OLD.pool_id, 0));
          END IF;
          IF add_first THEN
            INSERT INTO customer_tallies (industry, region, pool_id, customers)
              VALUES (coalesce(NEW.industry, ''), coalesce(NEW.region, ''), coalesce(NEW.pool_id, 0), 1)
              ON CONFLICT (industry, region, pool_id) DO UPDATE SET customers = customer_tallies.customers + 1;
          END IF;
          IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE customer_tallies SET customers = customers - 1
              WHERE (industry, region, pool_id)
                  = (coalesce(OLD.industry, ''), coalesce(OLD.region, ''), coalesce(OLD.pool_id, 0));
          END IF;
          IF TG_OP IN ('INSERT', 'UPDATE') AND NOT add_first THEN
            INSERT INTO customer_tallies (industry, region, pool_id, customers)
              VALUES (coalesce(NEW.industry, ''), coalesce(NEW.region, ''), coalesce(NEW.pool_id, 0), 1)
              ON CONFLICT (industry, region, pool_id) DO UPDATE SET customers = customer_tallies.customers + 1;
          END IF;
          RETURN NULL;
        END
        $$;
        CREATE TRIGGER customer_tallies_insert AFTER INSERT ON customers
            FOR EACH ROW EXECUTE FUNCTION customer_tallies_keep();
        CREATE TRIGGER customer_tallies_delete AFTER DELETE ON customers
            FOR EACH ROW EXECUTE FUNCTION customer_tallies_keep();
        CREATE TRIGGER customer_tallies_update AFTER UPDATE OF pool_id, industry, region ON customers
            FOR EACH ROW
            WHEN (OLD.pool_id IS DISTINCT FROM NEW.pool_id OR OLD.industry IS DISTINCT FROM NEW.industry
                  OR OLD.region IS DISTINCT FROM NEW.region)
            EXECUTE FUNCTION customer_tallies_keep();

        -- TRUNCATE customers leaves no customer, so no tally. (It must cascade to ownership_events,
        -- which refuses TRUNCATE, so this only runs where that refusal has been lifted.)
        CREATE FUNCTION customer_tallies_reset() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          DELETE FROM customer_tallies;
          RETURN NULL;
        END
        $$;
        CREATE TRIGGER customer_tallies_truncate AFTER TRUNCATE ON customers
            FOR EACH STATEMENT EXECUTE FUNCTION customer_tallies_reset();

        -- Tokens that change with every change to the settings tables (token) and to what a
        -- Directory reads of users (directory_token), so a TokenMemo tells in one read whether
        -- its copy is current. Random, not a counter: a counter rolled back with its transaction
        -- would come round again for different contents. The single row is seeded here.
        CREATE TABLE settings_version (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            token BIGINT NOT NULL,
            directory_token BIGINT NOT NULL DEFAULT 0
        );
        INSERT INTO settings_version (id, token, directory_token) VALUES (1, random_token(), random_token());

        CREATE FUNCTION settings_version_touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE settings_version SET token = random_token() WHERE id = 1;
          RETURN NULL;
        END
        $$;

        CREATE FUNCTION directory_version_touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          UPDATE settings_version SET directory_token = random_token() WHERE id = 1;
          RETURN NULL;
        END
        $$;

        -- The settings tables (Settings.tables): every insert, update and delete.
        CREATE TRIGGER settings_version_departments_insert AFTER INSERT ON departments
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_departments_update AFTER UPDATE ON departments
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_departments_delete AFTER DELETE ON departments
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_departments_truncate AFTER TRUNCATE ON departments
            FOR EACH STATEMENT EXECUTE FUNCTION settings_version_touch();

        CREATE TRIGGER settings_version_pools_insert AFTER INSERT ON pools
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pools_update AFTER UPDATE ON pools
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pools_delete AFTER DELETE ON pools
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pools_truncate AFTER TRUNCATE ON pools
            FOR EACH STATEMENT EXECUTE FUNCTION settings_version_touch();

        CREATE TRIGGER settings_version_pool_rule_versions_insert AFTER INSERT ON pool_rule_versions
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_rule_versions_update AFTER UPDATE ON pool_rule_versions
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_rule_versions_delete AFTER DELETE ON pool_rule_versions
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_rule_versions_truncate AFTER TRUNCATE ON pool_rule_versions
            FOR EACH STATEMENT EXECUTE FUNCTION settings_version_touch();

        CREATE TRIGGER settings_version_pool_access_insert AFTER INSERT ON pool_access
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_access_update AFTER UPDATE ON pool_access
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_access_delete AFTER DELETE ON pool_access
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_pool_access_truncate AFTER TRUNCATE ON pool_access
            FOR EACH STATEMENT EXECUTE FUNCTION settings_version_touch();

        CREATE TRIGGER settings_version_owner_limits_insert AFTER INSERT ON owner_limits
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_owner_limits_update AFTER UPDATE ON owner_limits
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_owner_limits_delete AFTER DELETE ON owner_limits
            FOR EACH ROW EXECUTE FUNCTION settings_version_touch();
        CREATE TRIGGER settings_version_owner_limits_truncate AFTER TRUNCATE ON owner_limits
            FOR EACH STATEMENT EXECUTE FUNCTION settings_version_touch();

        -- Users: inserts, deletes, and updates of the columns a User reads
        -- (Directory.trackedColumns); sign-in bookkeeping (failed_sign_ins, locked_until,
        -- password_hash, time_zone) leaves the token alone. As in SQLite, UPDATE OF fires when a
        -- listed column is in the SET list, whether or not its value changes.
        CREATE TRIGGER directory_version_users_insert AFTER INSERT ON users
            FOR EACH ROW EXECUTE FUNCTION directory_version_touch();
        CREATE TRIGGER directory_version_users_update
            AFTER UPDATE OF name, role, department_id, active, on_leave ON users
            FOR EACH ROW EXECUTE FUNCTION directory_version_touch();
        CREATE TRIGGER directory_version_users_delete AFTER DELETE ON users
            FOR EACH ROW EXECUTE FUNCTION directory_version_touch();
        CREATE TRIGGER directory_version_users_truncate AFTER TRUNCATE ON users
            FOR EACH STATEMENT EXECUTE FUNCTION directory_version_touch();
        """
}
