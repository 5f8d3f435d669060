#!/usr/bin/env bash
# Root takeover, qadmin vs `londiste takeover`, side by side on the same
# cascade: three databases of one throwaway cluster (queue replika, node1
# root, node2 and node3 branches of node1, table t in Londiste everywhere),
# the real pgqd and three real `londiste worker` daemons (loop_delay 0.2,
# ticker_period 0.2: the speed both tools wait on). Each round moves the
# root node1 -> node2 -> node1 with each tool, alternating which tool goes
# first; every takeover is checked (exit 0, the new node is root) and the
# cascade is left to settle (workers resumed, up to date, caught up with the
# root) before the next one. Prints medians and the ratio (docs/PERFORMANCE.md),
# then checks that rows still flow from the root to both other nodes.
#   RUNS=5 benches/takeover.sh
# TRACE=1 also prints every takeover's output, qadmin's step lines stamped
# with the time they arrived (londiste stamps its own).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
RUNS=${RUNS:-5}
TRACE=${TRACE:-0}
# The root's Londiste worker sleeps 10 x loop_delay (2 s here) between its
# rounds, and both tools must wait for it to accept the pause. Waiting for
# the cascade to settle ends right after such a round, so without a pause
# before it every takeover would start at the worst moment. PHASE=1 (the
# default) starts the k-th takeover of each tool 0, 0.5, 1 or 1.5 s after
# the cascade settled (k mod 4), the same offsets for both tools;
# PHASE=0 starts at once (worst case for both).
PHASE=${PHASE:-1}
dir=$(mktemp -d /tmp/qadmin-takeover.XXXXXX)
port=55531
source "$top/scripts/cluster.sh"
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  # Table-copy processes the workers started (daemonized, pidfile nodeN.pid.copy.*),
  # then any worker or pgqd of ours still running (by its .ini in our directory).
  for p in $(cat "$dir"/*.pid* 2>/dev/null) $(pgrep -f -- "$dir/(node[0-9]|pgqd)\.ini" || true); do
    [ "$p" != "$$" ] && kill "$p" 2>/dev/null || true
  done
  cluster_stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$top/scripts/setup.sh"
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
Q="$top/target/release/qadmin"
cluster_start "$dir" "$port"
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_connections=200" restart >/dev/null

loc() { echo "host=$dir port=$port dbname=node$1 user=$PGSU"; }
val() { cluster_psql "$dir" "$port" "$1" -A -t -c "$2"; }
qa() { "$Q" -X -h "$dir" -p "$port" -U "$PGSU" -d "$1" -Q replika "${@:2}"; }
die() { echo "takeover.sh: $*" >&2; exit 1; }

for i in 1 2 3; do
  cluster_psql "$dir" "$port" postgres -c "create database node$i" >/dev/null
  cluster_psql "$dir" "$port" "node$i" -c "create extension pgq; create extension pgq_node; create extension londiste;" \
    -c "create table t (id int primary key, v text)" >/dev/null
  if [ "$i" = 1 ]; then
    qa node1 -q -c "create root node node1 location '$(loc 1)';"
  else
    qa "node$i" -q -c "create branch node node$i location '$(loc "$i")' provider '$(loc 1)';"
  fi
  cat > "$dir/node$i.ini" <<INI
[londiste]
job_name = londiste_node$i
db = $(loc "$i")
queue_name = replika
logfile = $dir/node$i.log
pidfile = $dir/node$i.pid
loop_delay = 0.2
INI
done
for i in 1 2 3; do londiste "$dir/node$i.ini" add-table public.t >/dev/null 2>"$dir/add-table$i.out" \
  || { cat "$dir/add-table$i.out" >&2; die "add-table on node$i failed"; }; done
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
for i in 1 2 3; do
  londiste "$dir/node$i.ini" worker > "$dir/worker$i.out" 2>&1 &
  pids+=($!)
done

# Is the cascade at rest? Every worker resumed and has seen it, every
# non-root worker at the tick the root stood at ($2), table t in sync.
at_rest() {
  val "$1" "select (not i.worker_paused and i.worker_uptodate
                    and (i.node_type = 'root' or i.worker_last_tick >= $2)
                    and (select count(*) from londiste.get_table_list('replika')
                         where local and merge_state = 'ok') = 1)::int
            from pgq_node.get_node_info('replika') i"
}
# settle ROOT [SECONDS]: wait until all three nodes are at rest.
settle() {
  local root=$1 limit=${2:-30} tick start i n
  tick=$(val "$root" "select last_tick_id from pgq.get_queue_info('replika')")
  start=$(date +%s)
  while :; do
    n=0
    for i in 1 2 3; do [ "$(at_rest "node$i" "$tick")" = 1 ] && n=$((n + 1)); done
    [ "$n" = 3 ] && return 0
    if [ $(( $(date +%s) - start )) -ge "$limit" ]; then
      for i in 1 2 3; do
        echo "node$i: $(val "node$i" "select node_type || ' provider=' || coalesce(provider_node, '-') || ' paused=' || worker_paused || ' uptodate=' || worker_uptodate || ' last_tick=' || coalesce(worker_last_tick::text, '-') from pgq_node.get_node_info('replika')")" >&2
      done
      die "cascade did not settle within $limit s (root $root at tick $tick)"
    fi
    sleep 0.1
  done
}
settle node1 120
echo "== root takeover on a 3-node cascade (pgqd ticker_period 0.2, worker loop_delay 0.2), $RUNS round(s), PHASE=$PHASE =="

qadmin_ms=(); londiste_ms=(); count=0
declare -A nth=([qadmin]=0 [londiste]=0)
# takeover TOOL NEW OLD: time one takeover, check it, let the cascade settle.
takeover() {
  local tool=$1 new=$2 old=$3 out start end rc ms
  count=$((count + 1))
  out="$dir/$count-$tool-$new.out"
  if [ "$PHASE" = 1 ]; then
    sleep "$(( ${nth[$tool]} % 4 / 2 )).$(( ${nth[$tool]} % 2 * 5 ))"
  fi
  nth[$tool]=$(( ${nth[$tool]} + 1 ))
  start=$(date +%s%N)
  if [ "$tool" = qadmin ] && [ "$TRACE" = 1 ]; then
    # Each line stamped as it arrives (costs a Python start, in parallel).
    set +e
    qa "$new" -c "takeover $old;" 2>&1 | python3 -u -c '
import sys, datetime
for l in sys.stdin:
    print(datetime.datetime.now().strftime("%H:%M:%S.%f")[:-3], l, end="")' > "$out"
    rc=${PIPESTATUS[0]}
    set -e
  elif [ "$tool" = qadmin ]; then
    if qa "$new" -c "takeover $old;" > "$out" 2>&1; then rc=0; else rc=$?; fi
  else
    if londiste "$dir/$new.ini" takeover "$old" > "$out" 2>&1; then rc=0; else rc=$?; fi
  fi
  end=$(date +%s%N)
  ms=$(( (end - start) / 1000 ))
  ms=$(printf '%d.%03d' $((ms / 1000)) $((ms % 1000)))
  if [ "$rc" != 0 ]; then cat "$out" >&2; die "$tool takeover $old -> $new failed (exit $rc)"; fi
  [ "$(val "$new" "select node_type from pgq_node.get_node_info('replika')")" = root ] \
    || { cat "$out" >&2; die "$tool takeover $old -> $new: $new is not root afterwards"; }
  [ "$(val "$old" "select node_type || ':' || provider_node from pgq_node.get_node_info('replika')")" = "branch:$new" ] \
    || { cat "$out" >&2; die "$tool takeover $old -> $new: $old is not a branch of $new afterwards"; }
  printf '  %-8s %s -> %s %10s ms\n' "$tool" "$old" "$new" "$ms"
  if [ "$TRACE" = 1 ]; then sed 's/^/      | /' "$out"; fi
  if [ "$tool" = qadmin ]; then qadmin_ms+=("$ms"); else londiste_ms+=("$ms"); fi
  settle "$new"
}
for r in $(seq 1 "$RUNS"); do
  if [ $((r % 2)) = 1 ]; then tools="qadmin londiste"; else tools="londiste qadmin"; fi
  for tool in $tools; do
    takeover "$tool" node2 node1
    takeover "$tool" node1 node2
  done
done

python3 - "${qadmin_ms[*]}" "${londiste_ms[*]}" "$RUNS" <<'PY'
import statistics, sys
res = {"qadmin": [float(x) for x in sys.argv[1].split()],
       "londiste": [float(x) for x in sys.argv[2].split()]}
for name, v in res.items():
    print(f"  {name:8} median {statistics.median(v):10.2f} ms   min {min(v):10.2f}   max {max(v):10.2f}")
ma, mb = statistics.median(res["qadmin"]), statistics.median(res["londiste"])
print(f"  ratio qadmin/londiste wall {ma/mb:.3f}   ({len(res['qadmin'])} takeovers each, {sys.argv[3]} rounds, alternating)")
PY

# The cascade still works: rows written on the root reach both other nodes.
root=node1
val "$root" "insert into t select g, 'after ' || g from generate_series(1, 100) g" >/dev/null
want=$(val "$root" "select count(*) from t")
start=$(date +%s)
for i in 1 2 3; do
  [ "node$i" = "$root" ] && continue
  while [ "$(val "node$i" "select count(*) from t")" != "$want" ]; do
    [ $(( $(date +%s) - start )) -lt 60 ] || die "rows flow: node$i has $(val "node$i" "select count(*) from t") of $want rows after 60 s"
    sleep 0.2
  done
done
echo "  rows flow after $count takeovers: ok ($want rows on node1, node2, node3)"
