/*
 * Shared bits of the bare libpq loops in bench/pg/: connecting the way gonghai connects
 * (Sources/PostgresStore/PostgresConnection.swift and PostgresConnectionPool.swift: PQconnectdb
 * on the same URL plus connect_timeout=5, notices dropped, `SET statement_timeout = 30000` on
 * every new connection), preparing once per connection, executing with text parameters and
 * text results (PQexecPrepared, resultFormat 0, as gonghai does), and BEGIN/COMMIT as simple
 * queries (PQexec, as gonghai's `run`).
 */
#ifndef GONGHAI_BENCH_PG_COMMON_H
#define GONGHAI_BENCH_PG_COMMON_H

#include <errno.h>
#include <libpq-fe.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

static __attribute__((unused)) double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static __attribute__((unused)) int64_t now_millis(void)
{
    struct timeval tv;
    gettimeofday(&tv, NULL);
    return (int64_t)tv.tv_sec * 1000 + tv.tv_usec / 1000;
}

static __attribute__((unused)) void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static __attribute__((unused)) void die_pg(PGconn *db, const char *what)
{
    fprintf(stderr, "%s: %s\n", what, db ? PQerrorMessage(db) : "?");
    exit(1);
}

/* gonghai's PostgresConnection.withTimeouts: a URL gets ?connect_timeout=5 unless it sets one. */
static __attribute__((unused)) PGconn *connect_like_gonghai(const char *conninfo)
{
    char buffer[4096];
    const char *info = conninfo;
    if (!strstr(conninfo, "connect_timeout")) {
        if (strncmp(conninfo, "postgres://", 11) == 0 || strncmp(conninfo, "postgresql://", 13) == 0)
            snprintf(buffer, sizeof buffer, "%s%sconnect_timeout=5", conninfo, strchr(conninfo, '?') ? "&" : "?");
        else
            snprintf(buffer, sizeof buffer, "%s connect_timeout=5", conninfo);
        info = buffer;
    }
    PGconn *db = PQconnectdb(info);
    if (!db || PQstatus(db) != CONNECTION_OK) die_pg(db, "connect");
    PQsetNoticeProcessor(db, ignore_notice, NULL);
    PGresult *r = PQexec(db, "SET statement_timeout = 30000");
    if (PQresultStatus(r) != PGRES_COMMAND_OK) die_pg(db, "SET statement_timeout");
    PQclear(r);
    return db;
}

static __attribute__((unused)) void prepare(PGconn *db, const char *name, const char *sql, int params)
{
    PGresult *r = PQprepare(db, name, sql, params, NULL);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "prepare %s: %s\n%s\n", name, PQerrorMessage(db), sql);
        exit(1);
    }
    PQclear(r);
}

/* A simple query that must succeed (BEGIN, COMMIT, ROLLBACK). */
static __attribute__((unused)) void run(PGconn *db, const char *sql)
{
    PGresult *r = PQexec(db, sql);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        fprintf(stderr, "%s: %s\n", sql, PQerrorMessage(db));
        exit(1);
    }
    PQclear(r);
}

/* A prepared statement with text parameters; the caller PQclears. Dies on an error unless
 * `allow_error` (then returns the failed result for the caller to inspect). */
static __attribute__((unused)) PGresult *exec_prepared(PGconn *db, const char *name, int count, const char *const *values, int allow_error)
{
    PGresult *r = PQexecPrepared(db, name, count, values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(r);
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK && !allow_error) {
        fprintf(stderr, "execute %s: %s\n", name, PQerrorMessage(db));
        exit(1);
    }
    return r;
}

static __attribute__((unused)) const char *sql_state(PGresult *r)
{
    const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
    return state ? state : "";
}

/* gonghai retries deadlocks and serialization failures (PostgresError.isRetryable). */
static __attribute__((unused)) int is_retryable(PGresult *r)
{
    const char *state = sql_state(r);
    return strcmp(state, "40P01") == 0 || strcmp(state, "40001") == 0;
}

static __attribute__((unused)) char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) { fprintf(stderr, "%s: %s\n", path, strerror(errno)); exit(1); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *text = malloc((size_t)size + 1);
    if (!text || fread(text, 1, (size_t)size, f) != (size_t)size) { fprintf(stderr, "cannot read %s\n", path); exit(1); }
    text[size] = 0;
    fclose(f);
    return text;
}

/* Latencies: per-thread arrays of microseconds, merged and sorted at the end. */
typedef struct {
    float *values;
    size_t count, capacity;
} Latencies;

static __attribute__((unused)) void latency_add(Latencies *l, double seconds)
{
    if (l->count == l->capacity) {
        l->capacity = l->capacity ? l->capacity * 2 : 65536;
        l->values = realloc(l->values, l->capacity * sizeof *l->values);
        if (!l->values) { fprintf(stderr, "out of memory\n"); exit(1); }
    }
    l->values[l->count++] = (float)(seconds * 1e6);
}

static __attribute__((unused)) int compare_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

/* Merges `n` latency sets and writes p50 and p99 in milliseconds. */
static __attribute__((unused)) void percentiles(Latencies *sets, int n, double *p50, double *p99)
{
    size_t total = 0;
    for (int i = 0; i < n; i++) total += sets[i].count;
    *p50 = *p99 = 0;
    if (!total) return;
    float *all = malloc(total * sizeof *all);
    size_t k = 0;
    for (int i = 0; i < n; i++) {
        memcpy(all + k, sets[i].values, sets[i].count * sizeof *all);
        k += sets[i].count;
    }
    qsort(all, total, sizeof *all, compare_float);
    *p50 = all[(size_t)(total * 0.50)] / 1000.0;
    *p99 = all[(size_t)(total * 0.99 < total - 1 ? total * 0.99 : total - 1)] / 1000.0;
    free(all);
}

#endif
