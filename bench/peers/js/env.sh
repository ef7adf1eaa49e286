# Sourced by run.sh and available.sh: where node finds graphql (Debian's node-graphql) and the
# node-sqlite3 that bench/peers/install.sh unpacked under bench/.cache.
js_here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
js_cache=$(cd "$js_here/../.." && pwd)/.cache
export NODE_PATH="$js_cache/node_modules:$js_cache/node-sqlite3/usr/lib/x86_64-linux-gnu/nodejs:/usr/share/nodejs${NODE_PATH:+:$NODE_PATH}"
