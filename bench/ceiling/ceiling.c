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
#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if MHD_VERSION < 0x00097002
#define RESULT int
#else
#define RESULT enum MHD_Result
#endif

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

static volatile sig_atomic_t stopping;
static void on_signal(int sig) { (void)sig; stopping = 1; }

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

    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);

    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    struct MHD_Daemon *daemon = MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, answer, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_END);
    if (daemon == NULL) {
        fprintf(stderr, "ceiling: cannot listen on 127.0.0.1:%d\n", port);
        return 1;
    }
    fprintf(stderr, "ceiling listening on http://127.0.0.1:%d/ (%u threads%s)\n", port, threads,
            (flags & MHD_USE_EPOLL) ? ", epoll" : "");

    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    while (!stopping)
        pause();
    MHD_stop_daemon(daemon);
    MHD_destroy_response(response);
    return 0;
}
