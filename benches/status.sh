#!/usr/bin/env bash
# Cascade status, qadmin vs `londiste status`, side by side: a cascade of
# 1, 3, 7, 12 and 24 nodes (databases of one throwaway cluster), every
# member reached through a loopback proxy that adds 20 ms per direction
# (benches/delay_proxy.py). Then one member down and one that accepts TCP
# and never answers. Prints medians and ratios (docs/PERFORMANCE.md).
#   RUNS=5 benches/status.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
RUNS=${RUNS:-5}
DELAY=${DELAY:-20}
dir=$(mktemp -d /tmp/qadmin-status.XXXXXX)
port=55511
pbase=56100
source "$top/scripts/cluster.sh"
cleanup() { kill "${proxy_pid:-0}" "${silent_pid:-0}" 2>/dev/null || true; cluster_stop "$dir"; rm -rf "$dir"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

"$top/scripts/setup.sh"
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
Q="$top/target/release/qadmin"
cluster_start "$dir" "$port"
# TCP on loopback too, for the proxy.
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" restart >/dev/null

ports=(); for i in $(seq 1 24); do ports+=($((pbase + i))); done
python3 "$here/delay_proxy.py" --delay-ms "$DELAY" --target-port "$port" --seconds 3000 "${ports[@]}" > "$dir/proxy.out" &
proxy_pid=$!
# A member that accepts TCP and never answers.
python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', $((pbase + 99)))); s.listen(50); held = []
end = time.time() + 3000
while time.time() < end:
    c, _ = s.accept(); held.append(c)
" &
silent_pid=$!
sleep 1

loc() { echo "host=127.0.0.1 port=$((pbase + $1)) dbname=node$1 user=$PGSU"; }
mknode() {
  local i=$1
  cluster_psql "$dir" "$port" postgres -c "create database node$i" >/dev/null
  cluster_psql "$dir" "$port" "node$i" -c "create extension pgq; create extension pgq_node; create extension londiste;" >/dev/null
  if [ "$i" = 1 ]; then
    "$Q" -X -q -h "$dir" -p "$port" -U "$PGSU" -d node1 -Q replika -c "create root node node1 location '$(loc 1)';"
  else
    "$Q" -X -q -h "$dir" -p "$port" -U "$PGSU" -d "node$i" -Q replika \
      -c "create branch node node$i location '$(loc "$i")' provider '$(loc 1)';"
  fi
}
cat > "$dir/node1.ini" <<INI
[londiste]
job_name = londiste_node1
db = host=$dir port=$port dbname=node1 user=$PGSU
queue_name = replika
logfile = $dir/l.log
pidfile = $dir/l.pid
INI

have=0
for n in 1 3 7 12 24; do
  while [ "$have" -lt "$n" ]; do have=$((have + 1)); mknode "$have"; done
  echo "== status of $n node(s), +${DELAY} ms per direction to every member =="
  python3 "$here/measure.py" "$RUNS" \
    qadmin "$Q -X -h $dir -p $port -U $PGSU -d node1 -Q replika -c 'show cascade;' >/dev/null" \
    londiste "londiste $dir/node1.ini status >/dev/null"
done

echo "== 24 nodes plus one member down and one silent (qadmin deadline 5 s) =="
cluster_psql "$dir" "$port" node1 -c "select pgq_node.register_location('replika', 'down', 'host=127.0.0.1 port=$((pbase + 98)) dbname=x user=x', false)" \
  -c "select pgq_node.register_location('replika', 'silent', 'host=127.0.0.1 port=$((pbase + 99)) dbname=x user=x sslmode=disable', false)" >/dev/null
start=$(date +%s%N)
"$Q" -X -h "$dir" -p "$port" -U "$PGSU" -d node1 -Q replika -c 'show cascade;' > "$dir/broken.txt"
end=$(date +%s%N)
printf '  qadmin: %.2f s, tree printed with %s marked\n' "$(( (end - start) / 1000000 ))e-3" "$(grep -c unreachable "$dir/broken.txt") members"
start=$(date +%s%N)
if timeout 30 londiste "$dir/node1.ini" status > "$dir/broken-l.txt" 2>&1; then rc=0; else rc=$?; fi
end=$(date +%s%N)
printf '  londiste status: %.2f s, exit %s%s\n' "$(( (end - start) / 1000000 ))e-3" "$rc" "$([ "$rc" = 124 ] && echo ' (killed by timeout 30 s: it waits for the silent member)')"
