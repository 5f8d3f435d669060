#!/usr/bin/env bash
# Round trips per statement, qadmin vs psql side by side in one run: a
# throwaway PostgreSQL 15 cluster (pgq, a queue with a consumer, events and
# ticks, a one-node pgq_node root), reached on its unix socket and through
# benches/delay_proxy.py adding DELAY_MS per direction on loopback TCP.
#   1. -f of 1,000 one-row SELECTs
#   2. a 200,000-row SELECT to /dev/null: wall time and peak RSS (psql
#      without FETCH_COUNT)
#   3. restore of a plain pg_dump of a 1,000,000-row table with -f into a
#      fresh database by each tool; the two restored databases are dumped and
#      compared (a tool that fails is reported, the run goes on; when qadmin
#      fails on a dump with pg_dump's \restrict lines, it is run again on the
#      dump without them, against psql's figures for the dump as written)
#   4. round trips of `select`, `show queue;`, `show consumer;` and
#      `show cascade;`, counted by the proxy (--log) after the start-up
#      exchange, minus a run of the same connection doing nothing
# Prints the medians of N runs, the ratio qadmin/psql, peak RSS and the round
# trips of every run through the proxy.
#   benches/roundtrip.sh
#   DELAY_MS=10 N=3 QADMIN=/path/to/qadmin SKIP_RESTORE=1 benches/roundtrip.sh
# RUN_TIMEOUT_S (default 300): a single run that takes longer is killed and
# reported as failed.
# BUDGET_S (default 120): a case starts another pair of runs only while its
# time so far plus one more pair stays within BUDGET_S seconds (so a slow
# case runs fewer times than N; the table says how many).
# PORT / PROXY_PORT (55561 / 56161): the server's and the proxy's ports.
# SELECTS, BIGROWS, RESTROWS (1000, 200000, 1000000): sizes, for quick tries.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
DELAY_MS=${DELAY_MS:-10}
N=${N:-3}
QADMIN=${QADMIN:-$top/target/release/qadmin}
SKIP_RESTORE=${SKIP_RESTORE:-0}
BUDGET_S=${BUDGET_S:-120}
port=${PORT:-55561}
pport=${PROXY_PORT:-56161}
SELECTS=${SELECTS:-1000}
BIGROWS=${BIGROWS:-200000}
RESTROWS=${RESTROWS:-1000000}

[ -x "$QADMIN" ] || { echo "roundtrip.sh: no qadmin binary at $QADMIN (build it: cargo build --release, or set QADMIN)" >&2; exit 1; }
QADMIN=$(cd "$(dirname "$QADMIN")" && pwd)/$(basename "$QADMIN")

dir=$(mktemp -d /tmp/qadmin-roundtrip.XXXXXX)
source "$top/scripts/cluster.sh"
cleanup() {
  [ -n "${proxy_pid:-}" ] && kill "$proxy_pid" 2>/dev/null || true
  cluster_stop "$dir"
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$top/scripts/setup.sh"
if [ ! -x /usr/bin/time ] && [ "$(id -u)" = 0 ]; then
  apt-get install -y -qq time >/dev/null 2>&1 || true
fi
[ -x /usr/bin/time ] || echo "roundtrip.sh: no /usr/bin/time; peak RSS comes from wait4()" >&2

t_start=$(date +%s)
P="$PGBIN/psql"
R="python3 $here/roundtrip.py"
res="$dir/results.jsonl"
plog="$dir/proxy.log"
: > "$res"; : > "$plog"

echo "== cluster, pgq, queue, consumer, cascade root (in $dir) =="
cluster_start "$dir" "$port"
# TCP on loopback too, for the proxy.
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" restart >/dev/null
python3 "$here/delay_proxy.py" --delay-ms "$DELAY_MS" --target-port "$port" --seconds 3600 \
  --log "$plog" "$pport" > "$dir/proxy.out" 2>&1 &
proxy_pid=$!

sql() { cluster_psql "$dir" "$port" "$@" >/dev/null; }
sql postgres -c "create database bench"
sql bench -c "create extension pgq" -c "create extension pgq_node" \
  -c "select pgq.create_queue('q1')" -c "select pgq.register_consumer('q1', 'c1')"
for round in 1 2 3; do
  sql bench -c "select pgq.insert_event('q1', 'ev', 'payload ' || g) from generate_series(1, 100) g" \
    -c "select pgq.force_tick('q1')" -c "select pgq.ticker()"
done
# One-node cascade root on queue replika; its location goes through the proxy,
# as a remote member's would.
loc="host=127.0.0.1 port=$pport dbname=bench user=$PGSU"
sql bench -c "select pgq_node.register_location('replika', 'n1', '$loc', false)" \
  -c "select pgq_node.create_node('replika', 'root', 'n1', 'w_n1', null, null, null)" \
  -c "select pgq.ticker()"

for i in $(seq 50); do grep -q ready "$dir/proxy.out" && break; sleep 0.1; done
grep -q ready "$dir/proxy.out" || { cat "$dir/proxy.out" >&2; echo "roundtrip.sh: the proxy did not start" >&2; exit 1; }

unix="-h $dir -p $port -U $PGSU"
tcp="-h 127.0.0.1 -p $pport -U $PGSU"
opts="-X -q -v ON_ERROR_STOP=1"
# both CASE [roundtrip.py time options] -- ARGS: qadmin and psql with the same
# ARGS (a shell command line), on the unix socket and through the proxy.
both() {
  local case=$1; shift
  local ropts=()
  while [ "$1" != -- ]; do ropts+=("$1"); shift; done
  shift
  local args="$*" path conn log
  for path in unix proxy; do
    if [ "$path" = unix ]; then conn=$unix; log=(); else conn=$tcp; log=(--log "$plog"); fi
    $R time "$res" "$case" "$path" --runs "$N" --budget "$BUDGET_S" "${log[@]}" "${ropts[@]}" \
      qadmin "$QADMIN $opts $conn $args" psql "$P $opts $conn $args"
  done
}

echo "== 1. -f $SELECTS one-row SELECTs =="
python3 - "$SELECTS" > "$dir/selects.sql" <<'PY'
import sys
n = int(sys.argv[1])
shapes = [
    "select {i} as a, 'x{i}' as b;",
    "select 'row ' || {i} as a, {i} * 2 as b;",
    "select {i}::text as a, now() > '2000-01-01' as b;",
    "select $$a;{i}$$ as a, null::int as b;",
]
for i in range(1, n + 1):
    print(shapes[i % len(shapes)].format(i=i))
PY
both "-f $SELECTS SELECTs" --per "$SELECTS" -- -d bench -f "$dir/selects.sql" ">/dev/null"

echo "== 2. $BIGROWS rows to /dev/null =="
both "select $BIGROWS rows" -- -d bench -c "'select g, md5(g::text) from generate_series(1,$BIGROWS) g'" ">/dev/null"

if [ "$SKIP_RESTORE" != 1 ]; then
  echo "== 3. restore of a plain pg_dump of $RESTROWS rows =="
  sql postgres -c "create database src"
  sql src -c "create table t (id int primary key, a text, b text, n numeric, ts timestamptz)" \
    -c "insert into t select g,
          case when g % 7 = 0 then null else 'row ' || g || E'\ttab\\\\back\\\\slash' end,
          case when g % 11 = 0 then null else md5(g::text) || E'\n' || repeat(E'\\\\N\t', g % 3) end,
          g * 1.5, timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second'
        from generate_series(1, $RESTROWS) g" \
    -c "create sequence t_seq" -c "select setval('t_seq', 42)" -c "vacuum analyze t"
  "$PGBIN/pg_dump" -Fp $unix -d src -f "$dir/dump.sql"
  printf '  dump: %s bytes\n' "$(stat -c %s "$dir/dump.sql")"
  # pg_dump 15.14 and later write `\restrict KEY` / `\unrestrict KEY` (a
  # random key per dump) around the script; comparisons leave those lines out.
  dumpcmp() { "$PGBIN/pg_dump" -Fp $unix -d "$1" | grep -v -E '^\\(un)?restrict '; }
  dumpcmp src | md5sum > "$dir/src.md5"
  grep -v -E '^\\(un)?restrict ' "$dir/dump.sql" > "$dir/dump-unrestricted.sql" || true
  has_restrict=0; grep -q -E '^\\restrict ' "$dir/dump.sql" && has_restrict=1
  compare() { # PATH LABEL: compare the last restores of psql and qadmin
    dumpcmp r_psql > "$dir/r_psql.sql"
    dumpcmp r_qadmin > "$dir/r_qadmin.sql"
    local s1 s2 rows
    if [ "$(md5sum < "$dir/r_psql.sql")" = "$(cat "$dir/src.md5")" ]; then s1="identical to the source"; else s1="DIFFERS from the source"; fi
    if cmp -s "$dir/r_psql.sql" "$dir/r_qadmin.sql"; then
      s2="IDENTICAL"
    else
      rows=$(cluster_psql "$dir" "$port" r_qadmin -A -t -c "select count(*) || ' rows in t' from t" 2>/dev/null || echo "no table t")
      s2="DIFFERENT (qadmin's database: $rows; dumps differ at $( (cmp "$dir/r_psql.sql" "$dir/r_qadmin.sql" 2>&1 || true) | head -1 | sed 's/.*differ: //'))"
    fi
    $R note "$res" "  $2 / $1: psql's restored database is $s1; qadmin's vs psql's (pg_dump -Fp of both): $s2"
    rm -f "$dir/r_psql.sql" "$dir/r_qadmin.sql"
  }
  rcase="restore $RESTROWS rows"
  for path in unix proxy; do
    before="$P $opts $unix -d postgres -c 'set client_min_messages = warning' -c \"drop database if exists r_\$TOOL\" -c \"create database r_\$TOOL\""
    if [ "$path" = unix ]; then conn=$unix; log=(); else conn=$tcp; log=(--log "$plog"); fi
    $R time "$res" "$rcase" "$path" --runs "$N" --budget "$BUDGET_S" "${log[@]}" --before "$before" \
      qadmin "$QADMIN $opts $conn -d r_qadmin -f $dir/dump.sql >/dev/null" psql "$P $opts $conn -d r_psql -f $dir/dump.sql >/dev/null"
    compare "$path" "$rcase"
    # qadmin failed and the dump has \restrict lines: try qadmin again on the
    # same dump without them (COPY FROM STDIN apart from \restrict); psql's
    # figures are those of the dump as written.
    if [ "$has_restrict" = 1 ] && $R failed "$res" "$rcase" "$path" qadmin; then
      $R time "$res" "$rcase, no \\restrict" "$path" --runs "$N" --budget "$BUDGET_S" "${log[@]}" --before "$before" \
        --ref "$rcase" qadmin "$QADMIN $opts $conn -d r_qadmin -f $dir/dump-unrestricted.sql >/dev/null"
      compare "$path" "$rcase, no \\restrict (qadmin)"
    fi
  done
  rm -f "$dir/dump.sql" "$dir/dump-unrestricted.sql"
fi

$R note "$res" ""
echo "== 4. round trips through the proxy (+${DELAY_MS} ms per direction) =="
qa() { echo "$QADMIN $opts $tcp -d bench $* >/dev/null"; }
ps() { echo "$P $opts $tcp -d bench $* >/dev/null"; }
rt() { $R rt "$res" "$plog" "$@" || true; }
rt "nothing (\\q)" qadmin - "$(qa "-c '\\q'")"
rt "nothing (\\q)" psql - "$(ps "-c '\\q'")"
rt "select 1 as a, 'x' as b;" qadmin "nothing (\\q)" "$(qa "-c \"select 1 as a, 'x' as b;\"")"
rt "select 1 as a, 'x' as b;" psql "nothing (\\q)" "$(ps "-c \"select 1 as a, 'x' as b;\"")"
rt "nothing, -Q q1" qadmin - "$(qa "-Q q1 -c '\\q'")"
rt "show queue; (-Q q1)" qadmin "nothing, -Q q1" "$(qa "-Q q1 -c 'show queue;'")"
rt "show consumer; (-Q q1)" qadmin "nothing, -Q q1" "$(qa "-Q q1 -c 'show consumer;'")"
rt "nothing, -Q replika" qadmin - "$(qa "-Q replika -c '\\q'")"
rt "show cascade; (-Q replika)" qadmin "nothing, -Q replika" "$(qa "-Q replika -c 'show cascade;'")"

$R note "$res" "DELAY_MS=$DELAY_MS N=$N BUDGET_S=$BUDGET_S qadmin=$QADMIN ($("$QADMIN" --version 2>/dev/null || echo '?')), psql $("$P" --version | awk '{print $3}'); run took $(( $(date +%s) - t_start )) s"
$R table "$res"
