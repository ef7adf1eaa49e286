#!/bin/sh
# Builds the bare libpq loops in bench/pg/ (needs libpq-dev). No Swift is compiled here.
set -eu
cd "$(dirname "$0")"
INCLUDE=$(pg_config --includedir)
cc -O2 -Wall -Wextra -o pg_page pg_page.c -I"$INCLUDE" -lpq -lpthread
cc -O2 -Wall -Wextra -o pg_claim_release pg_claim_release.c -I"$INCLUDE" -lpq -lpthread
cc -O2 -Wall -Wextra -o pg_sweep_sql pg_sweep_sql.c -I"$INCLUDE" -lpq
