#!/usr/bin/env bash
# The qadmin demo: installs what is missing, builds qadmin, starts a throwaway
# cluster of its own (socket and data under $QADMIN_DEMO_DIR, default
# /tmp/qadmin-demo, port 55432 on the socket only), creates the database
# "demo" with pgq, pgq_node and londiste, a queue with a consumer, events and
# ticks, and opens the qadmin shell on it.
#   scripts/demo.sh          (re)create the demo and open the shell
#   scripts/demo.sh stop     stop the demo server and remove its directory
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
dir=${QADMIN_DEMO_DIR:-/tmp/qadmin-demo}
port=${QADMIN_DEMO_PORT:-55432}
source "$here/cluster.sh"

if [ "${1:-}" = stop ]; then
  cluster_stop "$dir"
  rm -rf "$dir"
  echo "demo stopped and $dir removed"
  exit 0
fi

"$here/setup.sh"
cargo build --release --quiet --manifest-path "$here/../Cargo.toml"
cluster_start "$dir" "$port"
cluster_psql "$dir" "$port" postgres -c "drop database if exists demo with (force)" -c "create database demo"
cluster_psql "$dir" "$port" demo <<'SQL'
create extension pgq;
create extension pgq_node;
create extension londiste;
select pgq.create_queue('demo_queue');
select pgq.register_consumer('demo_queue', 'demo_consumer');
select pgq.insert_event('demo_queue', 'demo_event', 'payload ' || g) from generate_series(1, 10) g;
select pgq.force_tick('demo_queue');
select pgq.ticker('demo_queue');
create table demo_items (id serial primary key, name text not null, created timestamptz default now());
insert into demo_items (name) select 'item ' || g from generate_series(1, 5) g;
SQL
echo "demo: database \"demo\" on socket $dir, port $port (stop it with: scripts/demo.sh stop)"
exec "$here/../target/release/qadmin" -h "$dir" -p "$port" -U "$PGSU" -Q demo_queue demo "$@"
