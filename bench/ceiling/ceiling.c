/*
 * The ceiling: libmicrohttpd answering every request with one fixed GraphQL response, built once.
 * Nothing is parsed, nothing is computed, so it measures what HTTP over loopback costs with the
 * same library and threading gonghai uses (an internal polling thread per pool worker, epoll).
 *
 * Build:  cc -O2 -o ceiling ceiling.c $(pkg-config --cflags --libs libmicrohttpd)   (or ./build.sh)
 * Run:    ./ceiling PORT THREADS        e.g. ./ceiling 18090 2
 * Answer: 200, Content-Type: application/json, {"data":{"__typename":"Query"}} to any method and
 *         path; request bodies (POST) are read and discarded. Listens on 127.0.0.1 only.
 * Stops on SIGINT or SIGTERM.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../common/loopback_daemon.h"

static const char BODY[] = "{\"data\":{\"__typename\":\"Query\"}}";
static struct MHD_Response *response;
static char request_marker; /* *req_cls after the first call: the headers have been seen */

static RESULT answer(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
                     const char *version, const char *upload_data, size_t *upload_data_size, void **req_cls)
{
    (void)cls; (void)url; (void)method; (void)version; (void)upload_data;
    if (*req_cls == NULL) { /* first call: headers only, no body yet */
        *req_cls = &request_marker;
        return MHD_YES;
    }
    if (*upload_data_size != 0) { /* a chunk of the body: consume and drop it */
        *upload_data_size = 0;
        return MHD_YES;
    }
    return MHD_queue_response(connection, MHD_HTTP_OK, response);
}

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT THREADS\n", argv[0]);
        return 2;
    }
    int port = atoi(argv[1]);
    unsigned int threads = (unsigned int)atoi(argv[2]);
    if (port <= 0 || port > 65535 || threads < 1) {
        fprintf(stderr, "ceiling: PORT must be 1-65535 and THREADS at least 1\n");
        return 2;
    }

    response = MHD_create_response_from_buffer(sizeof BODY - 1, (void *)BODY, MHD_RESPMEM_PERSISTENT);
    if (response == NULL || MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, "application/json") != MHD_YES) {
        fprintf(stderr, "ceiling: cannot build the response\n");
        return 1;
    }

    struct MHD_Daemon *daemon = loopback_daemon(port, threads, answer);
    if (daemon == NULL) {
        fprintf(stderr, "ceiling: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    fprintf(stderr, "ceiling listening on http://127.0.0.1:%d/ (%u threads)\n", port, threads);

    loopback_serve(daemon);
    MHD_destroy_response(response);
    return 0;
}
