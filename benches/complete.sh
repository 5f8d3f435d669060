#!/usr/bin/env bash
# Tab completion on a big catalog: a throwaway cluster with one database
# holding 10,000 tables of 10 columns, 1,000 queues and 5,000 consumers;
# then `cargo bench --bench complete` against it (snapshot build time and
# Tab latency percentiles; docs/PERFORMANCE.md), and the same for psql and
# pgcli (benches/complete_peers.py; `apt-get install pgcli` first).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
dir=$(mktemp -d /tmp/qadmin-complete.XXXXXX)
port=55522
source "$top/scripts/cluster.sh"
trap 'cluster_stop "$dir"; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM
"$top/scripts/setup.sh"
cluster_start "$dir" "$port"
as_owner "$PGBIN/pg_ctl" -D "$dir/data" -w -l "$dir/server.log" \
  -o "-p $port -k $dir -c listen_addresses='' -c fsync=off -c max_locks_per_transaction=1024" restart >/dev/null
cluster_psql "$dir" "$port" postgres -c "create database big"
cluster_psql "$dir" "$port" big <<'SQL'
create extension pgq;
do $$
begin
  for i in 1..10000 loop
    execute format('create table t%s (c0 int, c1 int, c2 text, c3 text, c4 int, c5 int, c6 text, c7 text, c8 int, c9 int)', i);
  end loop;
end $$;
select pgq.create_queue('q' || g) from generate_series(1, 1000) g;
select pgq.register_consumer('q' || (g % 1000 + 1), 'c' || g) from generate_series(1, 5000) g;
SQL
cargo bench --quiet --manifest-path "$top/Cargo.toml" --bench complete -- "host=$dir port=$port dbname=big user=$PGSU"
# The peers on the same database: pgcli's metadata build and Tab latency
# (its Python API), psql's Tab in a pty (Debian's python: pgcli is a
# Debian package).
/usr/bin/python3 "$here/complete_peers.py" "host=$dir port=$port dbname=big user=$PGSU" || true
