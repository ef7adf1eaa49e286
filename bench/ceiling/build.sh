#!/bin/sh
# Builds bench/ceiling/ceiling (needs libmicrohttpd-dev and pkg-config).
set -eu
cd "$(dirname "$0")"
cc -O2 -Wall -Wextra -o ceiling ceiling.c $(pkg-config --cflags --libs libmicrohttpd)
