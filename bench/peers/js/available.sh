#!/usr/bin/env bash
# Exit 0 when the graphql-js peer can run here (node, graphql, and node-sqlite3's addon loading
# into this node and opening a database); otherwise say why on stderr and exit 1, and the
# benchmark skips this peer. Run bench/peers/install.sh first.
set -uo pipefail
source "$(dirname "$0")/env.sh"
if ! command -v node >/dev/null; then
    echo "graphql-js peer skipped: no node" >&2
    exit 1
fi
out=$(node -e '
const graphql = require("graphql");
const sqlite3 = require("sqlite3");
const db = new sqlite3.Database(":memory:", (error) => {
  if (error) { console.error(error.message); process.exit(1); }
  db.all("SELECT json_array(1, 2) AS a", [], (error, rows) => {
    if (error) { console.error(error.message); process.exit(1); }
    console.log("node " + process.version + ", graphql " + graphql.version + ", sqlite " + sqlite3.VERSION);
  });
});' 2>&1)
status=$?
if [ $status -ne 0 ]; then
    echo "graphql-js peer skipped: node-sqlite3 does not load with node $(node --version): $(echo "$out" | grep -m1 -E 'Error|error' || echo "$out" | head -1)" >&2
    exit 1
fi
echo "graphql-js peer available: $out" >&2
exit 0
