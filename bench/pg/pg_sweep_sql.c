/*
 * Baseline for the daily reclaim sweep on PostgreSQL: the libpq twin of
 * bench/baseline/sweep_sql.c. The same work as `gonghai sweep --as-of DAY` (one run,
 * Sources/PoolStore/SQL/SweepEngine.swift on PostgresPoolDatabase) with plain prepared
 * statements, same SQL text as gonghai sends (placeholders numbered), same batches of 500:
 *   - open the run (one transaction): mark runs left 'running' as failed, INSERT the 'running'
 *     sweep_runs row … RETURNING id;
 *   - per batch: the same SELECT of private customers by id (keyset, LIMIT 500, the 21 customer
 *     columns), outside a transaction as gonghai's `read`; evaluate each with the same rules
 *     (routing by industry/region, days per level, locked/won exemptions, calendar days in the
 *     time zone, the earliest rule wins); then one READ COMMITTED transaction per batch, for each
 *     due customer: the conditional UPDATE of `apply` (WHERE id, owner, pool and updated_at as
 *     read), the reclaim event INSERT … RETURNING id (rule, rule version, run id), the 'reclaimed'
 *     notification (INSERT … ON CONFLICT DO NOTHING) and the sweep_items row (INSERT … ON
 *     CONFLICT (run_id, customer_id) DO UPDATE); for each customer inside its pool's warning
 *     window, the 'reclaim_warning' notification;
 *   - close the run: UPDATE sweep_runs with the counts.
 * Four statements per reclaimed customer, one per warning.
 *
 * Build:  cc -O2 -o pg_sweep_sql pg_sweep_sql.c -I$(pg_config --includedir) -lpq   (or ./build.sh)
 * Run:    [TZ=UTC] ./pg_sweep_sql CONNINFO YYYY-MM-DD [BATCH]
 *         on a fresh copy of a database loaded by bench/pg/load.py (the run reclaims for real).
 *         Days are counted in the process's time zone (TZ), as gonghai counts them in --time-zone.
 * Prints: one JSON line {"seconds": ..., "reclaimed": N, "evaluated": N, "warned": N, "skipped": N, "runId": N,
 *         "statements": N}
 *
 * What gonghai does in addition (counted with pg_stat_statements on the bench data): per reclaim
 * event and per new warning, `SELECT id, kinds FROM webhook_endpoints WHERE active = 1` (whether
 * a partner subscribes); the sweep lock (pg_try_advisory_lock on a connection of its own), the
 * catch-up check (max(as_of) of completed runs), the settings and users read once, an audit row;
 * and, for --json, reading the run's items back (SELECT … FROM sweep_items JOIN customers …, in
 * pages of 1000) and printing them. Per batch it decodes rows into Swift structs.
 */
#include <strings.h>

#include "common.h"

#define MAX_POOLS 256
#define MAX_VALUES 64
#define MAX_LEVELS 16

typedef struct { int set; int value; } Days; /* an optional day count */

typedef struct {
    char level[32];
    Days follow_up, claimed, progress;
} LevelDays;

typedef struct {
    int64_t id;
    char name[256];
    int priority, is_default;
    int64_t version; /* 0: no rules version */
    Days follow_up, claimed, progress;
    int exempt_locked, exempt_won, warning_days;
    LevelDays levels[MAX_LEVELS];
    int level_count;
    char *industries[MAX_VALUES], *regions[MAX_VALUES];
    int industry_count, region_count;
} Pool;

static Pool pools[MAX_POOLS];
static int pool_count;

typedef struct {
    int64_t id, owner, created_at, owner_since, last_follow_up, last_progress, updated_at;
    int has_owner_since, has_follow_up, has_progress, locked;
    char *name, *level, *status, *industry, *region; /* in the batch's arena */
} Customer;

enum Rule { NO_FOLLOW_UP, CLAIMED_NO_FOLLOW_UP, NO_PROGRESS };
static const char *RULE_NAMES[] = {"no_follow_up", "claimed_no_follow_up", "no_progress"};

typedef struct {
    enum Rule rule;
    int limit;
    long reclaim_on; /* days since 1970-01-01 in the time zone */
} Due;

static PGconn *db;
static long statements;

/* One prepared statement that must succeed; the caller PQclears. */
static PGresult *execute(const char *name, int count, const char *const *values)
{
    statements++;
    return exec_prepared(db, name, count, values, 0);
}

static void execute_done(const char *name, int count, const char *const *values)
{
    PQclear(execute(name, count, values));
}

static void simple(const char *sql)
{
    statements++;
    run(db, sql);
}

/* --- calendar days (Howard Hinnant's days_from_civil / civil_from_days) ---------------------- */

static long days_from_civil(long y, unsigned m, unsigned d)
{
    y -= m <= 2;
    long era = (y >= 0 ? y : y - 399) / 400;
    unsigned yoe = (unsigned)(y - era * 400);
    unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (long)doe - 719468;
}

static void civil_from_days(long z, char out[48])
{
    z += 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    unsigned doe = (unsigned)(z - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long y = (long)yoe + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned d = doy - (153 * mp + 2) / 5 + 1;
    unsigned m = mp + (mp < 10 ? 3 : -9);
    snprintf(out, 48, "%04ld-%02u-%02u", y + (m <= 2), m, d);
}

/* The calendar day of a moment in the process's time zone, as gonghai's LocalCalendar. */
static long day_of(int64_t millis)
{
    time_t seconds = (time_t)(millis >= 0 ? millis / 1000 : (millis - 999) / 1000);
    struct tm parts;
    localtime_r(&seconds, &parts);
    return days_from_civil(parts.tm_year + 1900L, (unsigned)parts.tm_mon + 1, (unsigned)parts.tm_mday);
}

/* --- pools, their rules and routing ---------------------------------------------------------- */

/* --- pools, their rules and routing ---------------------------------------------------------- */

static Days column_days(PGresult *r, int row, int i)
{
    Days days = {0, 0};
    if (!PQgetisnull(r, row, i)) { days.set = 1; days.value = atoi(PQgetvalue(r, row, i)); }
    return days;
}

static int json_true(const char *value) { return strcmp(value, "true") == 0 || strcmp(value, "1") == 0; }

static Pool *pool_by_id(int64_t id)
{
    for (int i = 0; i < pool_count; i++)
        if (pools[i].id == id) return &pools[i];
    return NULL;
}

/* The rules are JSON in TEXT columns (PostgresSchema); read with PostgreSQL's JSON operators. */
static void load_pools(void)
{
    PGresult *r = PQexec(db,
        "SELECT p.id, p.name, p.priority, p.is_default, v.version,\n"
        "  v.rules::json #>> '{reclaim,days,noFollowUpDays}',\n"
        "  v.rules::json #>> '{reclaim,days,claimedNoFollowUpDays}',\n"
        "  v.rules::json #>> '{reclaim,days,noProgressDays}',\n"
        "  coalesce(v.rules::json #>> '{reclaim,exemptLocked}', 'true'),\n"
        "  coalesce(v.rules::json #>> '{reclaim,exemptWon}', 'true'),\n"
        "  coalesce(v.rules::json #>> '{reclaim,warningDays}', '0')\n"
        "FROM pools p LEFT JOIN pool_rule_versions v ON v.id = p.rule_version_id ORDER BY p.priority DESC, p.id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die_pg(db, "pools");
    statements++;
    for (int row = 0; row < PQntuples(r); row++) {
        if (pool_count == MAX_POOLS) { fprintf(stderr, "pg_sweep_sql: more than %d pools\n", MAX_POOLS); exit(1); }
        Pool *p = &pools[pool_count++];
        memset(p, 0, sizeof *p);
        p->id = strtoll(PQgetvalue(r, row, 0), NULL, 10);
        snprintf(p->name, sizeof p->name, "%s", PQgetvalue(r, row, 1));
        p->priority = atoi(PQgetvalue(r, row, 2));
        p->is_default = atoi(PQgetvalue(r, row, 3));
        p->version = PQgetisnull(r, row, 4) ? 0 : strtoll(PQgetvalue(r, row, 4), NULL, 10);
        p->follow_up = column_days(r, row, 5);
        p->claimed = column_days(r, row, 6);
        p->progress = column_days(r, row, 7);
        p->exempt_locked = json_true(PQgetvalue(r, row, 8));
        p->exempt_won = json_true(PQgetvalue(r, row, 9));
        p->warning_days = atoi(PQgetvalue(r, row, 10));
    }
    PQclear(r);

    r = PQexec(db,
        "SELECT p.id, j.key, j.value #>> '{noFollowUpDays}', j.value #>> '{claimedNoFollowUpDays}',\n"
        "  j.value #>> '{noProgressDays}'\n"
        "FROM pools p JOIN pool_rule_versions v ON v.id = p.rule_version_id,\n"
        "  json_each(coalesce(v.rules::json #> '{reclaim,byLevel}', '{}'::json)) j");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die_pg(db, "levels");
    statements++;
    for (int row = 0; row < PQntuples(r); row++) {
        Pool *p = pool_by_id(strtoll(PQgetvalue(r, row, 0), NULL, 10));
        if (!p || p->level_count == MAX_LEVELS) continue;
        LevelDays *l = &p->levels[p->level_count++];
        snprintf(l->level, sizeof l->level, "%s", PQgetvalue(r, row, 1));
        l->follow_up = column_days(r, row, 2);
        l->claimed = column_days(r, row, 3);
        l->progress = column_days(r, row, 4);
    }
    PQclear(r);

    r = PQexec(db, "SELECT p.id, 'i', j FROM pools p, json_array_elements_text(p.industries::json) j\n"
                   "UNION ALL SELECT p.id, 'r', j FROM pools p, json_array_elements_text(p.regions::json) j");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die_pg(db, "pool values");
    statements++;
    for (int row = 0; row < PQntuples(r); row++) {
        Pool *p = pool_by_id(strtoll(PQgetvalue(r, row, 0), NULL, 10));
        const char *value = PQgetvalue(r, row, 2);
        if (!p || PQgetisnull(r, row, 2)) continue;
        if (*PQgetvalue(r, row, 1) == 'i') {
            if (p->industry_count < MAX_VALUES) p->industries[p->industry_count++] = strdup(value);
        } else if (p->region_count < MAX_VALUES) {
            p->regions[p->region_count++] = strdup(value);
        }
    }
    PQclear(r);
}

static int accepts(char **values, int count, const char *value)
{
    if (count == 0) return 1;
    if (!value) return 0;
    for (int i = 0; i < count; i++)
        if (strcasecmp(values[i], value) == 0) return 1;
    return 0;
}

/* Sources/PoolDomain/PoolRouter.swift: highest priority, then specificity, then lowest id; else the default pool. */
static Pool *route(const char *industry, const char *region, const char **routed_by)
{
    Pool *best = NULL;
    int best_specificity = 0;
    for (int i = 0; i < pool_count; i++) {
        Pool *p = &pools[i];
        if (p->is_default || (p->industry_count == 0 && p->region_count == 0)) continue;
        if (!accepts(p->industries, p->industry_count, industry) || !accepts(p->regions, p->region_count, region)) continue;
        int specificity = (p->industry_count > 0) + (p->region_count > 0);
        if (!best || p->priority > best->priority || (p->priority == best->priority &&
            (specificity > best_specificity || (specificity == best_specificity && p->id < best->id)))) {
            best = p;
            best_specificity = specificity;
        }
    }
    if (best) { *routed_by = "matched"; return best; }
    for (int i = 0; i < pool_count; i++)
        if (pools[i].is_default) { *routed_by = "default"; return &pools[i]; }
    return NULL;
}

/* Sources/PoolDomain/Rules/ReclaimAssessment.swift, ReclaimEvaluator.assess: 1 and *due if a rule applies. */
static int assess(const Customer *c, const Pool *p, Due *due)
{
    if (p->exempt_locked && c->locked) return 0;
    if (p->exempt_won && strcmp(c->status, "won") == 0) return 0;
    Days follow_up = p->follow_up, claimed = p->claimed, progress = p->progress;
    if (c->level)
        for (int i = 0; i < p->level_count; i++)
            if (strcmp(p->levels[i].level, c->level) == 0) {
                if (p->levels[i].follow_up.set) follow_up = p->levels[i].follow_up;
                if (p->levels[i].claimed.set) claimed = p->levels[i].claimed;
                if (p->levels[i].progress.set) progress = p->levels[i].progress;
                break;
            }
    int64_t owned_from = c->has_owner_since ? c->owner_since : c->created_at;
    int found = 0;
#define CANDIDATE(RULE, DAYS, START)                                                   \
    do {                                                                               \
        long on = day_of(START) + (DAYS).value + 1;                                    \
        if (!found || on < due->reclaim_on) {                                          \
            due->rule = RULE; due->limit = (DAYS).value; due->reclaim_on = on; found = 1; \
        }                                                                              \
    } while (0)
    /* candidates in rule order; a later rule wins only with an earlier day */
    if (follow_up.set) {
        int64_t last = c->has_follow_up ? c->last_follow_up : owned_from;
        CANDIDATE(NO_FOLLOW_UP, follow_up, last > owned_from ? last : owned_from);
    }
    if (claimed.set && (!c->has_follow_up || c->last_follow_up < owned_from))
        CANDIDATE(CLAIMED_NO_FOLLOW_UP, claimed, owned_from);
    if (progress.set) {
        int64_t last = c->has_progress ? c->last_progress : owned_from;
        CANDIDATE(NO_PROGRESS, progress, last > owned_from ? last : owned_from);
    }
#undef CANDIDATE
    return found;
}

/* Sources/PoolDomain/Rules/ReclaimReason.swift */
static void describe(const Due *due, char *out, size_t size)
{
    switch (due->rule) {
    case NO_FOLLOW_UP:
        snprintf(out, size, "%d 天未跟进 / not followed up for %d days", due->limit, due->limit);
        break;
    case CLAIMED_NO_FOLLOW_UP:
        snprintf(out, size, "获得后 %d 天内未跟进 / no follow-up within %d days of taking it", due->limit, due->limit);
        break;
    case NO_PROGRESS:
        snprintf(out, size, "%d 天无进展 / no progress for %d days", due->limit, due->limit);
        break;
    }
}

/* --- the batch ------------------------------------------------------------------------------- */

static char *arena;
static size_t arena_used, arena_size;

static char *keep(PGresult *r, int row, int i)
{
    if (PQgetisnull(r, row, i)) return NULL;
    size_t n = (size_t)PQgetlength(r, row, i) + 1;
    if (arena_used + n > arena_size) { fprintf(stderr, "pg_sweep_sql: batch arena full\n"); exit(1); }
    char *copy = arena + arena_used;
    memcpy(copy, PQgetvalue(r, row, i), n);
    arena_used += n;
    return copy;
}

static int64_t column_int(PGresult *r, int row, int i, int *present)
{
    int null = PQgetisnull(r, row, i);
    if (present) *present = !null;
    return null ? 0 : strtoll(PQgetvalue(r, row, i), NULL, 10);
}

static const char *text_of(char *buffer, int64_t v) /* 0 means NULL: no id is 0 */
{
    if (!v) return NULL;
    snprintf(buffer, 24, "%lld", (long long)v);
    return buffer;
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s CONNINFO YYYY-MM-DD [BATCH]\n", argv[0]);
        return 2;
    }
    int y, m, d;
    if (sscanf(argv[2], "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
        fprintf(stderr, "pg_sweep_sql: the day must be YYYY-MM-DD\n");
        return 2;
    }
    int batch_size = argc == 4 ? atoi(argv[3]) : 500;
    if (batch_size < 1 || batch_size > 10000) { fprintf(stderr, "pg_sweep_sql: BATCH must be 1 to 10000\n"); return 2; }
    tzset();
    long as_of = days_from_civil(y, (unsigned)m, (unsigned)d);
    char as_of_text[48];
    civil_from_days(as_of, as_of_text);

    double started = now_seconds();
    db = connect_like_gonghai(argv[1]);
    int64_t now = now_millis(); /* gonghai takes the clock once per run, too */
    char now_text[24], run_text[24];
    snprintf(now_text, sizeof now_text, "%lld", (long long)now);

    prepare(db, "fail_running", "UPDATE sweep_runs SET status = 'failed', finished_at = $1 WHERE status = 'running'", 1);
    prepare(db, "open_run", "INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES ($1, $2, 'running', $3) RETURNING id", 3);
    prepare(db, "select", /* CustomerQueries.privateCustomers(after:limit:) */
            "SELECT id, name, phone, email, industry, region, level, source, status, deal_amount_cents,\n"
            "owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,\n"
            "last_follow_up_at, last_progress_at, updated_at, entered_pool_at FROM customers WHERE owner_id IS NOT NULL AND id > $1 ORDER BY id LIMIT $2",
            2);
    prepare(db, "update", /* OwnershipWrites.apply */
            "UPDATE customers SET owner_id = $1, pool_id = $2,\n"
            "  previous_owner_id = coalesce($3, previous_owner_id),\n"
            "  owner_since = CASE WHEN CAST($4 AS BIGINT) IS NULL THEN NULL ELSE CAST($5 AS BIGINT) END,\n"
            "  entered_pool_at = CASE WHEN CAST($6 AS BIGINT) IS NULL THEN entered_pool_at ELSE CAST($7 AS BIGINT) END,\n"
            "  locked = CASE WHEN CAST($8 AS BIGINT) IS NULL THEN 0 ELSE locked END,\n"
            "  updated_at = $9\n"
            "WHERE id = $10 AND owner_id IS NOT DISTINCT FROM $11 AND pool_id IS NOT DISTINCT FROM $12\n"
            "  AND (CAST($13 AS BIGINT) IS NULL OR updated_at = $14)",
            14);
    prepare(db, "event", /* insertEvent */
            "INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,\n"
            "  from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)\n"
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
            13);
    prepare(db, "notify", /* notify */
            "INSERT INTO notifications (user_id, kind, customer_id, message, due_on, created_at)\n"
            "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
            6);
    prepare(db, "record", /* SweepEngine.record */
            "INSERT INTO sweep_items (run_id, customer_id, outcome, rule, reason, previous_owner_id, pool_id)\n"
            "VALUES ($1, $2, $3, $4, $5, $6, $7)\n"
            "ON CONFLICT (run_id, customer_id) DO UPDATE SET outcome = excluded.outcome, rule = excluded.rule,\n"
            "  reason = excluded.reason, previous_owner_id = excluded.previous_owner_id, pool_id = excluded.pool_id",
            7);
    prepare(db, "where", "SELECT owner_id, pool_id FROM customers WHERE id = $1", 1);
    prepare(db, "finish",
            "UPDATE sweep_runs SET status = $1, finished_at = $2, evaluated = $3, reclaimed = $4, skipped = $5, failed = $6, warned = $7 WHERE id = $8",
            8);

    /* open the run (startRun) */
    simple("BEGIN");
    {
        const char *values[1] = {now_text};
        execute_done("fail_running", 1, values);
        const char *open_values[3] = {as_of_text, now_text, "baseline"};
        PGresult *r = execute("open_run", 3, open_values);
        snprintf(run_text, sizeof run_text, "%s", PQgetvalue(r, 0, 0));
        PQclear(r);
    }
    simple("COMMIT");

    load_pools();

    Customer *batch = calloc((size_t)batch_size, sizeof *batch);
    Due *dues = calloc((size_t)batch_size, sizeof *dues);
    Pool **governing = calloc((size_t)batch_size, sizeof *governing);
    const char **routed = calloc((size_t)batch_size, sizeof *routed);
    char *kinds = calloc((size_t)batch_size, 1); /* 'r' reclaim, 'w' warn, 0 nothing */
    arena_size = (size_t)batch_size * 2048;
    arena = malloc(arena_size);
    long evaluated = 0, reclaimed = 0, skipped = 0, warned = 0;
    int64_t last_id = 0;
    char batch_text[24];
    snprintf(batch_text, sizeof batch_text, "%d", batch_size);

    for (;;) {
        /* read a batch (privateCustomers(after:limit:)), outside a transaction */
        arena_used = 0;
        char last_text[24];
        snprintf(last_text, sizeof last_text, "%lld", (long long)last_id);
        const char *select_values[2] = {last_text, batch_text};
        PGresult *s = execute("select", 2, select_values);
        int n = PQntuples(s);
        for (int row = 0; row < n; row++) {
            Customer *c = &batch[row];
            c->id = column_int(s, row, 0, NULL);
            c->name = keep(s, row, 1);
            c->industry = keep(s, row, 4);
            c->region = keep(s, row, 5);
            c->level = keep(s, row, 6);
            c->status = keep(s, row, 8);
            c->owner = column_int(s, row, 10, NULL);
            c->locked = (int)column_int(s, row, 13, NULL);
            c->created_at = column_int(s, row, 15, NULL);
            c->owner_since = column_int(s, row, 16, &c->has_owner_since);
            c->last_follow_up = column_int(s, row, 17, &c->has_follow_up);
            c->last_progress = column_int(s, row, 18, &c->has_progress);
            c->updated_at = column_int(s, row, 19, NULL);
        }
        PQclear(s);
        if (n == 0) break;
        last_id = batch[n - 1].id;

        /* evaluate */
        for (int i = 0; i < n; i++) {
            kinds[i] = 0;
            governing[i] = route(batch[i].industry, batch[i].region, &routed[i]);
            if (!governing[i]) continue;
            evaluated++;
            if (!assess(&batch[i], governing[i], &dues[i])) continue;
            long days_away = dues[i].reclaim_on - as_of;
            if (days_away <= 0) kinds[i] = 'r';
            else if (days_away <= governing[i]->warning_days) kinds[i] = 'w';
        }

        /* write (applyBatch): one transaction per batch */
        simple("BEGIN");
        for (int i = 0; i < n; i++) { /* reclaims first, as gonghai */
            if (kinds[i] != 'r') continue;
            Customer *c = &batch[i];
            Pool *p = governing[i];
            char reason[256], message[1024], owner[24], pool[24], id[24], updated[24], version[24];
            describe(&dues[i], reason, sizeof reason);
            text_of(owner, c->owner);
            text_of(pool, p->id);
            text_of(id, c->id);
            text_of(updated, c->updated_at);
            const char *update[14] = {NULL, pool, owner, NULL, now_text, pool, now_text, NULL, now_text,
                                      id, owner, NULL, updated, updated};
            PGresult *u = execute("update", 14, update);
            int changed = atoi(PQcmdTuples(u));
            PQclear(u);
            const char *outcome = "reclaimed";
            const char *item_reason = reason;
            if (changed == 1) {
                const char *event[13] = {id, "reclaim", owner, NULL, NULL, pool, NULL, reason, routed[i], now_text,
                                         RULE_NAMES[dues[i].rule], text_of(version, p->version), run_text};
                execute_done("event", 13, event);
                snprintf(message, sizeof message, "客户已回收 / reclaimed: %s — %s", c->name, reason);
                const char *notify[6] = {owner, "reclaimed", id, message, NULL, now_text};
                execute_done("notify", 6, notify);
                reclaimed++;
            } else { /* StaleDecision or moved by someone else: skipped, never taken */
                const char *where[1] = {id};
                PGresult *w = execute("where", 1, where);
                int stale = PQntuples(w) == 1 && !PQgetisnull(w, 0, 0) && strcmp(PQgetvalue(w, 0, 0), owner) == 0 &&
                            PQgetisnull(w, 0, 1);
                PQclear(w);
                outcome = "skipped";
                item_reason = stale ? "跟进或更新于评估之后 / changed since it was evaluated" : "已被他人变更 / moved by someone else";
                skipped++;
            }
            const char *record[7] = {run_text, id, outcome, RULE_NAMES[dues[i].rule], item_reason, owner, pool};
            execute_done("record", 7, record);
        }
        for (int i = 0; i < n; i++) {
            if (kinds[i] != 'w') continue;
            Customer *c = &batch[i];
            char reason[256], message[1024], on[48], owner[24], id[24];
            describe(&dues[i], reason, sizeof reason);
            civil_from_days(dues[i].reclaim_on, on);
            snprintf(message, sizeof message, "客户将于 %s 回收 / %s will be reclaimed on %s: %s", on, c->name, on, reason);
            const char *notify[6] = {text_of(owner, c->owner), "reclaim_warning", text_of(id, c->id), message, on, now_text};
            PGresult *r = execute("notify", 6, notify);
            warned += atoi(PQcmdTuples(r));
            PQclear(r);
        }
        simple("COMMIT");
    }

    /* close the run (finishRun) */
    simple("BEGIN");
    {
        char finished[24], e[24], r[24], k[24], w[24];
        snprintf(finished, sizeof finished, "%lld", (long long)now_millis());
        snprintf(e, sizeof e, "%ld", evaluated);
        snprintf(r, sizeof r, "%ld", reclaimed);
        snprintf(k, sizeof k, "%ld", skipped);
        snprintf(w, sizeof w, "%ld", warned);
        const char *values[8] = {"completed", finished, e, r, k, "0", w, run_text};
        execute_done("finish", 8, values);
    }
    simple("COMMIT");
    double seconds = now_seconds() - started;
    PQfinish(db);
    printf("{\"seconds\": %.3f, \"reclaimed\": %ld, \"evaluated\": %ld, \"warned\": %ld, \"skipped\": %ld, \"runId\": %s, "
           "\"statements\": %ld}\n",
           seconds, reclaimed, evaluated, warned, skipped, run_text, statements);
    return 0;
}
