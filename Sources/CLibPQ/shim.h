#ifndef GONGHAI_CLIBPQ_SHIM_H
#define GONGHAI_CLIBPQ_SHIM_H

/* libpq, PostgreSQL's C client (Debian libpq-dev): blocking calls, one connection per thread
   at a time, which fits the synchronous request path of the libmicrohttpd worker threads. */
#include <libpq-fe.h>

#endif
