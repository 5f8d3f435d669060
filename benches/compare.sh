#!/usr/bin/env bash
# Benchmarks qadmin against psql side by side on one throwaway cluster and
# prints medians and ratios (see docs/PERFORMANCE.md for the figures).
#   benches/compare.sh            all benchmarks
#   RUNS=5 benches/compare.sh     fewer runs
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top="$here/.."
RUNS=${RUNS:-15}
dir=$(mktemp -d /tmp/qadmin-bench.XXXXXX)
port=55499
source "$top/scripts/cluster.sh"
trap 'cluster_stop "$dir"; rm -rf "$dir"' EXIT
trap 'exit 130' INT TERM

"$top/scripts/setup.sh"
cargo build --release --quiet --manifest-path "$top/Cargo.toml"
Q="$top/target/release/qadmin"
P="$PGBIN/psql"
cluster_start "$dir" "$port"
cluster_psql "$dir" "$port" postgres -c "create database bench"
conn="-X -h $dir -p $port -U $PGSU -d bench"

echo "== startup + -c 'select 1' =="
python3 "$here/measure.py" "$((RUNS * 4))" qadmin "$Q $conn -c 'select 1' >/dev/null" psql "$P $conn -c 'select 1' >/dev/null"

echo "== -f a 50,000-statement script =="
python3 "$here/gen_script.py" 50000 > "$dir/script.sql"
ls -l "$dir/script.sql" | awk '{print "  script bytes: " $5}'
cluster_psql "$dir" "$port" bench -c "create table bench_t (id int, body text)" -c "create index on bench_t (id)"
python3 "$here/measure.py" "$RUNS" qadmin "$Q $conn -q -f $dir/script.sql >/dev/null" psql "$P $conn -q -f $dir/script.sql >/dev/null" \
  --before "$P $conn -q -c 'truncate bench_t'"

echo "== 2,000,000 rows of md5 to /dev/null =="
big="select g, md5(g::text) from generate_series(1,2000000) g"
python3 "$here/measure.py" "$(( (RUNS + 2) / 3 ))" qadmin "$Q $conn -c '$big' >/dev/null" psql "$P $conn -c '$big' >/dev/null"

echo "== lexer alone on a 50 MB script =="
python3 "$here/gen_script.py" --mb 50 > "$dir/big.sql"
cargo bench --quiet --manifest-path "$top/Cargo.toml" --bench lexer -- "$dir/big.sql"
