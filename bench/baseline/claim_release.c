/*
 * Baseline for the claim/release workload: a bare loop doing, per transaction, exactly the
 * conditional UPDATE and the ownership-event INSERT that gonghai runs for a claim or a release
 * (Sources/PoolStore/SQLitePoolDatabase+Ownership.swift, `apply` and `insertEvent`), same SQL
 * text, same columns, same bound values, on the same file with the same settings
 * (WAL, synchronous=NORMAL, foreign_keys=ON as GRDB sets by default, BEGIN IMMEDIATE).
 *
 * Build:  cc -O2 -o claim_release claim_release.c -lsqlite3 -lpthread      (or ./build.sh)
 * Run:    ./claim_release DB IDS_JSON THREADS SECONDS
 *         DB is a database made by bench/generate.py (use a copy: the run appends events),
 *         IDS_JSON its FILE.ids.json. Each thread has its own connection and takes the reps
 *         i, i+THREADS, ...; for each rep it claims one of that rep's customers then releases it
 *         back to its pool, round-robin over the rep's ids. A claim and a release are one
 *         operation (one transaction) each. Reps' id lists are disjoint, so nothing conflicts.
 * Prints: one JSON line {"ops_per_s": ..., "ops": ..., "seconds": ..., "threads": ..., "conflicts": ..., "busy": ...}
 *
 * Per claim gonghai also (in the same BEGIN IMMEDIATE transaction, statements prepared by GRDB):
 *   reads the customer (SELECT ... WHERE id = ?), builds the caller's view (collaborators of the
 *   customer, all departments, all pool_access rows, all pool ids), checks the claim rules: the
 *   user row, every pool with its current rules JSON (decoded), departments and owner_limits again
 *   for the effective limit, today's claims from this pool (COUNT over ownership_events), the
 *   caller's last loss of this customer (max(at) over ownership_events), the caller's owned count
 *   (COUNT over customers); after the INSERT, builds the webhook payload (customer, user and pool
 *   names) and reads webhook_endpoints (outbox rows only if an endpoint wants the event);
 *   re-reads the customer for auto-assignment and once more for the answer.
 * Per release: the customer, the view, every pool (to route the customer: the baseline knows
 *   the pool it came from, which is where routing sends it), the same UPDATE and INSERT, the
 *   webhook reads, the auto-assignment check (customer + every pool again) and the answer.
 * Plus, outside SQLite: HTTP, the token lookup, GraphQL and the JSON response.
 */
#include <errno.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

/* Sources/PoolStore/SQLitePoolDatabase+Ownership.swift, `apply` */
static const char *UPDATE_SQL =
    "UPDATE customers SET owner_id = ?, pool_id = ?,\n"
    "  previous_owner_id = coalesce(?, previous_owner_id),\n"
    "  owner_since = CASE WHEN ? IS NULL THEN NULL ELSE ? END,\n"
    "  entered_pool_at = CASE WHEN ? IS NULL THEN entered_pool_at ELSE ? END,\n"
    "  locked = CASE WHEN ? IS NULL THEN 0 ELSE locked END,\n"
    "  updated_at = ?\n"
    "WHERE id = ? AND owner_id IS ? AND pool_id IS ? AND (? IS NULL OR updated_at = ?)";

/* `insertEvent` */
static const char *EVENT_SQL =
    "INSERT INTO ownership_events (customer_id, kind, from_owner_id, to_owner_id,\n"
    "  from_pool_id, to_pool_id, actor_id, reason, routed_by, at, rule, rule_version, sweep_run_id)\n"
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

static const char *RELEASE_REASON = "bench: release";

typedef struct {
    int64_t user_id;
    int64_t *customers;
    int64_t *pools; /* the pool each customer is in at the start */
    char *defaults; /* whether that pool is the default pool (routing says "default", else "matched") */
    size_t count;
} Rep;

static Rep *reps;
static size_t rep_count;
static const char *db_path;
static int thread_count;
static double duration;
static pthread_barrier_t ready; /* every connection is open and its statements prepared */
/* Writers queue on a mutex in the process, as they queue on GRDB's single writer in gonghai,
 * instead of polling SQLite's lock with busy-handler sleeps (CLAIM_RELEASE_MUTEX=0: no mutex). */
static pthread_mutex_t writer = PTHREAD_MUTEX_INITIALIZER;
static int use_mutex = 1;
static double started, deadline;

typedef struct {
    int index;
    uint64_t ops, conflicts, busy;
} Worker;

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

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "claim_release: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void exec(sqlite3 *db, const char *sql)
{
    char *error = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &error) != SQLITE_OK) {
        fprintf(stderr, "claim_release: %s: %s\n", sql, error ? error : "?");
        exit(1);
    }
}

static sqlite3 *open_db(void)
{
    sqlite3 *db;
    if (sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die(db, "open");
    sqlite3_busy_timeout(db, 5000);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, "PRAGMA synchronous = NORMAL");
    exec(db, "PRAGMA foreign_keys = ON");
    return db;
}

static void bind_opt(sqlite3_stmt *s, int i, int64_t v) /* 0 means NULL: no id is 0 */
{
    if (v) sqlite3_bind_int64(s, i, v); else sqlite3_bind_null(s, i);
}

static void bind_text(sqlite3_stmt *s, int i, const char *text)
{
    if (text) sqlite3_bind_text(s, i, text, -1, SQLITE_STATIC); else sqlite3_bind_null(s, i);
}

/* One ownership change as gonghai applies it: the conditional UPDATE, checked by rows changed,
 * then the event. Returns 1 if applied, 0 if the customer was not where expected. */
static int apply(sqlite3 *db, sqlite3_stmt *update, sqlite3_stmt *event, int64_t customer, const char *kind,
                 int64_t from_owner, int64_t from_pool, int64_t to_owner, int64_t to_pool, int64_t actor,
                 const char *reason, const char *routed_by, int64_t at)
{
    int64_t leaving = (from_owner && to_owner != from_owner) ? from_owner : 0;
    sqlite3_reset(update);
    bind_opt(update, 1, to_owner);
    bind_opt(update, 2, to_pool);
    bind_opt(update, 3, leaving);
    bind_opt(update, 4, to_owner);
    sqlite3_bind_int64(update, 5, at);
    bind_opt(update, 6, to_pool);
    sqlite3_bind_int64(update, 7, at);
    bind_opt(update, 8, to_owner);
    sqlite3_bind_int64(update, 9, at);
    sqlite3_bind_int64(update, 10, customer);
    bind_opt(update, 11, from_owner);
    bind_opt(update, 12, from_pool);
    sqlite3_bind_null(update, 13);
    sqlite3_bind_null(update, 14);
    if (sqlite3_step(update) != SQLITE_DONE) die(db, "update");
    if (sqlite3_changes(db) != 1) return 0;

    sqlite3_reset(event);
    sqlite3_bind_int64(event, 1, customer);
    sqlite3_bind_text(event, 2, kind, -1, SQLITE_STATIC);
    bind_opt(event, 3, from_owner);
    bind_opt(event, 4, to_owner);
    bind_opt(event, 5, from_pool);
    bind_opt(event, 6, to_pool);
    bind_opt(event, 7, actor);
    bind_text(event, 8, reason);
    bind_text(event, 9, routed_by);
    sqlite3_bind_int64(event, 10, at);
    sqlite3_bind_null(event, 11);
    sqlite3_bind_null(event, 12);
    sqlite3_bind_null(event, 13);
    if (sqlite3_step(event) != SQLITE_DONE) die(db, "insert event");
    return 1;
}

/* BEGIN IMMEDIATE, retried while another connection holds the write lock past the timeout. */
static void begin(sqlite3 *db, Worker *w)
{
    for (;;) {
        int rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
        if (rc == SQLITE_OK) return;
        if (rc != SQLITE_BUSY) die(db, "BEGIN IMMEDIATE");
        w->busy++;
    }
}

static void commit(sqlite3 *db, Worker *w)
{
    for (;;) {
        int rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        if (rc == SQLITE_OK) return;
        if (rc != SQLITE_BUSY) die(db, "COMMIT");
        w->busy++;
    }
}

/* One claim or release in its own transaction; a refused change rolls back, as gonghai's throw does. */
static void transaction(sqlite3 *db, sqlite3_stmt *update, sqlite3_stmt *event, Worker *w, int64_t customer,
                        const char *kind, int64_t from_owner, int64_t from_pool, int64_t to_owner, int64_t to_pool,
                        int64_t actor, const char *reason, const char *routed_by)
{
    if (use_mutex) pthread_mutex_lock(&writer);
    begin(db, w);
    if (apply(db, update, event, customer, kind, from_owner, from_pool, to_owner, to_pool, actor, reason, routed_by,
              now_millis())) {
        commit(db, w);
    } else {
        exec(db, "ROLLBACK");
        w->conflicts++;
    }
    if (use_mutex) pthread_mutex_unlock(&writer);
    w->ops++;
}

static void *run(void *arg)
{
    Worker *w = arg;
    sqlite3 *db = open_db();
    sqlite3_stmt *update, *event;
    if (sqlite3_prepare_v2(db, UPDATE_SQL, -1, &update, NULL) != SQLITE_OK) die(db, "prepare update");
    if (sqlite3_prepare_v2(db, EVENT_SQL, -1, &event, NULL) != SQLITE_OK) die(db, "prepare event");
    if (pthread_barrier_wait(&ready) == PTHREAD_BARRIER_SERIAL_THREAD) {
        started = now_seconds();
        deadline = started + duration;
    }
    pthread_barrier_wait(&ready);
    size_t round = 0;
    int mine = 0;
    for (size_t r = w->index; r < rep_count; r += thread_count)
        mine += reps[r].count > 0;
    for (int running = mine > 0; running;) {
        for (size_t r = w->index; r < rep_count; r += thread_count) {
            Rep *rep = &reps[r];
            if (!rep->count) continue;
            if (now_seconds() >= deadline) { /* stop between pairs: every claimed customer is back in its pool */
                running = 0;
                break;
            }
            size_t k = round % rep->count;
            int64_t customer = rep->customers[k], pool = rep->pools[k];
            /* claim: pool -> rep (Ownership.claim: no reason, no routing) */
            transaction(db, update, event, w, customer, "claim", 0, pool, rep->user_id, 0, rep->user_id, NULL, NULL);
            /* release: rep -> the pool it routes to (here: the one it came from) */
            transaction(db, update, event, w, customer, "release", rep->user_id, 0, 0, pool, rep->user_id,
                        RELEASE_REASON, rep->defaults[k] ? "default" : "matched");
        }
        round++;
    }
    sqlite3_finalize(update);
    sqlite3_finalize(event);
    sqlite3_close(db);
    return NULL;
}

/* --- the ids file: {"reps":[{"userId":12,"customerIds":[1,2,...]},...]} ----------------------- */

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "claim_release: %s: %s\n", path, strerror(errno)); exit(1); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "claim_release: cannot read %s\n", path); exit(1); }
    text[size] = 0;
    fclose(f);
    return text;
}

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
    if (!p) { fprintf(stderr, "claim_release: no \"reps\" in the ids file\n"); exit(1); }
    size_t capacity = 256;
    reps = calloc(capacity, sizeof *reps);
    for (;;) {
        const char *user = skip_to_value(p, "\"userId\"");
        if (!user) break;
        const char *list = skip_to_value(user, "\"customerIds\"");
        if (!list || *list != '[') { fprintf(stderr, "claim_release: malformed ids file\n"); exit(1); }
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
            if (end == q) { fprintf(stderr, "claim_release: malformed id list\n"); exit(1); }
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
    sqlite3 *db = open_db();
    sqlite3_stmt *s;
    if (sqlite3_prepare_v2(db, "SELECT c.pool_id, p.is_default FROM customers c JOIN pools p ON p.id = c.pool_id WHERE c.id = ?",
                           -1, &s, NULL) != SQLITE_OK)
        die(db, "prepare");
    for (size_t r = 0; r < rep_count; r++) {
        Rep *rep = &reps[r];
        rep->pools = malloc((rep->count + 1) * sizeof(int64_t));
        rep->defaults = malloc(rep->count + 1);
        size_t kept = 0;
        for (size_t k = 0; k < rep->count; k++) {
            sqlite3_reset(s);
            sqlite3_bind_int64(s, 1, rep->customers[k]);
            if (sqlite3_step(s) == SQLITE_ROW) {
                rep->customers[kept] = rep->customers[k];
                rep->defaults[kept] = (char)sqlite3_column_int(s, 1);
                rep->pools[kept++] = sqlite3_column_int64(s, 0);
            }
        }
        if (kept < rep->count)
            fprintf(stderr, "claim_release: rep %lld: %zu of %zu customers are not in a pool; skipped\n",
                    (long long)rep->user_id, rep->count - kept, rep->count);
        rep->count = kept;
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fprintf(stderr, "usage: %s DB IDS_JSON THREADS SECONDS\n", argv[0]);
        return 2;
    }
    db_path = argv[1];
    thread_count = atoi(argv[3]);
    duration = atof(argv[4]);
    if (thread_count < 1 || duration <= 0) {
        fprintf(stderr, "claim_release: THREADS must be at least 1 and SECONDS positive\n");
        return 2;
    }
    const char *mutex_setting = getenv("CLAIM_RELEASE_MUTEX");
    use_mutex = !(mutex_setting && strcmp(mutex_setting, "0") == 0);
    char *text = read_file(argv[2]);
    parse_ids(text);
    free(text);
    if (rep_count == 0) { fprintf(stderr, "claim_release: no reps in %s\n", argv[2]); return 1; }
    load_pools();

    Worker *workers = calloc((size_t)thread_count, sizeof *workers);
    pthread_t *threads = calloc((size_t)thread_count, sizeof *threads);
    pthread_barrier_init(&ready, NULL, (unsigned)thread_count);
    for (int i = 0; i < thread_count; i++) {
        workers[i].index = i;
        pthread_create(&threads[i], NULL, run, &workers[i]);
    }
    uint64_t ops = 0, conflicts = 0, busy = 0;
    for (int i = 0; i < thread_count; i++) {
        pthread_join(threads[i], NULL);
        ops += workers[i].ops;
        conflicts += workers[i].conflicts;
        busy += workers[i].busy;
    }
    double seconds = now_seconds() - started;
    printf("{\"ops_per_s\": %.1f, \"ops\": %llu, \"seconds\": %.3f, \"threads\": %d, \"mutex\": %s, \"conflicts\": %llu, \"busy\": %llu}\n",
           ops / seconds, (unsigned long long)ops, seconds, thread_count, use_mutex ? "true" : "false",
           (unsigned long long)conflicts, (unsigned long long)busy);
    return 0;
}
