#!/bin/sh
# Builds the bare-SQL baselines in bench/baseline/ (needs libsqlite3-dev).
set -eu
cd "$(dirname "$0")"
cc -O2 -Wall -Wextra -o claim_release claim_release.c -lsqlite3 -lpthread
cc -O2 -Wall -Wextra -o sweep_sql sweep_sql.c -lsqlite3
