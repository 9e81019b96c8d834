#!/usr/bin/env bash
# Start a throw-away PostgreSQL server for the test suite (CI and developers).
#
#   source .ci/postgres.sh      # installs (if needed), starts, exports JEUGDTOEGANG_TEST_PG
#   pytest -m postgres -q
#   pg_stop                     # stops the server and removes its data folder
#
# As root (CI) it installs Debian's postgresql package when no server binaries are found and
# runs the server as the unprivileged user `postgres` (initdb refuses to run as root). As a
# normal user it runs the server as that user. The server listens on 127.0.0.1 on a free
# port; data lives in a temporary folder. Nothing outside that folder is changed.

_pg_bindir() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do
        if [ -x "$dir/initdb" ]; then echo "$dir"; fi
    done | sort -V | tail -n 1
}

_pg_free_port() {
    python3 - <<'PY'
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
}

pg_start() {
    local bindir
    bindir="$(_pg_bindir)"
    if [ -z "$bindir" ]; then
        if [ "$(id -u)" -ne 0 ]; then
            echo "postgres.sh: PostgreSQL is not installed and we are not root" >&2
            return 1
        fi
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq && apt-get install -y -qq postgresql >/dev/null || return 1
        bindir="$(_pg_bindir)"
    fi
    local run_as=""
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent postgres
        run_as="postgres"
    fi
    PG_TEST_DIR="$(mktemp -d /tmp/jt-pg.XXXXXX)"
    PG_TEST_PORT="$(_pg_free_port)"
    local password="jt-test"
    printf '%s\n' "$password" >"$PG_TEST_DIR/pwfile"
    mkdir -p "$PG_TEST_DIR/data" "$PG_TEST_DIR/socket"
    [ -n "$run_as" ] && chown -R "$run_as" "$PG_TEST_DIR"
    _pg_as() { if [ -n "$run_as" ]; then runuser -u "$run_as" -- "$@"; else "$@"; fi; }
    _pg_as "$bindir/initdb" -D "$PG_TEST_DIR/data" -U jt --pwfile="$PG_TEST_DIR/pwfile" \
        --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$PG_TEST_DIR/initdb.log" 2>&1 || {
        cat "$PG_TEST_DIR/initdb.log" >&2
        return 1
    }
    _pg_as "$bindir/pg_ctl" -D "$PG_TEST_DIR/data" -l "$PG_TEST_DIR/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_TEST_PORT -k $PG_TEST_DIR/socket -c fsync=off -c max_connections=200" \
        start >/dev/null || {
        cat "$PG_TEST_DIR/server.log" >&2
        return 1
    }
    PG_TEST_BINDIR="$bindir"
    PG_TEST_RUN_AS="$run_as"
    export JEUGDTOEGANG_TEST_PG="postgresql+psycopg://jt:${password}@127.0.0.1:${PG_TEST_PORT}/postgres"
    echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_TEST_PORT"
    echo "JEUGDTOEGANG_TEST_PG=$JEUGDTOEGANG_TEST_PG"
}

pg_stop() {
    [ -n "${PG_TEST_DIR:-}" ] || return 0
    if [ -n "${PG_TEST_RUN_AS:-}" ]; then
        runuser -u "$PG_TEST_RUN_AS" -- "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1
    else
        "$PG_TEST_BINDIR/pg_ctl" -D "$PG_TEST_DIR/data" -m fast -w stop >/dev/null 2>&1
    fi
    rm -rf "$PG_TEST_DIR"
    unset PG_TEST_DIR JEUGDTOEGANG_TEST_PG
}

# Run as a script (not sourced): start, print the URL and leave the server running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -e
    pg_start
    echo "stop with: pg_ctl -D $PG_TEST_DIR/data stop (as ${PG_TEST_RUN_AS:-$(id -un)})"
fi
