#ifndef GONGHAI_CMICROHTTPD_SHIM_H
#define GONGHAI_CMICROHTTPD_SHIM_H

#include <microhttpd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

/* The only C the project writes: fixed-argument wrappers around libmicrohttpd's variadic calls,
   which Swift cannot import. */

/* Starts a daemon with its own thread pool, bound to one address (IPv4 or IPv6 literal). */
static inline struct MHD_Daemon *gh_start_daemon(
    const char *host, uint16_t port, unsigned int threads, unsigned int timeout_seconds,
    unsigned int connection_limit, unsigned int per_address_limit, size_t connection_memory,
    MHD_AccessHandlerCallback handler, void *handler_cls,
    MHD_RequestCompletedCallback completed, void *completed_cls)
{
    struct sockaddr_storage storage;
    memset(&storage, 0, sizeof storage);
    /* Suspend/resume parks an event stream's connection while it has nothing to send. */
    unsigned int flags = MHD_USE_AUTO_INTERNAL_THREAD | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    struct sockaddr_in *v4 = (struct sockaddr_in *)&storage;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)&storage;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        flags |= MHD_USE_IPv6;
    } else {
        return NULL;
    }
    return MHD_start_daemon(
        flags, port, NULL, NULL, handler, handler_cls,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&storage,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, timeout_seconds,
        MHD_OPTION_CONNECTION_LIMIT, connection_limit,
        MHD_OPTION_PER_IP_CONNECTION_LIMIT, per_address_limit,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, connection_memory,
        MHD_OPTION_NOTIFY_COMPLETED, completed, completed_cls,
        MHD_OPTION_END);
}

/* The port the daemon listens on (useful when started on port 0). */
static inline uint16_t gh_bound_port(struct MHD_Daemon *daemon)
{
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(daemon, MHD_DAEMON_INFO_BIND_PORT);
    return info == NULL ? 0 : info->port;
}

/* An IPv4 address as dotted decimal into `out` (16 bytes at least), without inet_ntop's
   sprintf: every request formats its peer. */
static inline void gh_format_ipv4(const unsigned char bytes[4], char *out)
{
    for (int i = 0; i < 4; i++) {
        unsigned int v = bytes[i];
        if (v >= 100) *out++ = (char)('0' + v / 100);
        if (v >= 10) *out++ = (char)('0' + v / 10 % 10);
        *out++ = (char)('0' + v % 10);
        if (i < 3) *out++ = '.';
    }
    *out = 0;
}

/* The client's address as text (IPv4 or IPv6), or "" when unknown. */
static inline void gh_client_address(struct MHD_Connection *connection, char *buffer, socklen_t size)
{
    buffer[0] = 0;
    const union MHD_ConnectionInfo *info = MHD_get_connection_info(connection, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    if (info == NULL || info->client_addr == NULL) return;
    const struct sockaddr *address = info->client_addr;
    if (address->sa_family == AF_INET && size >= INET_ADDRSTRLEN) {
        gh_format_ipv4((const unsigned char *)&((const struct sockaddr_in *)address)->sin_addr, buffer);
    } else if (address->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)address)->sin6_addr, buffer, size);
    }
}

static inline const char *gh_header(struct MHD_Connection *connection, const char *name)
{
    return MHD_lookup_connection_value(connection, MHD_HEADER_KIND, name);
}

static inline const char *gh_query_argument(struct MHD_Connection *connection, const char *name)
{
    return MHD_lookup_connection_value(connection, MHD_GET_ARGUMENT_KIND, name);
}

/* A response with a copy of the body; NULL when libmicrohttpd refused it. Headers are added
   with MHD_add_response_header, then gh_queue sends it. */
static inline struct MHD_Response *gh_response_copying(const void *body, size_t length)
{
    return MHD_create_response_from_buffer(length, (void *)body, MHD_RESPMEM_MUST_COPY);
}

/* A response whose body is read from `reader` as it comes (chunked, length unknown): an event
   stream. `release` runs once the response is done with `cls`, or at once when it is refused
   (NULL). */
static inline struct MHD_Response *gh_response_streaming(
    size_t block_size, MHD_ContentReaderCallback reader, void *cls, MHD_ContentReaderFreeCallback release)
{
    struct MHD_Response *response = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, block_size, reader, cls, release);
    if (response == NULL) release(cls);
    return response;
}

/* Queues `response` on the connection and lets go of it; returns 0 when libmicrohttpd refused. */
static inline int gh_queue(struct MHD_Connection *connection, unsigned int status, struct MHD_Response *response)
{
    enum MHD_Result queued = MHD_queue_response(connection, status, response);
    MHD_destroy_response(response);
    return queued == MHD_YES;
}

static inline ssize_t gh_end_of_stream(void) { return MHD_CONTENT_READER_END_OF_STREAM; }

#endif
