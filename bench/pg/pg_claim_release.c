/*
 * Baseline for the claim/release mix on PostgreSQL: the libpq twin of
 * bench/baseline/claim_release.c. Per transaction, exactly what gonghai must do to change an
 * owner on PostgreSQL (Sources/PoolStore/SQL/OwnershipWrites.swift `apply` and `insertEvent`,
 * Sources/PostgresStore/PostgresPoolDatabase+Ownership.swift `withFacts`), same SQL text as
 * gonghai sends it (placeholders numbered), same bound values:
 *   claim:   BEGIN; SELECT pg_advisory_xact_lock(0x6768, user) (gonghai serializes a user's
 *            limit counts under it); the conditional UPDATE; INSERT INTO ownership_events …
 *            RETURNING id; COMMIT
 *   release: BEGIN; the conditional UPDATE; the event INSERT; COMMIT (gonghai takes the lock only
 *            where a limit is counted, i.e. for claims)
 * BEGIN is READ COMMITTED, as gonghai's write transactions. A deadlock or serialization failure
 * is retried (gonghai retries it up to three times); an UPDATE that changes no row rolls back.
 * No writer mutex: PostgreSQL's writers run side by side, as gonghai's worker threads do.
 * CLAIM_RELEASE_LOCK=0 leaves the advisory lock out (to see what it costs).
 *
 * Build:  cc -O2 -o pg_claim_release pg_claim_release.c -I$(pg_config --includedir) -lpq -lpthread  (or ./build.sh)
 * Run:    ./pg_claim_release CONNINFO IDS_JSON THREADS SECONDS
 *         on a database loaded by bench/pg/load.py (use a fresh one: the run appends events), IDS_JSON
 *         the dataset's FILE.ids.json. Each thread has its own connection and takes the reps
 *         i, i+THREADS, ...; for each rep it claims one of that rep's customers and releases it back
 *         to its pool, round-robin over the rep's ids. Reps' id lists are disjoint.
 * Prints: one JSON line {"ops_per_s": ..., "ops": ..., "seconds": ..., "threads": ..., "conflicts": ..., "retries": ...,
 *         "statements_per_op": 4.5}
 *
 * Per claim gonghai also runs (measured with log_statement=all on this bench data):
 *   the customer (SELECT … WHERE id), the caller's collaborations on it, settings_version.token
 *   (3 times), the user row, today's claims from the pool (COUNT over ownership_events), the
 *   caller's last loss of the customer (max(at)), the caller's owned count, webhook_endpoints,
 *   the customer again (the answer): 16 round trips against this loop's 5.
 * Per release: the customer, the collaborations, settings_version.token (3 times),
 *   webhook_endpoints, the customer twice: 12 round trips against 4.
 * Plus HTTP, the token lookup (cached for a second), GraphQL and the JSON response.
 */
#include <pthread.h>

#include "common.h"

/* OwnershipWrites.apply, numbered as PostgresConnection sends it */
static const char *UPDATE_SQL =
    "UPDATE customers SET owner_id = $1, pool_id = $2,\n"
    "  previous_owner_id = coalesce($3, previous_owner_id),\n"
    "  owner_since = CASE WHEN CAST($4 AS BIGINT) IS NULL THEN NULL ELSE CAST($5 AS BIGINT) END,\n"
    "  entered_pool_at = CASE WHEN CAST($6 AS BIGINT) IS NULL THEN entered_pool_at ELSE CAST($7 AS BIGINT) END,\n"
    "  locked = CASE WHEN CAST($8 AS BIGINT) IS NULL THEN 0 ELSE locked END,\n"
    "  updated_at = $9\n"
    "WHERE id = $10 AND owner_id IS NOT DISTINCT FROM $11 AND pool_id IS NOT DISTINCT FROM $12\n"
    "  AND (CAST($13 AS BIGINT) IS NULL OR updated_at = $14)";

/* insertEvent (SQLSession.insert appends RETURNING id) */
static const char *EVENT_SQL =
    "INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,\n"
    "  from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)\n"
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id";

/* withFacts' serialize */
static const char *LOCK_SQL = "SELECT pg_advisory_xact_lock(CAST($1 AS INTEGER), CAST($2 AS INTEGER))";

static const char *RELEASE_REASON = "bench";

typedef struct {
    int64_t user_id;
    int64_t *customers;
    int64_t *pools;
    char *defaults;
    size_t count;
} Rep;

static Rep *reps;
static size_t rep_count;
static const char *conninfo;
static int thread_count, take_lock = 1;
static double duration, started, deadline;
static pthread_barrier_t ready;

typedef struct {
    int index;
    uint64_t ops, conflicts, retries;
} Worker;

static const char *opt(char *buffer, int64_t v) /* 0 means NULL: no id is 0 */
{
    if (!v) return NULL;
    snprintf(buffer, 24, "%lld", (long long)v);
    return buffer;
}

/* One ownership change in its own transaction. Returns 0 to retry (deadlock). */
static int attempt(PGconn *db, Worker *w, int64_t customer, const char *kind, int64_t from_owner, int64_t from_pool,
                   int64_t to_owner, int64_t to_pool, int64_t actor, const char *reason, const char *routed_by, int lock)
{
    char b[16][24];
    int64_t at = now_millis();
    int64_t leaving = (from_owner && to_owner != from_owner) ? from_owner : 0;
    run(db, "BEGIN");
    if (lock) {
        const char *values[2] = {"26472", opt(b[0], actor)};
        PGresult *r = exec_prepared(db, "lock", 2, values, 1);
        int ok = PQresultStatus(r) == PGRES_TUPLES_OK, retry = !ok && is_retryable(r);
        PQclear(r);
        if (!ok) {
            if (!retry) die_pg(db, "advisory lock");
            run(db, "ROLLBACK");
            return 0;
        }
    }
    const char *update[14] = {
        opt(b[1], to_owner), opt(b[2], to_pool), opt(b[3], leaving), opt(b[4], to_owner), opt(b[5], at),
        opt(b[6], to_pool), opt(b[7], at), opt(b[8], to_owner), opt(b[9], at), opt(b[10], customer),
        opt(b[11], from_owner), opt(b[12], from_pool), NULL, NULL};
    PGresult *r = exec_prepared(db, "update", 14, update, 1);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        int retry = is_retryable(r);
        PQclear(r);
        if (!retry) die_pg(db, "update");
        run(db, "ROLLBACK");
        return 0;
    }
    int changed = atoi(PQcmdTuples(r));
    PQclear(r);
    if (changed != 1) {
        run(db, "ROLLBACK");
        w->conflicts++;
        return 1;
    }
    const char *event[13] = {
        opt(b[10], customer), kind, opt(b[11], from_owner), opt(b[1], to_owner), opt(b[12], from_pool),
        opt(b[2], to_pool), opt(b[13], actor), reason, routed_by, opt(b[5], at), NULL, NULL, NULL};
    r = exec_prepared(db, "event", 13, event, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        int retry = is_retryable(r);
        PQclear(r);
        if (!retry) die_pg(db, "insert event");
        run(db, "ROLLBACK");
        return 0;
    }
    PQclear(r);
    r = PQexec(db, "COMMIT");
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK, retry = !ok && is_retryable(r);
    PQclear(r);
    if (!ok) {
        if (!retry) die_pg(db, "COMMIT");
        return 0;
    }
    return 1;
}

static void transaction(PGconn *db, Worker *w, int64_t customer, const char *kind, int64_t from_owner, int64_t from_pool,
                        int64_t to_owner, int64_t to_pool, int64_t actor, const char *reason, const char *routed_by, int lock)
{
    for (int tries = 0; !attempt(db, w, customer, kind, from_owner, from_pool, to_owner, to_pool, actor, reason, routed_by, lock);
         tries++) {
        w->retries++;
        if (tries >= 2) { fprintf(stderr, "pg_claim_release: customer %lld: gave up after 3 tries\n", (long long)customer); exit(1); }
    }
    w->ops++;
}

static void *worker(void *arg)
{
    Worker *w = arg;
    PGconn *db = connect_like_gonghai(conninfo);
    prepare(db, "update", UPDATE_SQL, 14);
    prepare(db, "event", EVENT_SQL, 13);
    prepare(db, "lock", LOCK_SQL, 2);
    if (pthread_barrier_wait(&ready) == PTHREAD_BARRIER_SERIAL_THREAD) {
        started = now_seconds();
        deadline = started + duration;
    }
    pthread_barrier_wait(&ready);
    size_t round = 0;
    int mine = 0;
    for (size_t r = (size_t)w->index; r < rep_count; r += (size_t)thread_count) mine += reps[r].count > 0;
    for (int running = mine > 0; running;) {
        for (size_t r = (size_t)w->index; r < rep_count; r += (size_t)thread_count) {
            Rep *rep = &reps[r];
            if (!rep->count) continue;
            if (now_seconds() >= deadline) { running = 0; break; } /* between pairs: all back in their pools */
            size_t k = round % rep->count;
            int64_t customer = rep->customers[k], pool = rep->pools[k];
            transaction(db, w, customer, "claim", 0, pool, rep->user_id, 0, rep->user_id, NULL, NULL, take_lock);
            transaction(db, w, customer, "release", rep->user_id, 0, 0, pool, rep->user_id, RELEASE_REASON,
                        rep->defaults[k] ? "default" : "matched", 0);
        }
        round++;
    }
    PQfinish(db);
    return NULL;
}

/* --- the ids file: {"reps":[{"userId":12,"customerIds":[1,2,...]},...]} ----------------------- */

static const char *skip_to_value(const char *p, const char *key)
{
    const char *at = strstr(p, key);
    if (!at) return NULL;
    at += strlen(key);
    while (*at == ' ' || *at == '\n' || *at == '\t' || *at == '\r' || *at == ':') at++;
    return at;
}

static void parse_ids(const char *text)
{
    const char *p = strstr(text, "\"reps\"");
    if (!p) { fprintf(stderr, "pg_claim_release: no \"reps\" in the ids file\n"); exit(1); }
    size_t capacity = 256;
    reps = calloc(capacity, sizeof *reps);
    for (;;) {
        const char *user = skip_to_value(p, "\"userId\"");
        if (!user) break;
        const char *list = skip_to_value(user, "\"customerIds\"");
        if (!list || *list != '[') { fprintf(stderr, "pg_claim_release: malformed ids file\n"); exit(1); }
        if (rep_count == capacity) reps = realloc(reps, (capacity *= 2) * sizeof *reps);
        Rep *rep = &reps[rep_count++];
        memset(rep, 0, sizeof *rep);
        rep->user_id = strtoll(user, NULL, 10);
        size_t cap = 64;
        rep->customers = malloc(cap * sizeof(int64_t));
        const char *q = list + 1;
        for (;;) {
            while (*q == ' ' || *q == ',' || *q == '\n' || *q == '\t' || *q == '\r') q++;
            if (*q == ']' || *q == 0) break;
            char *end;
            long long id = strtoll(q, &end, 10);
            if (end == q) { fprintf(stderr, "pg_claim_release: malformed id list\n"); exit(1); }
            if (rep->count == cap) rep->customers = realloc(rep->customers, (cap *= 2) * sizeof(int64_t));
            rep->customers[rep->count++] = id;
            q = end;
        }
        p = q;
    }
}

/* The pool each listed customer is in now (it must be in one: the run claims it first). */
static void load_pools(void)
{
    PGconn *db = connect_like_gonghai(conninfo);
    prepare(db, "where", "SELECT c.pool_id, p.is_default FROM customers c JOIN pools p ON p.id = c.pool_id WHERE c.id = $1", 1);
    for (size_t r = 0; r < rep_count; r++) {
        Rep *rep = &reps[r];
        rep->pools = malloc((rep->count + 1) * sizeof(int64_t));
        rep->defaults = malloc(rep->count + 1);
        size_t kept = 0;
        for (size_t k = 0; k < rep->count; k++) {
            char id[24];
            const char *values[1] = {opt(id, rep->customers[k])};
            PGresult *s = exec_prepared(db, "where", 1, values, 0);
            if (PQntuples(s) == 1) {
                rep->customers[kept] = rep->customers[k];
                rep->defaults[kept] = (char)atoi(PQgetvalue(s, 0, 1));
                rep->pools[kept++] = strtoll(PQgetvalue(s, 0, 0), NULL, 10);
            }
            PQclear(s);
        }
        if (kept < rep->count)
            fprintf(stderr, "pg_claim_release: rep %lld: %zu of %zu customers are not in a pool; skipped\n",
                    (long long)rep->user_id, rep->count - kept, rep->count);
        rep->count = kept;
    }
    PQfinish(db);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s CONNINFO IDS_JSON THREADS SECONDS\n", argv[0]);
        return 2;
    }
    conninfo = argv[1];
    thread_count = atoi(argv[3]);
    duration = atof(argv[4]);
    if (thread_count < 1 || duration <= 0) {
        fprintf(stderr, "pg_claim_release: THREADS must be at least 1 and SECONDS positive\n");
        return 2;
    }
    const char *lock_setting = getenv("CLAIM_RELEASE_LOCK");
    take_lock = !(lock_setting && strcmp(lock_setting, "0") == 0);
    char *text = read_file(argv[2]);
    parse_ids(text);
    free(text);
    if (rep_count == 0) { fprintf(stderr, "pg_claim_release: no reps in %s\n", argv[2]); return 1; }
    load_pools();

    Worker *workers = calloc((size_t)thread_count, sizeof *workers);
    pthread_t *threads = calloc((size_t)thread_count, sizeof *threads);
    pthread_barrier_init(&ready, NULL, (unsigned)thread_count);
    for (int i = 0; i < thread_count; i++) {
        workers[i].index = i;
        pthread_create(&threads[i], NULL, worker, &workers[i]);
    }
    uint64_t ops = 0, conflicts = 0, retries = 0;
    for (int i = 0; i < thread_count; i++) {
        pthread_join(threads[i], NULL);
        ops += workers[i].ops;
        conflicts += workers[i].conflicts;
        retries += workers[i].retries;
    }
    double seconds = now_seconds() - started;
    printf("{\"ops_per_s\": %.1f, \"ops\": %llu, \"seconds\": %.3f, \"threads\": %d, \"advisory_lock\": %s, "
           "\"conflicts\": %llu, \"retries\": %llu, \"statements_per_op\": %.1f}\n",
           ops / seconds, (unsigned long long)ops, seconds, thread_count, take_lock ? "true" : "false",
           (unsigned long long)conflicts, (unsigned long long)retries, take_lock ? 4.5 : 4.0);
    return 0;
}
