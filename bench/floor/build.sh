#!/bin/sh
# Builds bench/floor/floor (needs libmicrohttpd-dev, libsqlite3-dev and pkg-config).
set -eu
cd "$(dirname "$0")"
cc -O2 -Wall -Wextra -o floor floor.c $(pkg-config --cflags --libs libmicrohttpd sqlite3)
