import GRDB

extension Migrations {
    /// v12: what reports read at a million customers without scanning history (`DailyFacts`).
    ///
    /// - daily facts per rep and per pool, and each claim's first follow-up, counted by the
    ///   store as events happen; empty here: the store counts them from the history when it
    ///   opens (`facts_state` has no time zone yet), in the team's time zone;
    /// - history by time, for the hours of a period that do not fill a whole day and for
    ///   counting the facts again one day at a time;
    /// - pool ages from an index of (pool, time in pool);
    /// - each owned customer's pool of origin (`acquired_from_pool_id`: the pool its current
    ///   owner took it from, NULL when it came from a person or was created owned), and won
    ///   customers by when their current ownership began: what "converted" counts;
    /// - each owned customer's forecast reclaim instant (`reclaim_at`), kept by every write to
    ///   the customer and refreshed for all after a change of pools or rules (`forecast_state`
    ///   names the settings it was computed for), and an index of every owned customer by it
    ///   that answers "due this week" and rule previews from itself (`ReclaimForecastSQL`).
    static func facts(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE rep_day_facts (
                    day INTEGER NOT NULL,
                    user_id INTEGER NOT NULL,
                    claimed INTEGER NOT NULL DEFAULT 0,
                    assigned INTEGER NOT NULL DEFAULT 0,
                    released INTEGER NOT NULL DEFAULT 0,
                    reclaimed INTEGER NOT NULL DEFAULT 0,
                    follow_ups INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (day, user_id)
                ) WITHOUT ROWID;
                CREATE TABLE pool_day_facts (
                    day INTEGER NOT NULL,
                    pool_id INTEGER NOT NULL,
                    inflow INTEGER NOT NULL DEFAULT 0,
                    outflow INTEGER NOT NULL DEFAULT 0,
                    claimed INTEGER NOT NULL DEFAULT 0,
                    reclaimed_into INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (day, pool_id)
                ) WITHOUT ROWID;
                CREATE TABLE claim_follow_ups (
                    event_id INTEGER PRIMARY KEY,
                    customer_id INTEGER NOT NULL,
                    user_id INTEGER NOT NULL,
                    claimed_at INTEGER NOT NULL,
                    first_follow_up_at INTEGER
                );
                CREATE INDEX claim_follow_ups_customer ON claim_follow_ups(customer_id);
                CREATE INDEX claim_follow_ups_claimed ON claim_follow_ups(claimed_at);
                CREATE TABLE facts_state (id INTEGER PRIMARY KEY CHECK (id = 1), time_zone TEXT NOT NULL);
                CREATE INDEX ownership_events_at ON ownership_events(at);
                CREATE INDEX follow_ups_at ON follow_ups(at, by_user_id);
                CREATE INDEX customers_pool_entered ON customers(pool_id, coalesce(entered_pool_at, created_at))
                    WHERE pool_id IS NOT NULL;
                ALTER TABLE customers ADD COLUMN acquired_from_pool_id INTEGER;
                UPDATE customers SET acquired_from_pool_id = (
                    SELECT e.from_pool_id FROM ownership_events e
                    WHERE e.customer_id = customers.id AND e.to_owner_id = customers.owner_id
                    ORDER BY e.at DESC, e.id DESC LIMIT 1)
                WHERE owner_id IS NOT NULL;
                CREATE INDEX customers_won_since ON customers(owner_since, owner_id, acquired_from_pool_id, deal_amount_cents)
                    WHERE status = 'won';
                ALTER TABLE customers ADD COLUMN reclaim_at INTEGER;
                CREATE INDEX customers_reclaim_at ON customers(
                    reclaim_at, owner_since, created_at, last_follow_up_at, last_progress_at, level,
                    industry, region, status, locked, owner_id) WHERE owner_id IS NOT NULL;
                CREATE TABLE forecast_state (
                    id INTEGER PRIMARY KEY CHECK (id = 1), settings_token INTEGER NOT NULL, time_zone TEXT NOT NULL);
                """)
    }
}
