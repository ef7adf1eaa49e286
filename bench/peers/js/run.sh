#!/usr/bin/env bash
# Starts the graphql-js peer: bench/peers/js/run.sh --db FILE --port PORT
set -euo pipefail
source "$(dirname "$0")/env.sh"
exec node "$js_here/server.js" "$@"
