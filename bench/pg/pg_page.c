/*
 * Baseline for the 20-customer page on PostgreSQL: a bare libpq loop doing, per "request",
 * exactly the statements gonghai needs to answer
 *     { customers(first: 20) { nodes { id name industry owner { name } } } }
 * for one user, in gonghai's read snapshot:
 *   1. BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY     (PostgresPoolDatabase+Snapshot.swift)
 *   2. the page SELECT, same text as gonghai sends it       (CustomerQueries.page: the 21 customer
 *      columns, sort key created_at DESC, id DESC, LIMIT 21, the viewer's scope as a condition)
 *   3. the names of the page's owners: SELECT id, name FROM users WHERE id = ANY($1)
 *   4. COMMIT
 * Every statement with parameters is prepared once per connection; parameters and results are
 * text, as in gonghai. Each thread has its own connection (gonghai: one per worker thread).
 * gonghai answers step 3 from its user directory, kept while settings_version.directory_token is
 * unchanged, so it sends `SELECT directory_token FROM settings_version` instead: also one round trip.
 *
 * Scope: with no scope arguments the page is an administrator's (`WHERE 1 = 1`); with
 * OWNERS_JSON POOLS_JSON USER it is a rep's or manager's (gonghai's `.restricted` condition:
 * owned by one of OWNERS, in one of POOLS, or USER collaborates on it), e.g. '[6]' '[1,2,3,4,7]' 6.
 *
 * Build:  cc -O2 -o pg_page pg_page.c -I$(pg_config --includedir) -lpq -lpthread   (or ./build.sh)
 * Run:    ./pg_page CONNINFO THREADS SECONDS [OWNERS_JSON POOLS_JSON USER]
 *         ./pg_page --print CONNINFO 1 0 [...]   one request; prints the page as
 *         [[customer id, owner name or null], ...] for bench/pg/run to compare with gonghai's answer
 * Prints: one JSON line {"rps": ..., "requests": N, "seconds": S, "threads": T, "p50_ms": .., "p99_ms": ..,
 *         "statements_per_request": 4, "round_trips_per_request": 4 or 2}
 *
 * PG_PAGE_COMPILED=1 (issue 21's baseline): the one statement gonghai's compiled page sends now
 * (ConnectionProgram / CustomerRowQueries: the four columns the page names, the change tokens
 * selected with it), one round trip per request with no transaction (a single statement is one
 * moment), the owners' names looked up in a map read once at start, as gonghai's directory memo.
 *
 * PG_PAGE_PIPELINE=1 (a what-if, not the baseline): the same four statements in two round trips
 * with libpq's pipeline mode: BEGIN and the page in one, the names and COMMIT in the other. It
 * tells what a round trip costs here, i.e. what gonghai would gain by sending its snapshot's
 * BEGIN with the first query and its COMMIT without waiting.
 */
#include <pthread.h>

#include "common.h"

static const char *ADMIN_PAGE_SQL =
    "SELECT id, name, phone, email, industry, region, level, source, status, deal_amount_cents,\n"
    "owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,\n"
    "last_follow_up_at, last_progress_at, updated_at, entered_pool_at, created_at AS sort_key FROM customers WHERE 1 = 1\n"
    "ORDER BY sort_key DESC, id DESC LIMIT $1";

static const char *SCOPED_PAGE_SQL =
    "SELECT id, name, phone, email, industry, region, level, source, status, deal_amount_cents,\n"
    "owner_id, pool_id, previous_owner_id, locked, created_by, created_at, owner_since,\n"
    "last_follow_up_at, last_progress_at, updated_at, entered_pool_at, created_at AS sort_key FROM customers WHERE "
    "(owner_id IN (SELECT value::bigint FROM json_array_elements_text(CAST($1 AS json))) OR pool_id IN "
    "(SELECT value::bigint FROM json_array_elements_text(CAST($2 AS json)))\n"
    " OR id IN (SELECT customer_id FROM collaborators WHERE user_id = $3))\n"
    "ORDER BY sort_key DESC, id DESC LIMIT $4";

static const char *COMPILED_ADMIN_SQL =
    "SELECT id, created_at AS sort_key, name, industry, owner_id, (SELECT token FROM settings_version), "
    "(SELECT directory_token FROM settings_version) FROM customers WHERE 1 = 1\n"
    "ORDER BY sort_key DESC, id DESC LIMIT $1";

static const char *COMPILED_SCOPED_SQL =
    "SELECT id, created_at AS sort_key, name, industry, owner_id, (SELECT token FROM settings_version), "
    "(SELECT directory_token FROM settings_version) FROM customers WHERE "
    "(owner_id IN (SELECT value::bigint FROM json_array_elements_text(CAST($1 AS json))) OR pool_id IN "
    "(SELECT value::bigint FROM json_array_elements_text(CAST($2 AS json)))\n"
    " OR id IN (SELECT customer_id FROM collaborators WHERE user_id = $3))\n"
    "ORDER BY sort_key DESC, id DESC LIMIT $4";

/* PG_PAGE_JSON=1: the same page written as JSON by PostgreSQL (json_build_object, json_agg):
   the nodes array of the response, owners' names joined in the statement, and whether a 21st
   row follows. Issue 21 asks for both ways measured. */
/* The JSON page around the page's rows in `where` (the scope), `limit` naming its parameter. */
#define JSON_PAGE_SQL(where, limit)                                                                          \
    "SELECT coalesce(json_agg(json_build_object('id', 'cus_' || p.id, 'name', p.name, 'industry', p.industry, " \
    "'owner', CASE WHEN u.id IS NULL THEN NULL ELSE json_build_object('name', u.name) END) "                   \
    "ORDER BY p.sort_key DESC, p.id DESC) FILTER (WHERE p.n <= 20), '[]'), count(*) > 20, "                    \
    "(SELECT token FROM settings_version), (SELECT directory_token FROM settings_version) FROM "               \
    "(SELECT id, created_at AS sort_key, name, industry, owner_id, "                                           \
    "row_number() OVER (ORDER BY created_at DESC, id DESC) AS n FROM customers WHERE " where                   \
    " ORDER BY sort_key DESC, id DESC LIMIT " limit ") p LEFT JOIN users u ON u.id = p.owner_id"

static const char *JSON_ADMIN_SQL = JSON_PAGE_SQL("1 = 1", "$1");

static const char *JSON_SCOPED_SQL = JSON_PAGE_SQL(
    "(owner_id IN (SELECT value::bigint FROM json_array_elements_text(CAST($1 AS json))) OR pool_id IN "
    "(SELECT value::bigint FROM json_array_elements_text(CAST($2 AS json)))\n"
    " OR id IN (SELECT customer_id FROM collaborators WHERE user_id = $3))\n",
    "$4");

static const char *NAMES_SQL = "SELECT id, name FROM users WHERE id = ANY($1::bigint[])";

static const char *conninfo;
static const char *scope_owners, *scope_pools, *scope_user; /* NULL: an administrator */
static int thread_count, print_mode, pipelined, compiled, json;
/* Users' names by id, read once (compiled mode). */
static char **user_names;
static long user_count;
static double duration, started, deadline;
static pthread_barrier_t ready;

typedef struct {
    uint64_t requests, bytes;
    Latencies latencies;
} Worker;

/* One request: the snapshot, the page, the owners' names. */
static void request(PGconn *db, Worker *w)
{
    run(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    PGresult *page;
    if (scope_owners) {
        const char *values[4] = {scope_owners, scope_pools, scope_user, "21"};
        page = exec_prepared(db, "page", 4, values, 0);
    } else {
        const char *values[1] = {"21"};
        page = exec_prepared(db, "page", 1, values, 0);
    }
    int rows = PQntuples(page), columns = PQnfields(page);
    if (rows > 20) rows = 20; /* the 21st row only tells that another page follows */
    /* Read every column of every row, as gonghai decodes each row into a Customer. */
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            if (!PQgetisnull(page, r, c)) w->bytes += (uint64_t)PQgetlength(page, r, c) + (uint64_t)PQgetvalue(page, r, c)[0];
    /* The distinct owners as an array literal {1,2,3}. */
    char owners[20 * 24 + 3];
    size_t used = 0;
    owners[used++] = '{';
    const char *seen[20];
    int distinct = 0;
    for (int r = 0; r < rows; r++) {
        if (PQgetisnull(page, r, 10)) continue;
        const char *owner = PQgetvalue(page, r, 10);
        int dup = 0;
        for (int k = 0; k < distinct; k++) dup |= strcmp(seen[k], owner) == 0;
        if (dup) continue;
        seen[distinct++] = owner;
        used += (size_t)snprintf(owners + used, sizeof owners - used, "%s%s", distinct > 1 ? "," : "", owner);
    }
    owners[used++] = '}';
    owners[used] = 0;
    const char *values[1] = {owners};
    PGresult *names = exec_prepared(db, "names", 1, values, 0);
    for (int r = 0; r < PQntuples(names); r++) w->bytes += (uint64_t)PQgetlength(names, r, 1);
    if (print_mode) {
        printf("[");
        for (int r = 0; r < rows; r++) {
            const char *name = NULL;
            if (!PQgetisnull(page, r, 10))
                for (int k = 0; k < PQntuples(names); k++)
                    if (strcmp(PQgetvalue(names, k, 0), PQgetvalue(page, r, 10)) == 0) name = PQgetvalue(names, k, 1);
            printf("%s[%s, ", r ? ", " : "", PQgetvalue(page, r, 0));
            if (name) printf("\"%s\"]", name); else printf("null]");
        }
        printf("]\n");
    }
    PQclear(names);
    PQclear(page);
    run(db, "COMMIT");
    w->requests++;
}

/* Every user's name by id, once: what gonghai's directory memo holds. */
static void load_names(PGconn *db)
{
    PGresult *r = PQexec(db, "SELECT id, name FROM users ORDER BY id");
    if (PQresultStatus(r) != PGRES_TUPLES_OK) die_pg(db, "users");
    long rows = PQntuples(r);
    user_count = rows ? atol(PQgetvalue(r, (int)rows - 1, 0)) + 1 : 0;
    user_names = calloc((size_t)user_count + 1, sizeof *user_names);
    for (int i = 0; i < rows; i++) user_names[atol(PQgetvalue(r, i, 0))] = strdup(PQgetvalue(r, i, 1));
    PQclear(r);
}

/* PG_PAGE_COMPILED=1: gonghai's compiled statement, one round trip, names from the map. */
static void request_compiled(PGconn *db, Worker *w)
{
    const char *limit[1] = {"21"};
    const char *scoped[4] = {scope_owners, scope_pools, scope_user, "21"};
    PGresult *page = exec_prepared(db, "compiled", scope_owners ? 4 : 1, scope_owners ? scoped : limit, 0);
    int rows = PQntuples(page);
    if (rows > 20) rows = 20;
    if (print_mode) printf("[");
    for (int r = 0; r < rows; r++) {
        w->bytes += (uint64_t)PQgetlength(page, r, 2) + (uint64_t)PQgetlength(page, r, 3);
        const char *name = NULL;
        if (!PQgetisnull(page, r, 4)) {
            long owner = atol(PQgetvalue(page, r, 4));
            if (owner >= 0 && owner < user_count) name = user_names[owner];
            if (name) w->bytes += strlen(name);
        }
        if (print_mode) {
            printf("%s[%s, ", r ? ", " : "", PQgetvalue(page, r, 0));
            if (name) printf("\"%s\"]", name); else printf("null]");
        }
    }
    if (print_mode) printf("]\n");
    PQclear(page);
    w->requests++;
}

/* PG_PAGE_JSON=1: the page's JSON from PostgreSQL, its bytes copied as a server would. */
static void request_json(PGconn *db, Worker *w)
{
    const char *limit[1] = {"21"};
    const char *scoped[4] = {scope_owners, scope_pools, scope_user, "21"};
    PGresult *page = exec_prepared(db, "json", scope_owners ? 4 : 1, scope_owners ? scoped : limit, 0);
    int length = PQgetlength(page, 0, 0);
    char *copy = malloc((size_t)length + 1);
    memcpy(copy, PQgetvalue(page, 0, 0), (size_t)length + 1);
    w->bytes += (uint64_t)length + (uint64_t)copy[length / 2];
    if (print_mode) printf("%s\n", copy);
    free(copy);
    PQclear(page);
    w->requests++;
}

/* The same request in two round trips (PG_PAGE_PIPELINE=1). */
static PGresult *next_result(PGconn *db, ExecStatusType expected)
{
    PGresult *r = PQgetResult(db);
    if (!r || PQresultStatus(r) != expected) die_pg(db, "pipelined statement");
    PGresult *end = PQgetResult(db); /* NULL ends each query's results in pipeline mode */
    if (end) die_pg(db, "pipeline: unexpected result");
    return r;
}

static void sync_point(PGconn *db)
{
    PGresult *r = PQgetResult(db);
    if (!r || PQresultStatus(r) != PGRES_PIPELINE_SYNC) die_pg(db, "pipeline sync");
    PQclear(r);
}

static void request_pipelined(PGconn *db, Worker *w)
{
    const char *limit[1] = {"21"};
    const char *scoped[4] = {scope_owners, scope_pools, scope_user, "21"};
    if (!PQsendQueryParams(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", 0, NULL, NULL, NULL, NULL, 0) ||
        !PQsendQueryPrepared(db, "page", scope_owners ? 4 : 1, scope_owners ? scoped : limit, NULL, NULL, 0) ||
        !PQpipelineSync(db))
        die_pg(db, "send");
    PQclear(next_result(db, PGRES_COMMAND_OK));
    PGresult *page = next_result(db, PGRES_TUPLES_OK);
    sync_point(db);
    int rows = PQntuples(page), columns = PQnfields(page);
    if (rows > 20) rows = 20;
    for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
            if (!PQgetisnull(page, r, c)) w->bytes += (uint64_t)PQgetlength(page, r, c) + (uint64_t)PQgetvalue(page, r, c)[0];
    char owners[20 * 24 + 3];
    size_t used = 0;
    owners[used++] = '{';
    int distinct = 0;
    for (int r = 0; r < rows; r++)
        if (!PQgetisnull(page, r, 10))
            used += (size_t)snprintf(owners + used, sizeof owners - used, "%s%s", distinct++ ? "," : "", PQgetvalue(page, r, 10));
    owners[used++] = '}';
    owners[used] = 0;
    const char *values[1] = {owners};
    if (!PQsendQueryPrepared(db, "names", 1, values, NULL, NULL, 0) ||
        !PQsendQueryParams(db, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) || !PQpipelineSync(db))
        die_pg(db, "send");
    PGresult *names = next_result(db, PGRES_TUPLES_OK);
    for (int r = 0; r < PQntuples(names); r++) w->bytes += (uint64_t)PQgetlength(names, r, 1);
    PQclear(next_result(db, PGRES_COMMAND_OK));
    sync_point(db);
    PQclear(names);
    PQclear(page);
    w->requests++;
}

static void *worker(void *arg)
{
    Worker *w = arg;
    PGconn *db = connect_like_gonghai(conninfo);
    prepare(db, "page", scope_owners ? SCOPED_PAGE_SQL : ADMIN_PAGE_SQL, scope_owners ? 4 : 1);
    prepare(db, "names", NAMES_SQL, 1);
    prepare(db, "compiled", scope_owners ? COMPILED_SCOPED_SQL : COMPILED_ADMIN_SQL, scope_owners ? 4 : 1);
    prepare(db, "json", scope_owners ? JSON_SCOPED_SQL : JSON_ADMIN_SQL, scope_owners ? 4 : 1);
    if (compiled) load_names(db);
    if (print_mode) {
        if (json) request_json(db, w); else if (compiled) request_compiled(db, w); else request(db, w);
        PQfinish(db);
        return NULL;
    }
    if (pthread_barrier_wait(&ready) == PTHREAD_BARRIER_SERIAL_THREAD) {
        started = now_seconds();
        deadline = started + duration;
    }
    pthread_barrier_wait(&ready);
    if (pipelined && !PQenterPipelineMode(db)) die_pg(db, "pipeline mode");
    for (double t = now_seconds(); t < deadline;) {
        if (json) request_json(db, w); else if (compiled) request_compiled(db, w); else if (pipelined) request_pipelined(db, w); else request(db, w);
        double after = now_seconds();
        latency_add(&w->latencies, after - t);
        t = after;
    }
    PQfinish(db);
    return NULL;
}

int main(int argc, char **argv)
{
    int a = 1;
    if (argc > 1 && strcmp(argv[1], "--print") == 0) { print_mode = 1; a++; }
    if (argc - a != 3 && argc - a != 6) {
        fprintf(stderr, "usage: %s [--print] CONNINFO THREADS SECONDS [OWNERS_JSON POOLS_JSON USER]\n", argv[0]);
        return 2;
    }
    conninfo = argv[a];
    thread_count = atoi(argv[a + 1]);
    duration = atof(argv[a + 2]);
    if (argc - a == 6) { scope_owners = argv[a + 3]; scope_pools = argv[a + 4]; scope_user = argv[a + 5]; }
    const char *pipeline_setting = getenv("PG_PAGE_PIPELINE"), *compiled_setting = getenv("PG_PAGE_COMPILED");
    pipelined = pipeline_setting && strcmp(pipeline_setting, "1") == 0;
    compiled = compiled_setting && strcmp(compiled_setting, "1") == 0;
    const char *json_setting = getenv("PG_PAGE_JSON");
    json = json_setting && strcmp(json_setting, "1") == 0;
    if (print_mode) { Worker w = {0}; thread_count = 1; worker(&w); return 0; }
    if (thread_count < 1 || duration <= 0) { fprintf(stderr, "pg_page: THREADS >= 1 and SECONDS > 0\n"); return 2; }
    Worker *workers = calloc((size_t)thread_count, sizeof *workers);
    pthread_t *threads = calloc((size_t)thread_count, sizeof *threads);
    pthread_barrier_init(&ready, NULL, (unsigned)thread_count);
    for (int i = 0; i < thread_count; i++) pthread_create(&threads[i], NULL, worker, &workers[i]);
    uint64_t requests = 0;
    Latencies *sets = calloc((size_t)thread_count, sizeof *sets);
    for (int i = 0; i < thread_count; i++) {
        pthread_join(threads[i], NULL);
        requests += workers[i].requests;
        sets[i] = workers[i].latencies;
    }
    double seconds = now_seconds() - started, p50, p99;
    percentiles(sets, thread_count, &p50, &p99);
    printf("{\"rps\": %.1f, \"requests\": %llu, \"seconds\": %.3f, \"threads\": %d, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
           "\"statements_per_request\": %d, \"round_trips_per_request\": %d, \"scope\": \"%s\", \"json\": %s}\n",
           requests / seconds, (unsigned long long)requests, seconds, thread_count, p50, p99, compiled || json ? 1 : 4,
           compiled || json ? 1 : pipelined ? 2 : 4,
           scope_owners ? "restricted" : "all", json ? "true" : "false");
    return 0;
}
