#!/usr/bin/env bash
# Time to a working branch for a large table: from a dump with
# `create branch node ... from copy` vs `londiste add-table`'s initial copy
# on an empty node. One throwaway cluster (unix socket, fsync off): node1
# is the root with table t (SIZE_MB of rows, default 1024), pgqd and the
# root's Londiste worker run, and a producer inserts a row every 0.1 s
# throughout. Then, one after the other:
#   copy:    pg_dump -Fc node1; pg_restore into node2; qadmin `create
#            branch node node2 from copy`; start node2's worker; done when
#            a row inserted on the root after the command reached node2;
#   initial: create node3 empty (the table only); qadmin `create branch
#            node node3`; `londiste add-table public.t`; start node3's
#            worker; done when t is in sync there and a row inserted after
#            that reached node3.
# Prints each phase's seconds and checks that all three nodes hold the
# same rows (md5) at the end.
#   SIZE_MB=1024 benches/from_copy.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
SIZE_MB=${SIZE_MB:-1024}
dir=$(mktemp -d /tmp/qadmin-fromcopy.XXXXXX)
port=55541
source "$top/scripts/cluster.sh"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in $(cat "$dir"/*.pid* 2>/dev/null) $(pgrep -f -- "$dir/(node[0-9]|pgqd)\.ini" || true); do
    [ "$p" != "$$" ] && kill "$p" 2>/dev/null || true
  done
  cluster_stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$top/scripts/setup.sh"
# QADMIN=path uses that binary (the database work dominates: a debug
# build times the same); else a release build.
if [ -z "${QADMIN:-}" ]; then
  cargo build --release --quiet --manifest-path "$top/Cargo.toml"
fi
Q="${QADMIN:-$top/target/release/qadmin}"
cluster_start "$dir" "$port"
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_wal_size=4GB -c maintenance_work_mem=256MB" restart >/dev/null
chmod 777 "$dir"

loc() { echo "host=$dir port=$port dbname=node$1 user=$PGSU"; }
val() { cluster_psql "$dir" "$port" "$1" -A -t -c "$2"; }
qa() { "$Q" -X -h "$dir" -p "$port" -U "$PGSU" -d "$1" -Q replika "${@:2}"; }
now() { date +%s.%N; }
secs() { python3 -c "print(f'{$2 - $1:.1f}')"; }
ini() {
  cat > "$dir/node$1.ini" <<INI
[londiste]
job_name = londiste_node$1
db = $(loc "$1")
queue_name = replika
logfile = $dir/node$1.log
pidfile = $dir/node$1.pid
loop_delay = 0.2
INI
}
# arrived N MARK: wait until row MARK is on node N.
arrived() {
  until [ "$(val "node$1" "select count(*) from t where id = $2")" = 1 ]; do sleep 0.2; done
}

cluster_psql "$dir" "$port" postgres -c "create database node1" >/dev/null
val node1 "create extension pgq; create extension pgq_node; create extension londiste;
           create table t (id int8 primary key, v text)" >/dev/null
# ~200 bytes a row.
rows=$((SIZE_MB * 1024 * 1024 / 250))
t0=$(now)
val node1 "insert into t select g, repeat(md5(g::text), 6) from generate_series(1, $rows) g" >/dev/null
val node1 "vacuum analyze t" >/dev/null
size=$(val node1 "select pg_size_pretty(pg_total_relation_size('t'))")
echo "table t: $rows rows, $size (with its index), loaded in $(secs "$t0" "$(now)") s"
qa node1 -q -c "create root node node1 location '$(loc 1)';"
ini 1; ini 2; ini 3
londiste "$dir/node1.ini" add-table public.t >/dev/null
cat > "$dir/pgqd.ini" <<INI
[pgqd]
logfile = $dir/pgqd.log
pidfile = $dir/pgqd.pid
base_connstr = host=$dir port=$port user=$PGSU
initial_database = postgres
database_list = node1,node2,node3
ticker_period = 0.2
INI
pgqd "$dir/pgqd.ini" > "$dir/pgqd.out" 2>&1 &
pids+=($!)
londiste "$dir/node1.ini" worker > "$dir/worker1.out" 2>&1 &
pids+=($!)
# The producer: ids from 100,000,000 up, one row every 0.1 s.
( i=100000000; while :; do val node1 "insert into t values ($i, 'p$i')" >/dev/null || exit 0; i=$((i+1)); sleep 0.1; done ) &
producer=$!
pids+=($producer)
sleep 2

# From a dump.
t0=$(now)
as_owner "$PGBIN/pg_dump" -h "$dir" -p "$port" -U "$PGSU" -Fc -f "$dir/node1.dump" node1
t1=$(now)
cluster_psql "$dir" "$port" postgres -c "create database node2 template template0" >/dev/null
as_owner "$PGBIN/pg_restore" -h "$dir" -p "$port" -U "$PGSU" --no-owner -d node2 "$dir/node1.dump"
t2=$(now)
qa node2 -q -c "create branch node node2 from copy of node1 location '$(loc 2)';" 2>"$dir/fromcopy.err" \
  || { cat "$dir/fromcopy.err" >&2; exit 1; }
t3=$(now)
londiste "$dir/node2.ini" worker > "$dir/worker2.out" 2>&1 &
pids+=($!)
val node1 "insert into t values (-2, 'mark')" >/dev/null
arrived 2 -2
t4=$(now)
dump_s=$(secs "$t0" "$t1"); restore_s=$(secs "$t1" "$t2"); cmd_s=$(secs "$t2" "$t3"); follow_s=$(secs "$t3" "$t4")
copy_total=$(secs "$t0" "$t4")
echo "from copy: pg_dump -Fc ${dump_s} s, pg_restore ${restore_s} s, create branch node ... from copy ${cmd_s} s, worker follows ${follow_s} s: ${copy_total} s"

# Londiste's initial copy on an empty node.
t0=$(now)
cluster_psql "$dir" "$port" postgres -c "create database node3" >/dev/null
val node3 "create extension pgq; create extension pgq_node; create extension londiste;
           create table t (id int8 primary key, v text)" >/dev/null
qa node3 -q -c "create branch node node3 location '$(loc 3)' provider '$(loc 1)';"
londiste "$dir/node3.ini" add-table public.t >/dev/null
londiste "$dir/node3.ini" worker > "$dir/worker3.out" 2>&1 &
pids+=($!)
until [ "$(val node3 "select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")" = 1 ]; do sleep 0.5; done
val node1 "insert into t values (-3, 'mark')" >/dev/null
arrived 3 -3
t1=$(now)
initial_total=$(secs "$t0" "$t1")
echo "initial copy: create branch node + londiste add-table + worker until in sync and following: ${initial_total} s"

# Same rows everywhere.
# Stop the producer and let its last insert finish before the end mark.
kill "$producer" 2>/dev/null || true
wait "$producer" 2>/dev/null || true
sleep 1
val node1 "insert into t values (-4, 'end')" >/dev/null
arrived 2 -4; arrived 3 -4
m1=$(val node1 "select md5(string_agg(id || ':' || v, ',' order by id)) from t")
m2=$(val node2 "select md5(string_agg(id || ':' || v, ',' order by id)) from t")
m3=$(val node3 "select md5(string_agg(id || ':' || v, ',' order by id)) from t")
if [ "$m1" != "$m2" ] || [ "$m1" != "$m3" ]; then
  echo "from_copy.sh: contents differ: $m1 $m2 $m3" >&2
  for i in 1 2 3; do val "node$i" "select id || ':' || v from t where id < 0 or id >= 100000000 order by id" > "$dir/ids$i"; done
  echo "node1 vs node2 (producer rows):" >&2; diff "$dir/ids1" "$dir/ids2" | head -20 >&2 || true
  echo "node1 vs node3 (producer rows):" >&2; diff "$dir/ids1" "$dir/ids3" | head -20 >&2 || true
  exit 1
fi
grep -h "ERROR" "$dir/node2.log" && { echo "from_copy.sh: node2's worker logged errors" >&2; exit 1; }
echo "all three nodes identical (md5 $m1); ratio initial/copy: $(python3 -c "print(f'{$initial_total / $copy_total:.2f}')")"
