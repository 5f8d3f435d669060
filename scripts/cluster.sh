#!/usr/bin/env bash
# Helpers to run a throwaway PostgreSQL 15 cluster of our own: data dir and
# unix socket inside one directory, never the system server or port 5432.
# Sourced by demo.sh and the benchmark scripts.
#   cluster_start DIR PORT   initdb (if needed) and start; sets PGBIN, PGSU
#   cluster_stop DIR         stop it (fast) if running
#   cluster_psql DIR PORT DB ARGS...
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
if [ "$(id -u)" = 0 ]; then PGSU=postgres; else PGSU=$(id -un); fi

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_start() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$PGBIN/initdb" -D "$dir/data" -A trust -U "$PGSU" -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  if ! as_owner "$PGBIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses='' -c fsync=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; return 1; }
  fi
}

cluster_stop() {
  local dir=$1
  if [ -f "$dir/data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  fi
}

cluster_psql() {
  local dir=$1 port=$2 db=$3; shift 3
  "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U "$PGSU" -d "$db" "$@"
}
