#!/usr/bin/env bash
# A private PostgreSQL 15 cluster in a directory of our own, for `make run`
# (var/) and for the tests (a temporary directory). initdb and postgres refuse
# to run as root, so as root we run them as Debian's `postgres` user.
#
#   pg.sh start DIR    initdb DIR/pg on first use, start it with its Unix
#                      socket in DIR, wait until it accepts connections
#   pg.sh stop DIR     fast shutdown (clean: no recovery on the next start)
#   pg.sh kill DIR     SIGKILL the postmaster (for fault tests)
#   pg.sh crash DIR    SIGKILL the postmaster and every process it started
#   pg.sh url DIR      print a libpq connection string for database `postgres`
#
# PG_FSYNC (on/off) and PG_OPTS (more "-c name=value" settings, e.g. the
# benchmark's pg_stat_statements) apply to start.
set -euo pipefail

cmd=${1:?usage: pg.sh start|stop|kill|crash|url DIR}
dir=$(realpath -m "${2:?usage: pg.sh start|stop|kill|crash|url DIR}")
bindir=$(ls -d /usr/lib/postgresql/15/bin 2>/dev/null || true)
[ -n "$bindir" ] || { echo "pg.sh: PostgreSQL 15 is not installed (scripts/install-deps.sh installs it)" >&2; exit 1; }

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then chown postgres: "$dir"; fi
    chmod 0700 "$dir"
    if [ ! -s "$dir/pg/PG_VERSION" ]; then
      as_owner "$bindir/initdb" -D "$dir/pg" -U postgres --auth=trust -E UTF8 \
        --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    # No TCP: only the socket in $dir, which only its owner (and root) can enter.
    as_owner "$bindir/pg_ctl" -D "$dir/pg" -l "$dir/postgres.log" -w -t 60 \
      -o "-c listen_addresses='' -c unix_socket_directories='$dir' -c max_connections=200 -c fsync=${PG_FSYNC:-on} ${PG_OPTS:-}" \
      start >/dev/null
    ;;
  stop)
    [ -s "$dir/pg/postmaster.pid" ] || exit 0
    as_owner "$bindir/pg_ctl" -D "$dir/pg" -m fast -w -t 60 stop >/dev/null
    ;;
  kill)
    [ -s "$dir/pg/postmaster.pid" ] || exit 0
    kill -9 "$(head -1 "$dir/pg/postmaster.pid")"
    ;;
  crash)
    # The whole server dies at once, as under the OOM killer or a container
    # stop: a backend in the middle of a COMMIT dies too, so a transaction can
    # be durable (its WAL written) without its reply having been sent. (After
    # `kill` the backends live on and finish what they were doing.) Backends
    # are in process groups of their own, so they are found by parent: the
    # postmaster is frozen first so that it starts none meanwhile.
    [ -s "$dir/pg/postmaster.pid" ] || exit 0
    pm=$(head -1 "$dir/pg/postmaster.pid")
    kill -STOP "$pm"
    pids=("$pm")
    for stat in /proc/[0-9]*/stat; do
      { read -r line <"$stat"; } 2>/dev/null || continue
      fields=(${line##*) }) # after "pid (comm) ": state, ppid, ...
      [ "${fields[1]:-}" = "$pm" ] && pids+=("${line%% *}")
    done
    kill -9 "${pids[@]}"
    ;;
  url)
    echo "host=$dir user=postgres dbname=${3:-postgres}"
    ;;
  *) echo "pg.sh: unknown command '$cmd'" >&2; exit 2 ;;
esac
