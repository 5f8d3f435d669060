#!/usr/bin/env bash
# The qadmin demo: installs what is missing, builds qadmin, starts a throwaway
# cluster of its own (socket and data under $QADMIN_DEMO_DIR, default
# /tmp/qadmin-demo, port 55432 on the socket only), creates the database
# "demo" with pgq, pgq_node and londiste, a queue with a consumer, events and
# ticks, starts pgqd on it (ticks and lag move as in production), and
# opens the qadmin shell on it.
#   scripts/demo.sh          (re)create the demo and open the shell
#   scripts/demo.sh stop     stop pgqd and the demo server, remove the directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# cargo may live only in ~/.cargo/bin (rustup without a login shell).
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
dir=${QADMIN_DEMO_DIR:-/tmp/qadmin-demo}
port=${QADMIN_DEMO_PORT:-55432}
source "$here/cluster.sh"

pgqd_stop() {
  if [ -f "$dir/pgqd.pid" ]; then
    kill "$(cat "$dir/pgqd.pid")" 2>/dev/null || true
    rm -f "$dir/pgqd.pid"
  fi
}

if [ "${1:-}" = stop ]; then
  pgqd_stop
  cluster_stop "$dir"
  rm -rf "$dir"
  echo "demo stopped (pgqd and the server) and $dir removed"
  exit 0
fi

"$here/setup.sh"
# cargo's own progress: a first build takes a few minutes.
echo "demo: building qadmin (release)..."
cargo build --release --manifest-path "$here/../Cargo.toml"
echo "demo: starting the cluster and pgqd in $dir ..."
cluster_start "$dir" "$port"
pgqd_stop
log="$dir/setup.log"
cluster_psql "$dir" "$port" postgres -c "drop database if exists demo with (force)" -c "create database demo" >"$log" 2>&1 \
  || { cat "$log" >&2; exit 1; }
cluster_psql "$dir" "$port" demo >>"$log" 2>&1 <<'SQL' || { cat "$log" >&2; exit 1; }
create extension pgq;
create extension pgq_node;
create extension londiste;
select pgq.create_queue('demo_queue');
select pgq.register_consumer('demo_queue', 'demo_consumer');
select pgq.insert_event('demo_queue', 'demo_event', 'payload ' || g) from generate_series(1, 10) g;
select pgq.set_queue_config('demo_queue', 'ticker_max_lag', '2 seconds');
create table demo_items (id serial primary key, name text not null, created timestamptz default now());
insert into demo_items (name) select 'item ' || g from generate_series(1, 5) g;
SQL
# pgqd ticks the demo queue (and runs maintenance) as in production.
cat >"$dir/pgqd.ini" <<INI
[pgqd]
base_connstr = host=$dir port=$port user=$PGSU
initial_database = demo
database_list = demo
logfile = $dir/pgqd.log
pidfile = $dir/pgqd.pid
INI
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pgqd.ini"
as_owner pgqd -d "$dir/pgqd.ini" >>"$log" 2>&1 || echo "demo: pgqd did not start (see $dir/pgqd.log); use \"tick;\""
cat <<TRY
demo: database "demo" on socket $dir, port $port; pgqd ticks demo_queue.
Try:
  show queue;                 the queue: consumers, pending events, tick age
  show consumer;              demo_consumer's lag and pending events
  select pgq.insert_event('demo_queue', 'ev', 'hello');
  tick force;                 a tick now (pgqd makes one within 2 s anyway)
  show consumer; \\watch 2     the lag as it moves
  show help;                  every command; Tab completes names
Stop it with: scripts/demo.sh stop   (setup output: $log)
TRY
exec "$here/../target/release/qadmin" -h "$dir" -p "$port" -U "$PGSU" -Q demo_queue demo "$@"
