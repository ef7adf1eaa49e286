/*
 * The libmicrohttpd daemon the C baselines share with each other and, in its options, with
 * gonghai (Sources/CMicroHTTPD): 127.0.0.1 only, a pool of THREADS workers each polling its own
 * connections (epoll where available), so a baseline measures its handler, not a different
 * server setup. Header-only: each baseline is one C file built on its own.
 */
#ifndef GONGHAI_BENCH_LOOPBACK_DAEMON_H
#define GONGHAI_BENCH_LOOPBACK_DAEMON_H

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#if MHD_VERSION < 0x00097002
#define RESULT int
#else
#define RESULT enum MHD_Result
#endif

static volatile sig_atomic_t loopback_stopping;
static void loopback_on_signal(int sig) { (void)sig; loopback_stopping = 1; }

/* Starts the daemon on 127.0.0.1:port with `threads` workers; NULL when it cannot listen. */
static struct MHD_Daemon *loopback_daemon(int port, unsigned int threads, MHD_AccessHandlerCallback handler)
{
    struct sockaddr_in address;
    memset(&address, 0, sizeof address);
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD;
    if (MHD_is_feature_supported(MHD_FEATURE_EPOLL) == MHD_YES)
        flags |= MHD_USE_EPOLL;
    return MHD_start_daemon(
        flags, (uint16_t)port, NULL, NULL, handler, NULL,
        MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&address,
        MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned int)4096,
        MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)30,
        MHD_OPTION_END);
}

/* Serves until SIGINT or SIGTERM, then stops the daemon. */
static void loopback_serve(struct MHD_Daemon *daemon)
{
    signal(SIGINT, loopback_on_signal);
    signal(SIGTERM, loopback_on_signal);
    while (!loopback_stopping)
        pause();
    MHD_stop_daemon(daemon);
}

#endif
