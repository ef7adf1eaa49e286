/*
 * The raw floor: libmicrohttpd answering the page of 20 customers with their owners' names,
 *     { customers(first: 20) { nodes { id name industry owner { name } } } }
 * with gonghai's exact bytes, from one prepared SQLite statement with the owner joined. No
 * authentication, no GraphQL, no scope: what the page costs with nothing but HTTP, one SQL
 * statement and JSON writing, on the same file and with the same threading as gonghai.
 *
 * Build:  ./build.sh   (needs libmicrohttpd-dev, libsqlite3-dev and pkg-config)
 * Run:    ./floor DATABASE PORT THREADS [json]  e.g. ./floor bench.sqlite 18091 2
 *         With `json`, SQLite writes the page's JSON itself (json_object, json_group_array) and
 *         the program copies the one text value: issue 21's other way of writing a page, measured
 *         against this one. Its bytes differ from gonghai's where SQLite's escaping does (`/`).
 * Answer: 200, Content-Type: application/json, the page, to any method and path; request bodies
 *         are read and discarded. Listens on 127.0.0.1 only; opens the database read-only, one
 *         connection and one prepared statement per worker thread. Stops on SIGINT or SIGTERM.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>

#include "../common/loopback_daemon.h"

static const char *database_path;
static char request_marker;

static const char PAGE_SQL[] =
    "SELECT c.id, c.name, c.industry, u.name FROM customers c LEFT JOIN users u ON u.id = c.owner_id "
    "ORDER BY c.created_at DESC, c.id DESC LIMIT 20";

/* The same page written by SQLite: one row, one text value. json() marks each object as JSON
 * again after the subquery (a column loses that mark), so the array embeds rather than quotes it. */
static const char JSON_PAGE_SQL[] =
    "SELECT json_group_array(json(node)) FROM (SELECT json_object('id', 'cus_' || c.id, 'name', c.name, "
    "'industry', c.industry, 'owner', CASE WHEN u.name IS NULL THEN NULL ELSE json_object('name', u.name) END) AS node "
    "FROM customers c LEFT JOIN users u ON u.id = c.owner_id ORDER BY c.created_at DESC, c.id DESC LIMIT 20)";
static int json_mode;

/* Each worker thread's own connection and statement, prepared on its first request. */
static __thread sqlite3 *thread_db;
static __thread sqlite3_stmt *thread_page;

struct buffer {
    char *bytes;
    size_t length, capacity;
};

static void append(struct buffer *out, const char *bytes, size_t length)
{
    if (out->length + length > out->capacity) {
        size_t capacity = out->capacity ? out->capacity : 4096;
        while (capacity < out->length + length) capacity *= 2;
        out->bytes = realloc(out->bytes, capacity);
        out->capacity = capacity;
    }
    memcpy(out->bytes + out->length, bytes, length);
    out->length += length;
}

static void append_text(struct buffer *out, const char *text) { append(out, text, strlen(text)); }

/* A JSON string as gonghai writes it: quote, backslash and slash escaped, control bytes as
 * \b \f \n \r \t or \u00xx, everything else (UTF-8 included) as it is. */
static void append_string(struct buffer *out, const unsigned char *text)
{
    static const char hex[] = "0123456789abcdef";
    append(out, "\"", 1);
    for (const unsigned char *p = text; *p; p++) {
        unsigned char c = *p;
        if (c == '"' || c == '\\' || c == '/') {
            char escaped[2] = {'\\', (char)c};
            append(out, escaped, 2);
        } else if (c < 0x20) {
            const char *named = c == 0x08 ? "\\b" : c == 0x0C ? "\\f" : c == 0x0A ? "\\n" : c == 0x0D ? "\\r" : c == 0x09 ? "\\t" : NULL;
            if (named) {
                append_text(out, named);
            } else {
                char escaped[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
                append(out, escaped, 6);
            }
        } else {
            append(out, (const char *)p, 1);
        }
    }
    append(out, "\"", 1);
}

static int write_page(struct buffer *out)
{
    if (thread_db == NULL) {
        if (sqlite3_open_v2(database_path, &thread_db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) return 0;
        if (sqlite3_prepare_v3(thread_db, json_mode ? JSON_PAGE_SQL : PAGE_SQL, -1, SQLITE_PREPARE_PERSISTENT, &thread_page, NULL) != SQLITE_OK) return 0;
    }
    if (json_mode) {
        int step = sqlite3_step(thread_page);
        if (step == SQLITE_ROW) {
            append_text(out, "{\"data\":{\"customers\":{\"nodes\":");
            append(out, (const char *)sqlite3_column_text(thread_page, 0), (size_t)sqlite3_column_bytes(thread_page, 0));
            append_text(out, "}}}");
        }
        sqlite3_reset(thread_page);
        return step == SQLITE_ROW;
    }
    append_text(out, "{\"data\":{\"customers\":{\"nodes\":[");
    int first = 1, step;
    while ((step = sqlite3_step(thread_page)) == SQLITE_ROW) {
        char id[40];
        snprintf(id, sizeof id, "%s{\"id\":\"cus_%lld\",\"name\":", first ? "" : ",", (long long)sqlite3_column_int64(thread_page, 0));
        append_text(out, id);
        first = 0;
        append_string(out, sqlite3_column_text(thread_page, 1));
        append_text(out, ",\"industry\":");
        if (sqlite3_column_type(thread_page, 2) == SQLITE_NULL) append_text(out, "null");
        else append_string(out, sqlite3_column_text(thread_page, 2));
        append_text(out, ",\"owner\":");
        if (sqlite3_column_type(thread_page, 3) == SQLITE_NULL) {
            append_text(out, "null");
        } else {
            append_text(out, "{\"name\":");
            append_string(out, sqlite3_column_text(thread_page, 3));
            append_text(out, "}");
        }
        append_text(out, "}");
    }
    sqlite3_reset(thread_page);
    append_text(out, "]}}}");
    return step == SQLITE_DONE;
}

static RESULT answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                     const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    if (*req_cls == NULL) {
        *req_cls = &request_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) {
        *upload_data_size = 0;
        return MHD_YES;
    }
    struct buffer out = {0};
    int ok = write_page(&out);
    struct MHD_Response *response = ok
        ? MHD_create_response_from_buffer(out.length, out.bytes, MHD_RESPMEM_MUST_FREE)
        : MHD_create_response_from_buffer(strlen("floor: database error\n"), (void *)"floor: database error\n", MHD_RESPMEM_PERSISTENT);
    if (!ok) free(out.bytes);
    MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, ok ? "application/json" : "text/plain");
    RESULT queued = MHD_queue_response(connection, ok ? MHD_HTTP_OK : MHD_HTTP_INTERNAL_SERVER_ERROR, response);
    MHD_destroy_response(response);
    return queued;
}

int main(int argc, char **argv)
{
    if (argc != 4 && !(argc == 5 && strcmp(argv[4], "json") == 0)) {
        fprintf(stderr, "usage: %s DATABASE PORT THREADS [json]\n", argv[0]);
        return 2;
    }
    json_mode = argc == 5;
    database_path = argv[1];
    int port = atoi(argv[2]);
    unsigned int threads = (unsigned int)atoi(argv[3]);
    if (port <= 0 || port > 65535 || threads < 1) {
        fprintf(stderr, "floor: PORT must be 1-65535 and THREADS at least 1\n");
        return 2;
    }
    struct MHD_Daemon *daemon = loopback_daemon(port, threads, answer);
    if (daemon == NULL) {
        fprintf(stderr, "floor: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    fprintf(stderr, "floor listening on http://127.0.0.1:%d/ (%u threads, %s)\n", port, threads, database_path);
    loopback_serve(daemon);
    return 0;
}
