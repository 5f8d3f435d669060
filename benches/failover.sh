#!/usr/bin/env bash
# Root failover onto a streaming physical standby, qadmin vs the manual
# Python path of failover.md, the reference notes ("WAL ahead": the standby has
# replayed everything the branch consumed), in one run on the same cascade.
#
# Clusters of our own: the root's (database rootdb), a shared one with the
# branch and the leaf (leaf under the branch), and a streaming standby of
# the root (`pg_basebackup -R -X stream`); pgqd per cluster and a `londiste
# worker` per node (loop_delay 0.2, exception_sleep 1: a worker whose
# provider died retries after 1 s, not the default 20; ticker_period 0.2). Each round the
# root's pgqd is stopped, the branch and the standby catch up, and the
# root is killed (`pg_ctl stop -m immediate`); the clock starts when the
# kill returned and stops when a row written on the new root (retried
# until it is accepted) is on the branch and on the leaf:
#   qadmin:   pg_ctl promote; qadmin -c 'takeover root dead;' on it;
#             start its pgqd and root worker; write.
#   londiste: pg_ctl promote; londiste <root-on-standby.ini> takeover root
#             --dead-root (it tags root dead everywhere, the standby too,
#             and says "same node?"); the location repointed and the dead
#             flag cleared by hand on every node
#             (pgq_node.register_location, as failover.md does); start its
#             pgqd and root worker; write.
# Then a new standby of the new root is made for the next round, and the
# tools alternate. Prints each time, the medians and the ratio
# (docs/PERFORMANCE.md), then checks that every node holds the same rows.
#   RUNS=3 benches/failover.sh     (QADMIN_BIN=... to use a built binary)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
RUNS=${RUNS:-3}
base=$(mktemp -d /tmp/qadmin-failover.XXXXXX)
[ "$(id -u)" = 0 ] && chown postgres: "$base"
source "$top/scripts/cluster.sh"
pids=()
cleanup() {
  local p d
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in $(cat "$base"/*.pid* 2>/dev/null); do kill "$p" 2>/dev/null || true; done
  for d in "$base"/c*; do [ -d "$d" ] && cluster_stop "$d"; done
  rm -rf "$base"
}
trap cleanup EXIT
trap 'exit 130' INT TERM
die() { echo "failover.sh: $*" >&2; exit 1; }

"$top/scripts/setup.sh"
# QADMIN_BIN=path skips the build (the times are waits on workers and
# ticks, not qadmin's own work).
if [ -n "${QADMIN_BIN:-}" ]; then
  Q=$QADMIN_BIN
else
  cargo build --release --quiet --manifest-path "$top/Cargo.toml"
  Q="${CARGO_TARGET_DIR:-$top/target}/release/qadmin"
fi

port0=55561
n=0 # clusters made so far: c0 (shared: branch, leaf), c1, c2, ... (roots)
start_cluster() { # DIR PORT
  as_owner "$PGBIN/pg_ctl" -D "$1/data" -w -l "$1/server.log" \
    -o "-p $2 -k $1 -c listen_addresses='' -c fsync=off" start >/dev/null \
    || { cat "$1/server.log" >&2; die "start $1"; }
}
loc() { echo "host=$1 port=$2 dbname=$3 user=$PGSU"; } # DIR PORT DB
val() { cluster_psql "$1" "$2" "$3" -A -t -c "$4"; }     # DIR PORT DB SQL
qa() { "$Q" -X -h "$1" -p "$2" -U "$PGSU" -d "$3" -Q replika "${@:4}"; }

shared="$base/c0"; sport=$port0
cluster_start "$shared" "$sport"
root="$base/c1"; rport=$((port0 + 1)); n=1
cluster_start "$root" "$rport"

ini() { # NAME FILE LOCATION
  cat > "$base/$2.ini" <<INI
[londiste]
job_name = londiste_$1
db = $3
queue_name = replika
logfile = $base/$2.log
pidfile = $base/$2.pid
loop_delay = 0.2
exception_sleep = 1
INI
}
pgqd_ini() { # FILE DIR PORT DBS
  cat > "$base/$1.ini" <<INI
[pgqd]
logfile = $base/$1.log
pidfile = $base/$1.pid
base_connstr = host=$2 port=$3 user=$PGSU
initial_database = postgres
database_list = $4
ticker_period = 0.2
INI
}
declare -A pid_of
daemon() { # KEY CMD...
  "${@:2}" > "$base/$1.out" 2>&1 &
  pid_of[$1]=$!
  pids+=($!)
}
stop() { # KEY
  kill "${pid_of[$1]}" 2>/dev/null || true
  wait "${pid_of[$1]}" 2>/dev/null || true
}

cluster_psql "$root" "$rport" postgres -c "create database rootdb" >/dev/null
for db in branch leaf; do cluster_psql "$shared" "$sport" postgres -c "create database $db" >/dev/null; done
ext="create extension pgq; create extension pgq_node; create extension londiste; create table t (id int8 primary key, v text);"
cluster_psql "$root" "$rport" rootdb -c "$ext" >/dev/null
for db in branch leaf; do cluster_psql "$shared" "$sport" "$db" -c "$ext" >/dev/null; done
qa "$root" "$rport" rootdb -q -c "create root node root location '$(loc "$root" "$rport" rootdb)';"
qa "$shared" "$sport" branch -q -c "create branch node branch location '$(loc "$shared" "$sport" branch)' provider '$(loc "$root" "$rport" rootdb)';"
qa "$shared" "$sport" leaf -q -c "create leaf node leaf location '$(loc "$shared" "$sport" leaf)' provider '$(loc "$shared" "$sport" branch)';"
ini root root-1 "$(loc "$root" "$rport" rootdb)"
ini branch branch "$(loc "$shared" "$sport" branch)"
ini leaf leaf "$(loc "$shared" "$sport" leaf)"
for f in root-1 branch leaf; do
  londiste "$base/$f.ini" add-table public.t >/dev/null 2>"$base/add-$f.out" \
    || { cat "$base/add-$f.out" >&2; die "add-table $f"; }
done
pgqd_ini pgqd-shared "$shared" "$sport" branch,leaf
pgqd_ini pgqd-1 "$root" "$rport" rootdb
daemon pgqd-shared pgqd "$base/pgqd-shared.ini"
daemon pgqd-1 pgqd "$base/pgqd-1.ini"
root_pgqd=pgqd-1
daemon worker-root londiste "$base/root-1.ini" worker
daemon worker-branch londiste "$base/branch.ini" worker
daemon worker-leaf londiste "$base/leaf.ini" worker

next=1
write() { # DIR PORT COUNT: rows on the root
  val "$1" "$2" rootdb "insert into t select g, 'r' || g from generate_series($next, $((next + $3 - 1))) g" >/dev/null
  next=$((next + $3))
}
has() { # DIR PORT DB ID
  [ "$(val "$1" "$2" "$3" "select count(*) from t where id = $4" 2>/dev/null)" = 1 ]
}
wait_rows() { # ID SECONDS: the row on the branch and the leaf
  local start=$SECONDS
  until has "$shared" "$sport" branch "$1" && has "$shared" "$sport" leaf "$1"; do
    [ $((SECONDS - start)) -lt "$2" ] || die "row $1 did not reach the branch and the leaf in $2 s"
    sleep 0.05
  done
}
write "$root" "$rport" 20
start=$SECONDS
until [ "$(val "$shared" "$sport" leaf "select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")" = 1 ] \
   && [ "$(val "$shared" "$sport" branch "select count(*) from londiste.get_table_list('replika') where local and merge_state = 'ok'")" = 1 ]; do
  val "$root" "$rport" rootdb "select pgq.force_tick('replika')" >/dev/null
  [ $((SECONDS - start)) -lt 120 ] || die "table t not in sync"
  sleep 0.2
done

# standby_of DIR PORT: a streaming standby of that cluster, started; sets
# sdir sport_b.
standby_of() {
  n=$((n + 1)); sdir="$base/c$n"; sport_b=$((port0 + n))
  mkdir -p "$sdir"; [ "$(id -u)" = 0 ] && chown postgres: "$sdir"
  as_owner "$PGBIN/pg_basebackup" -h "$1" -p "$2" -U "$PGSU" -D "$sdir/data" -R -X stream -c fast
  start_cluster "$sdir" "$sport_b"
}
standby_of "$root" "$rport"

echo "== root failover onto a streaming standby (WAL ahead), root + branch + leaf, pgqd ticker_period 0.2, worker loop_delay 0.2, $RUNS round(s) =="
qadmin_ms=(); londiste_ms=(); round=0
fail_over() { # TOOL
  local tool=$1 t0 t1 ms lsn id out="$base/$round-$1.out" sloc
  round=$((round + 1))
  write "$root" "$rport" 10
  wait_rows $((next - 1)) 60
  # The root's ticker stops; the branch takes its last tick; the standby
  # replays everything; then the root dies.
  stop "$root_pgqd"
  local last; last=$(val "$root" "$rport" rootdb "select last_tick_id from pgq.get_queue_info('replika')")
  start=$SECONDS
  until [ "$(val "$shared" "$sport" branch "select coalesce(worker_last_tick, 0) >= $last from pgq_node.get_node_info('replika')")" = t ]; do
    [ $((SECONDS - start)) -lt 60 ] || die "branch did not take tick $last"; sleep 0.05
  done
  lsn=$(val "$root" "$rport" postgres "select pg_current_wal_lsn()")
  until [ "$(val "$sdir" "$sport_b" postgres "select pg_last_wal_replay_lsn() >= '$lsn'::pg_lsn")" = t ]; do sleep 0.05; done
  stop worker-root
  as_owner "$PGBIN/pg_ctl" -D "$root/data" -m immediate stop >/dev/null
  t0=$(date +%s%N)
  as_owner "$PGBIN/pg_ctl" -D "$sdir/data" -w promote >/dev/null
  sloc=$(loc "$sdir" "$sport_b" rootdb)
  local c0; c0=$(date +%s%N)
  if [ "$tool" = qadmin ]; then
    qa "$sdir" "$sport_b" rootdb -c "takeover root dead;" > "$out" 2>&1 || { cat "$out" >&2; die "qadmin takeover failed"; }
  else
    ini root "root-$n" "$sloc"
    londiste "$base/root-$n.ini" takeover root --dead-root > "$out" 2>&1 || { cat "$out" >&2; die "londiste takeover failed"; }
    for where in "$sdir $sport_b rootdb" "$shared $sport branch" "$shared $sport leaf"; do
      set -- $where
      val "$1" "$2" "$3" "select pgq_node.register_location('replika', 'root', '$sloc', false)" >/dev/null
    done
  fi
  local c1; c1=$(date +%s%N)
  [ -f "$base/root-$n.ini" ] || ini root "root-$n" "$sloc"
  pgqd_ini "pgqd-$n" "$sdir" "$sport_b" rootdb
  daemon "pgqd-$n" pgqd "$base/pgqd-$n.ini"
  root_pgqd=pgqd-$n
  daemon worker-root londiste "$base/root-$n.ini" worker
  id=$next; next=$((next + 1))
  until val "$sdir" "$sport_b" rootdb "insert into t values ($id, 'after failover')" >/dev/null 2>&1; do sleep 0.02; done
  wait_rows "$id" 120
  t1=$(date +%s%N)
  ms=$(( (t1 - t0) / 1000 ))
  ms=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  printf '  %-8s round %d %10s ms   (the takeover command%s: %d ms)\n' "$tool" "$round" "$ms" \
    "$([ "$tool" = londiste ] && echo ' and the repair by hand')" $(( (c1 - c0) / 1000000 ))
  [ "${TRACE:-0}" = 1 ] && sed 's/^/      | /' "$out"
  if [ "$tool" = qadmin ]; then qadmin_ms+=("$ms"); else londiste_ms+=("$ms"); fi
  # The standby is the root now; a new standby of it for the next round.
  rm -rf "$root"
  root=$sdir; rport=$sport_b
  standby_of "$root" "$rport"
}
for r in $(seq 1 "$RUNS"); do
  if [ $((r % 2)) = 1 ]; then tools="qadmin londiste"; else tools="londiste qadmin"; fi
  for tool in $tools; do fail_over "$tool"; done
done

python3 - "${qadmin_ms[*]}" "${londiste_ms[*]}" "$RUNS" <<'PY'
import statistics, sys
res = {"qadmin": [float(x) for x in sys.argv[1].split()],
       "londiste": [float(x) for x in sys.argv[2].split()]}
for name, v in res.items():
    print(f"  {name:8} median {statistics.median(v):10.2f} ms   min {min(v):10.2f}   max {max(v):10.2f}")
ma, mb = statistics.median(res["qadmin"]), statistics.median(res["londiste"])
print(f"  ratio qadmin/manual-python wall {ma/mb:.3f}   ({len(res['qadmin'])} failovers each, {sys.argv[3]} rounds, alternating)")
PY

# Every node holds the same rows.
write "$root" "$rport" 5
wait_rows $((next - 1)) 60
sum="select md5(string_agg(id || ':' || v, ',' order by id)) from t"
a=$(val "$root" "$rport" rootdb "$sum"); b=$(val "$shared" "$sport" branch "$sum"); c=$(val "$shared" "$sport" leaf "$sum")
[ "$a" = "$b" ] && [ "$a" = "$c" ] || die "the nodes differ after the failovers: $a $b $c"
echo "  after $((2 * RUNS)) failovers: root, branch and leaf hold the same $(val "$root" "$rport" rootdb "select count(*) from t") rows"
