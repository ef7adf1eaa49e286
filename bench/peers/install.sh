#!/usr/bin/env bash
# Installs what the benchmark peers need, from Debian packages only, and builds the graphql-go
# peer. Idempotent: apt-get update runs only when a package is missing, and the unpacked
# node-sqlite3 is kept under bench/.cache/ (gitignored).
#
#   bench/peers/install.sh            # install, unpack, build; exit 0 when the Go peer is ready
#
# The graphql-js peer needs Debian's node-sqlite3, which does not install beside this machine's
# node 20 with apt (it depends on Debian's node 18 libnode108). It is fetched with
# `apt-get download`, unpacked with `dpkg -x`, and its addon's DT_NEEDED entry for libnode.so.108
# is dropped (it only uses N-API symbols, which node 20 exports). If it still does not load,
# bench/peers/js/available.sh says why and exits 1, and the JS peer is skipped.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
bench=$(cd "$here/.." && pwd)
cache="$bench/.cache"
packages=(golang-go golang-github-graph-gophers-graphql-go-dev golang-github-mattn-go-sqlite3-dev node-graphql wrk)

sudo_if_needed() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$package")
    fi
done
updated=no
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing: ${missing[*]}"
    sudo_if_needed apt-get update -qq
    updated=yes
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
fi

# The Go peer: GOPATH-mode build against Debian's Go sources (no modules, no downloads).
go_peer="$here/go/graphql-go-peer"
if [ ! -x "$go_peer" ] || [ -n "$(find "$here/go" -name '*.go' -newer "$go_peer")" ]; then
    echo "building $go_peer"
    mkdir -p "$cache"
    (cd "$here/go" && GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= GOCACHE="${GOCACHE:-$cache/go-build}" \
        go build -tags libsqlite3 -o "$go_peer" .)
fi

# The JS peer's sqlite3: Debian's node-sqlite3, unpacked (not installed) under bench/.cache.
mkdir -p "$cache"
sqlite_dir="$cache/node-sqlite3/usr/lib/x86_64-linux-gnu/nodejs/sqlite3"
addon="$sqlite_dir/lib/binding/napi-v6-linux-glibc-x64/node_sqlite3.node"
if [ ! -f "$addon" ]; then
    (
        cd "$cache"
        rm -f node-sqlite3_*.deb
        if ! apt-get download node-sqlite3 2>/dev/null; then
            [ "$updated" = yes ] || sudo_if_needed apt-get update -qq
            apt-get download node-sqlite3
        fi
        rm -rf node-sqlite3
        dpkg -x node-sqlite3_*.deb node-sqlite3
    ) || echo "warning: could not fetch node-sqlite3; the graphql-js peer will be skipped" >&2
fi
if [ -f "$addon" ]; then
    python3 "$here/js/drop_needed.py" "$addon" libnode.so.108 >/dev/null
    python3 "$here/js/drop_needed.py" "$sqlite_dir/lib/binding/napi-v3-linux-glibc-x64/node_sqlite3.node" libnode.so.108 >/dev/null
    # sqlite3's loader asks @mapbox/node-pre-gyp (Debian's node-pre-gyp) where the addon is; this
    # stand-in answers with the N-API v6 build instead of installing that package and its tree.
    shim="$cache/node_modules/@mapbox/node-pre-gyp"
    mkdir -p "$shim"
    cat >"$shim/index.js" <<'EOF'
'use strict';
// Stand-in for @mapbox/node-pre-gyp written by bench/peers/install.sh: node-sqlite3 only calls find().
const path = require('path');
exports.find = (packageJson) => path.join(path.dirname(packageJson), 'lib/binding/napi-v6-linux-glibc-x64/node_sqlite3.node');
EOF
fi

echo "graphql-go peer: $go_peer"
if "$here/js/available.sh"; then
    echo "graphql-js peer: ready (bench/peers/js/run.sh)"
else
    echo "graphql-js peer: skipped"
fi
