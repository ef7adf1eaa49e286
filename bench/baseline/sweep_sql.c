/*
 * Baseline for the daily reclaim sweep: the same work as `gonghai sweep --as-of DAY` (one run,
 * Sources/PoolStore/SQLitePoolDatabase+Sweep.swift) done with plain prepared SQL statements and
 * a few lines of C, in the same batches of 500 private customers:
 *   - open the run: mark runs left 'running' as failed, INSERT the 'running' sweep_runs row;
 *   - per batch: the same SELECT of private customers by id (keyset, LIMIT 500, the same 21
 *     columns), evaluate each with the same rules (routing by industry/region to the governing
 *     pool, days per level, locked/won exemptions, calendar days in the time zone, the earliest
 *     rule wins), then in one BEGIN IMMEDIATE transaction per batch, for each due customer: the
 *     same conditional UPDATE gonghai's `apply` runs (WHERE id, owner, pool and updated_at as
 *     read), the same reclaim event INSERT (rule, rule version, run id), the same 'reclaimed'
 *     notification to the previous owner, the same sweep_items row; for each customer inside
 *     its pool's warning window, the same INSERT OR IGNORE of the 'reclaim_warning' notification;
 *   - close the run: UPDATE sweep_runs with the counts.
 * Same settings as gonghai: WAL, synchronous=NORMAL, foreign_keys=ON (GRDB's default).
 *
 * Build:  cc -O2 -o sweep_sql sweep_sql.c -lsqlite3      (or ./build.sh)
 * Run:    [TZ=Asia/Shanghai] ./sweep_sql DB YYYY-MM-DD [BATCH]
 *         on a copy of a database made by bench/generate.py (the run reclaims for real). Days
 *         are counted in the process's time zone (TZ), as gonghai counts them in --time-zone
 *         (default: the system's). BATCH defaults to 500, like gonghai.
 * Prints: one JSON line {"seconds": ..., "reclaimed": N, "evaluated": N, "warned": N, "skipped": N}
 *
 * What gonghai does in addition, per due customer: reads the owner's name (for the report
 * item), wraps the change in a SAVEPOINT, builds the webhook payload (customer, owner and pool
 * names) and reads webhook_endpoints (plus outbox rows if an endpoint subscribes; with none
 * registered, as in bench data, nothing is written), re-reads the customer and every pool with
 * its rules JSON for auto-assignment (off in bench data), and keeps every reclaimed item in the
 * in-memory report (printed by --json); per warning with a new notification, the customer's
 * name and webhook_endpoints again. Per batch it decodes rows into Swift structs with Foundation
 * dates. Before the run, `gonghai sweep` first catches up missed days (none for generated data,
 * whose last completed run is the day before 2026-11-01).
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/time.h>
#include <time.h>

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

static sqlite3 *db;

static void die(const char *what)
{
    fprintf(stderr, "sweep_sql: %s: %s\n", what, sqlite3_errmsg(db));
    exit(1);
}

static sqlite3_stmt *prepare(const char *sql)
{
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, sql, -1, &s, NULL) != SQLITE_OK) die(sql);
    return s;
}

static void exec(const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) die(sql);
}

static void step_done(sqlite3_stmt *s, const char *what)
{
    if (sqlite3_step(s) != SQLITE_DONE) die(what);
    sqlite3_reset(s);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t now_millis(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
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

static Days column_days(sqlite3_stmt *s, int i)
{
    Days days = {0, 0};
    if (sqlite3_column_type(s, i) != SQLITE_NULL) { days.set = 1; days.value = sqlite3_column_int(s, i); }
    return days;
}

static Pool *pool_by_id(int64_t id)
{
    for (int i = 0; i < pool_count; i++)
        if (pools[i].id == id) return &pools[i];
    return NULL;
}

static void load_pools(void)
{
    sqlite3_stmt *s = prepare(
        "SELECT p.id, p.name, p.priority, p.is_default, v.version,\n"
        "  json_extract(v.rules, '$.reclaim.days.noFollowUpDays'),\n"
        "  json_extract(v.rules, '$.reclaim.days.claimedNoFollowUpDays'),\n"
        "  json_extract(v.rules, '$.reclaim.days.noProgressDays'),\n"
        "  coalesce(json_extract(v.rules, '$.reclaim.exemptLocked'), 1),\n"
        "  coalesce(json_extract(v.rules, '$.reclaim.exemptWon'), 1),\n"
        "  coalesce(json_extract(v.rules, '$.reclaim.warningDays'), 0)\n"
        "FROM pools p LEFT JOIN pool_rule_versions v ON v.id = p.rule_version_id ORDER BY p.priority DESC, p.id");
    while (sqlite3_step(s) == SQLITE_ROW) {
        if (pool_count == MAX_POOLS) { fprintf(stderr, "sweep_sql: more than %d pools\n", MAX_POOLS); exit(1); }
        Pool *p = &pools[pool_count++];
        memset(p, 0, sizeof *p);
        p->id = sqlite3_column_int64(s, 0);
        snprintf(p->name, sizeof p->name, "%s", (const char *)sqlite3_column_text(s, 1));
        p->priority = sqlite3_column_int(s, 2);
        p->is_default = sqlite3_column_int(s, 3);
        p->version = sqlite3_column_int64(s, 4);
        p->follow_up = column_days(s, 5);
        p->claimed = column_days(s, 6);
        p->progress = column_days(s, 7);
        p->exempt_locked = sqlite3_column_int(s, 8);
        p->exempt_won = sqlite3_column_int(s, 9);
        p->warning_days = sqlite3_column_int(s, 10);
    }
    sqlite3_finalize(s);

    s = prepare(
        "SELECT p.id, j.key, json_extract(j.value, '$.noFollowUpDays'), json_extract(j.value, '$.claimedNoFollowUpDays'),\n"
        "  json_extract(j.value, '$.noProgressDays')\n"
        "FROM pools p JOIN pool_rule_versions v ON v.id = p.rule_version_id, json_each(v.rules, '$.reclaim.byLevel') j");
    while (sqlite3_step(s) == SQLITE_ROW) {
        Pool *p = pool_by_id(sqlite3_column_int64(s, 0));
        if (!p || p->level_count == MAX_LEVELS) continue;
        LevelDays *l = &p->levels[p->level_count++];
        snprintf(l->level, sizeof l->level, "%s", (const char *)sqlite3_column_text(s, 1));
        l->follow_up = column_days(s, 2);
        l->claimed = column_days(s, 3);
        l->progress = column_days(s, 4);
    }
    sqlite3_finalize(s);

    s = prepare("SELECT p.id, 'i', j.value FROM pools p, json_each(p.industries) j\n"
                "UNION ALL SELECT p.id, 'r', j.value FROM pools p, json_each(p.regions) j");
    while (sqlite3_step(s) == SQLITE_ROW) {
        Pool *p = pool_by_id(sqlite3_column_int64(s, 0));
        const char *value = (const char *)sqlite3_column_text(s, 2);
        if (!p || !value) continue;
        if (*sqlite3_column_text(s, 1) == 'i') {
            if (p->industry_count < MAX_VALUES) p->industries[p->industry_count++] = strdup(value);
        } else if (p->region_count < MAX_VALUES) {
            p->regions[p->region_count++] = strdup(value);
        }
    }
    sqlite3_finalize(s);
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

static char *keep(sqlite3_stmt *s, int i)
{
    if (sqlite3_column_type(s, i) == SQLITE_NULL) return NULL;
    const char *text = (const char *)sqlite3_column_text(s, i);
    size_t n = (size_t)sqlite3_column_bytes(s, i) + 1;
    if (arena_used + n > arena_size) { fprintf(stderr, "sweep_sql: batch arena full\n"); exit(1); }
    char *copy = arena + arena_used;
    memcpy(copy, text, n);
    arena_used += n;
    return copy;
}

static void bind_opt(sqlite3_stmt *s, int i, int64_t v)
{
    if (v) sqlite3_bind_int64(s, i, v); else sqlite3_bind_null(s, i);
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: %s DB YYYY-MM-DD [BATCH]\n", argv[0]);
        return 2;
    }
    int y, m, d;
    if (sscanf(argv[2], "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12 || d < 1 || d > 31) {
        fprintf(stderr, "sweep_sql: the day must be YYYY-MM-DD\n");
        return 2;
    }
    int batch_size = argc == 4 ? atoi(argv[3]) : 500;
    if (batch_size < 1 || batch_size > 10000) { fprintf(stderr, "sweep_sql: BATCH must be 1 to 10000\n"); return 2; }
    tzset();
    long as_of = days_from_civil(y, (unsigned)m, (unsigned)d);
    char as_of_text[48];
    civil_from_days(as_of, as_of_text);

    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) die("open");
    sqlite3_busy_timeout(db, 5000);
    exec("PRAGMA journal_mode = WAL");
    exec("PRAGMA synchronous = NORMAL");
    exec("PRAGMA foreign_keys = ON");

    double started = now_seconds();
    int64_t now = now_millis(); /* gonghai takes the clock once per run, too */

    /* open the run (startRun) */
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt *fail_running = prepare("UPDATE sweep_runs SET status = 'failed', finished_at = ? WHERE status = 'running'");
    sqlite3_bind_int64(fail_running, 1, now);
    step_done(fail_running, "fail running runs");
    sqlite3_stmt *open_run = prepare("INSERT INTO sweep_runs (as_of, started_at, status, triggered_by) VALUES (?, ?, 'running', ?)");
    sqlite3_bind_text(open_run, 1, as_of_text, -1, SQLITE_STATIC);
    sqlite3_bind_int64(open_run, 2, now);
    sqlite3_bind_text(open_run, 3, "baseline", -1, SQLITE_STATIC);
    step_done(open_run, "open run");
    int64_t run = sqlite3_last_insert_rowid(db);
    exec("COMMIT");

    load_pools();

    sqlite3_stmt *select = prepare(
        "SELECT id, name, phone, email, industry, region, level, source, status, deal_amount_cents,\n"
        "  owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,\n"
        "  last_follow_up_at, last_progress_at, updated_at, entered_pool_at\n"
        "FROM customers WHERE owner_id IS NOT NULL AND id > ? ORDER BY id LIMIT ?");
    sqlite3_stmt *update = prepare( /* SQLitePoolDatabase+Ownership.swift, apply */
        "UPDATE customers SET owner_id = ?, pool_id = ?,\n"
        "  previous_owner_id = coalesce(?, previous_owner_id),\n"
        "  owner_since = CASE WHEN ? IS NULL THEN NULL ELSE ? END,\n"
        "  entered_pool_at = CASE WHEN ? IS NULL THEN entered_pool_at ELSE ? END,\n"
        "  locked = CASE WHEN ? IS NULL THEN 0 ELSE locked END,\n"
        "  updated_at = ?\n"
        "WHERE id = ? AND owner_id IS ? AND pool_id IS ? AND (? IS NULL OR updated_at = ?)");
    sqlite3_stmt *event = prepare( /* insertEvent */
        "INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,\n"
        "  from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)\n"
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *notify = prepare( /* SQLitePoolDatabase+AutoAssign.swift, notify */
        "INSERT OR IGNORE INTO notifications (user_id, kind, customer_id, message, due_on, created_at)\n"
        "VALUES (?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *record = prepare( /* record */
        "INSERT OR REPLACE INTO sweep_items (run_id, customer_id, outcome, rule, reason, previous_owner_id, pool_id)\n"
        "VALUES (?, ?, ?, ?, ?, ?, ?)");
    sqlite3_stmt *where = prepare("SELECT owner_id, pool_id FROM customers WHERE id = ?");

    Customer *batch = calloc((size_t)batch_size, sizeof *batch);
    Due *dues = calloc((size_t)batch_size, sizeof *dues);
    Pool **governing = calloc((size_t)batch_size, sizeof *governing);
    const char **routed = calloc((size_t)batch_size, sizeof *routed);
    char *kinds = calloc((size_t)batch_size, 1); /* 'r' reclaim, 'w' warn, 0 nothing */
    arena_size = (size_t)batch_size * 2048;
    arena = malloc(arena_size);
    long evaluated = 0, reclaimed = 0, skipped = 0, warned = 0;
    int64_t last_id = 0;

    for (;;) {
        /* read a batch (privateCustomers(after:limit:)) */
        arena_used = 0;
        int n = 0;
        sqlite3_bind_int64(select, 1, last_id);
        sqlite3_bind_int(select, 2, batch_size);
        int rc;
        while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
            Customer *c = &batch[n++];
            c->id = sqlite3_column_int64(select, 0);
            c->name = keep(select, 1);
            c->industry = keep(select, 4);
            c->region = keep(select, 5);
            c->level = keep(select, 6);
            c->status = keep(select, 8);
            c->owner = sqlite3_column_int64(select, 10);
            c->locked = sqlite3_column_int(select, 13);
            c->created_at = sqlite3_column_int64(select, 15);
            c->has_owner_since = sqlite3_column_type(select, 16) != SQLITE_NULL;
            c->owner_since = sqlite3_column_int64(select, 16);
            c->has_follow_up = sqlite3_column_type(select, 17) != SQLITE_NULL;
            c->last_follow_up = sqlite3_column_int64(select, 17);
            c->has_progress = sqlite3_column_type(select, 18) != SQLITE_NULL;
            c->last_progress = sqlite3_column_int64(select, 18);
            c->updated_at = sqlite3_column_int64(select, 19);
        }
        if (rc != SQLITE_DONE) die("select batch");
        sqlite3_reset(select);
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
        exec("BEGIN IMMEDIATE");
        for (int i = 0; i < n; i++) { /* reclaims first, as gonghai */
            if (kinds[i] != 'r') continue;
            Customer *c = &batch[i];
            Pool *p = governing[i];
            char reason[256], message[1024];
            describe(&dues[i], reason, sizeof reason);
            sqlite3_bind_null(update, 1);
            sqlite3_bind_int64(update, 2, p->id);
            sqlite3_bind_int64(update, 3, c->owner);
            sqlite3_bind_null(update, 4);
            sqlite3_bind_int64(update, 5, now);
            sqlite3_bind_int64(update, 6, p->id);
            sqlite3_bind_int64(update, 7, now);
            sqlite3_bind_null(update, 8);
            sqlite3_bind_int64(update, 9, now);
            sqlite3_bind_int64(update, 10, c->id);
            sqlite3_bind_int64(update, 11, c->owner);
            sqlite3_bind_null(update, 12);
            sqlite3_bind_int64(update, 13, c->updated_at);
            sqlite3_bind_int64(update, 14, c->updated_at);
            step_done(update, "reclaim update");
            const char *outcome = "reclaimed";
            const char *item_reason = reason;
            if (sqlite3_changes(db) == 1) {
                sqlite3_bind_int64(event, 1, c->id);
                sqlite3_bind_text(event, 2, "reclaim", -1, SQLITE_STATIC);
                sqlite3_bind_int64(event, 3, c->owner);
                sqlite3_bind_null(event, 4);
                sqlite3_bind_null(event, 5);
                sqlite3_bind_int64(event, 6, p->id);
                sqlite3_bind_null(event, 7);
                sqlite3_bind_text(event, 8, reason, -1, SQLITE_STATIC);
                sqlite3_bind_text(event, 9, routed[i], -1, SQLITE_STATIC);
                sqlite3_bind_int64(event, 10, now);
                sqlite3_bind_text(event, 11, RULE_NAMES[dues[i].rule], -1, SQLITE_STATIC);
                bind_opt(event, 12, p->version);
                sqlite3_bind_int64(event, 13, run);
                step_done(event, "reclaim event");
                snprintf(message, sizeof message, "客户已回收 / reclaimed: %s — %s", c->name, reason);
                sqlite3_bind_int64(notify, 1, c->owner);
                sqlite3_bind_text(notify, 2, "reclaimed", -1, SQLITE_STATIC);
                sqlite3_bind_int64(notify, 3, c->id);
                sqlite3_bind_text(notify, 4, message, -1, SQLITE_STATIC);
                sqlite3_bind_null(notify, 5);
                sqlite3_bind_int64(notify, 6, now);
                step_done(notify, "reclaimed notification");
                reclaimed++;
            } else { /* StaleDecision or moved by someone else: skipped, never taken */
                sqlite3_bind_int64(where, 1, c->id);
                int stale = sqlite3_step(where) == SQLITE_ROW && sqlite3_column_int64(where, 0) == c->owner &&
                            sqlite3_column_type(where, 1) == SQLITE_NULL;
                sqlite3_reset(where);
                outcome = "skipped";
                item_reason = stale ? "跟进或更新于评估之后 / changed since it was evaluated" : "已被他人变更 / moved by someone else";
                skipped++;
            }
            sqlite3_bind_int64(record, 1, run);
            sqlite3_bind_int64(record, 2, c->id);
            sqlite3_bind_text(record, 3, outcome, -1, SQLITE_STATIC);
            sqlite3_bind_text(record, 4, RULE_NAMES[dues[i].rule], -1, SQLITE_STATIC);
            sqlite3_bind_text(record, 5, item_reason, -1, SQLITE_STATIC);
            sqlite3_bind_int64(record, 6, c->owner);
            sqlite3_bind_int64(record, 7, p->id);
            step_done(record, "sweep item");
        }
        for (int i = 0; i < n; i++) {
            if (kinds[i] != 'w') continue;
            Customer *c = &batch[i];
            char reason[256], message[1024], on[48];
            describe(&dues[i], reason, sizeof reason);
            civil_from_days(dues[i].reclaim_on, on);
            snprintf(message, sizeof message, "客户将于 %s 回收 / %s will be reclaimed on %s: %s", on, c->name, on, reason);
            sqlite3_bind_int64(notify, 1, c->owner);
            sqlite3_bind_text(notify, 2, "reclaim_warning", -1, SQLITE_STATIC);
            sqlite3_bind_int64(notify, 3, c->id);
            sqlite3_bind_text(notify, 4, message, -1, SQLITE_STATIC);
            sqlite3_bind_text(notify, 5, on, -1, SQLITE_STATIC);
            sqlite3_bind_int64(notify, 6, now);
            step_done(notify, "warning notification");
            warned += sqlite3_changes(db);
        }
        exec("COMMIT");
    }

    /* close the run (finishRun) */
    exec("BEGIN IMMEDIATE");
    sqlite3_stmt *finish = prepare(
        "UPDATE sweep_runs SET status = ?, finished_at = ?, evaluated = ?, reclaimed = ?, skipped = ?,\n"
        "  failed = ?, warned = ? WHERE id = ?");
    sqlite3_bind_text(finish, 1, "completed", -1, SQLITE_STATIC);
    sqlite3_bind_int64(finish, 2, now_millis());
    sqlite3_bind_int64(finish, 3, evaluated);
    sqlite3_bind_int64(finish, 4, reclaimed);
    sqlite3_bind_int64(finish, 5, skipped);
    sqlite3_bind_int64(finish, 6, 0);
    sqlite3_bind_int64(finish, 7, warned);
    sqlite3_bind_int64(finish, 8, run);
    step_done(finish, "finish run");
    exec("COMMIT");
    double seconds = now_seconds() - started;

    sqlite3_stmt *all[] = {fail_running, open_run, select, update, event, notify, record, where, finish};
    for (size_t i = 0; i < sizeof all / sizeof *all; i++) sqlite3_finalize(all[i]);
    sqlite3_close(db);
    printf("{\"seconds\": %.3f, \"reclaimed\": %ld, \"evaluated\": %ld, \"warned\": %ld, \"skipped\": %ld, \"runId\": %lld}\n",
           seconds, reclaimed, evaluated, warned, skipped, (long long)run);
    return 0;
}
