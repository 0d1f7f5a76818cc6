#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests: the server's storage tests run against SQLite
# always and against PostgreSQL when TTA_TEST_POSTGRES_URL is set.
#
# Two ways to use it:
#   source scripts/postgres.sh
#   tta_pg_start            # exports TTA_TEST_POSTGRES_URL; install `trap tta_pg_stop EXIT` first
#   ...
#   tta_pg_stop             # stops the cluster and deletes its directory; safe to call twice
# or, for one command:
#   bash scripts/postgres.sh run CMD [ARGS...]   # e.g. run psql "$TTA_TEST_POSTGRES_URL"
#
# The cluster lives in a fresh directory under $TMPDIR (default /tmp), listens on a free port on
# 127.0.0.1 only, lets anyone on this machine in as the superuser `postgres` without a password
# (trust), has fsync off (nothing in it is worth keeping) and room for 300 connections (several
# server nodes, each with its pool). As root, initdb and the server run as the `postgres` user,
# since PostgreSQL refuses to run as root.
#
# When TTA_TEST_POSTGRES_URL is already set, that database is used and nothing is started (a CI
# service container, say). When the cluster cannot be started this fails, so CI never skips the
# PostgreSQL tests by accident; TTA_SKIP_POSTGRES=1 turns the failure into a warning and the
# tests then run on SQLite only.

# Where initdb, pg_ctl and pg_isready are: the PATH's, else the newest Debian install.
_tta_pg_bindir() {
    local initdb
    if initdb="$(command -v initdb 2>/dev/null)"; then
        # It may be a link from a PATH directory; pg_ctl and pg_isready live by the real one.
        dirname "$(readlink -f "$initdb")"
        return 0
    fi
    # Debian keeps each major version in its own directory, off the PATH.
    initdb="$(compgen -G '/usr/lib/postgresql/*/bin/initdb' | sort -V | tail -n 1)"
    [ -n "$initdb" ] || return 1
    dirname "$initdb"
}

# Runs a command as the owner of the cluster: `postgres` when we are root, else ourselves.
_tta_pg_as() {
    if [ "$(id -u)" -ne 0 ]; then
        "$@"
    elif command -v runuser >/dev/null 2>&1; then
        runuser -u postgres -- "$@"
    else
        su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
    fi
}

# A port nothing listens on now. Another process may take it before the server binds it, so the
# caller retries with a new one when the start fails.
_tta_pg_free_port() {
    local port _
    for _ in $(seq 1 50); do
        port=$((20000 + RANDOM % 40000))
        # A refused connection means no listener; ss is not needed for that.
        if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            echo "$port"
            return 0
        fi
    done
    return 1
}

# Fails (or warns, with TTA_SKIP_POSTGRES=1) with a message.
_tta_pg_fail() {
    if [ "${TTA_SKIP_POSTGRES:-0}" = 1 ]; then
        echo "postgres: $* (TTA_SKIP_POSTGRES=1: the tests run without PostgreSQL)" >&2
        return 0
    fi
    echo "postgres: $* (set TTA_SKIP_POSTGRES=1 to run the tests without PostgreSQL)" >&2
    return 1
}

tta_pg_start() {
    if [ -n "${TTA_TEST_POSTGRES_URL:-}" ]; then
        echo "postgres: using TTA_TEST_POSTGRES_URL from the environment"
        return 0
    fi
    local bindir
    if ! bindir="$(_tta_pg_bindir)"; then
        _tta_pg_fail "no initdb found (install the postgresql package)"
        return
    fi
    TTA_PG_BINDIR="$bindir"
    if [ "$(id -u)" -eq 0 ] && ! id postgres >/dev/null 2>&1; then
        _tta_pg_fail "running as root and there is no postgres user to run the server as"
        return
    fi

    TTA_PG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/tta-pg.XXXXXX")" || {
        _tta_pg_fail "cannot make a temporary directory"
        return
    }
    # mktemp made it 0700 for us; the server's user must own it, and it stays private.
    if [ "$(id -u)" -eq 0 ]; then
        chown postgres: "$TTA_PG_DIR"
    fi
    local data="$TTA_PG_DIR/data"

    # The server's user cannot enter root's working directory, and initdb complains about it.
    if ! (cd "$TTA_PG_DIR" && _tta_pg_as "$bindir/initdb" -D "$data" -U postgres \
        --auth=trust --encoding=UTF8 --locale=C --no-sync >"$TTA_PG_DIR/initdb.log" 2>&1); then
        cat "$TTA_PG_DIR/initdb.log" >&2
        tta_pg_stop
        _tta_pg_fail "initdb failed"
        return
    fi
    # The port is given at start, so a retry with another port needs no edit here. The socket
    # goes into our directory: the default, /var/run/postgresql, may not exist or be writable.
    cat >>"$data/postgresql.conf" <<EOF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$TTA_PG_DIR'
max_connections = 300
fsync = off
synchronous_commit = off
full_page_writes = off
EOF

    local port="" attempt started=0
    for attempt in 1 2 3 4 5; do
        if ! port="$(_tta_pg_free_port)"; then
            break
        fi
        if (cd "$TTA_PG_DIR" && _tta_pg_as "$bindir/pg_ctl" -D "$data" -l "$TTA_PG_DIR/server.log" \
            -o "-p $port" -w -t 60 start >/dev/null); then
            started=1
            break
        fi
        echo "postgres: start on port $port failed (attempt $attempt), trying another port" >&2
    done
    if [ "$started" -ne 1 ]; then
        tail -n 20 "$TTA_PG_DIR/server.log" >&2 2>/dev/null || true
        tta_pg_stop
        _tta_pg_fail "the server did not start"
        return
    fi

    # pg_ctl -w waits for the socket; also wait until TCP, which the tests use, answers.
    local i
    for i in $(seq 1 60); do
        if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres; then
            break
        fi
        if [ "$i" -eq 60 ]; then
            tail -n 20 "$TTA_PG_DIR/server.log" >&2 || true
            tta_pg_stop
            _tta_pg_fail "the server does not accept connections on 127.0.0.1:$port"
            return
        fi
        sleep 0.5
    done

    export TTA_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$port/postgres"
    TTA_PG_OWNS_URL=1
    echo "postgres: TTA_TEST_POSTGRES_URL=$TTA_TEST_POSTGRES_URL (in $TTA_PG_DIR)"
}

tta_pg_stop() {
    if [ "${TTA_PG_OWNS_URL:-0}" = 1 ]; then
        unset TTA_TEST_POSTGRES_URL
    fi
    unset TTA_PG_OWNS_URL
    [ -n "${TTA_PG_DIR:-}" ] || return 0
    if [ -f "$TTA_PG_DIR/data/postmaster.pid" ]; then
        # Fast shutdown ends open test connections; immediate is the fallback for a stuck one.
        (cd "$TTA_PG_DIR" && _tta_pg_as "$TTA_PG_BINDIR/pg_ctl" -D "$TTA_PG_DIR/data" \
            -m fast -w -t 30 stop >/dev/null 2>&1) ||
            (cd "$TTA_PG_DIR" && _tta_pg_as "$TTA_PG_BINDIR/pg_ctl" -D "$TTA_PG_DIR/data" \
                -m immediate -w -t 30 stop >/dev/null 2>&1) ||
            echo "postgres: could not stop the server in $TTA_PG_DIR" >&2
    fi
    rm -rf "$TTA_PG_DIR"
    unset TTA_PG_DIR TTA_PG_BINDIR
}

# Run as a script: start, run the command with the URL exported, stop whatever happens.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    set -euo pipefail
    if [ "${1:-}" != run ] || [ $# -lt 2 ]; then
        echo "usage: bash $0 run CMD [ARGS...]" >&2
        exit 2
    fi
    shift
    trap tta_pg_stop EXIT
    # Without these an interrupt would end the script before the EXIT trap could run.
    trap 'exit 130' INT
    trap 'exit 143' TERM
    tta_pg_start
    "$@"
fi
