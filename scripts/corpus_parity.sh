#!/usr/bin/env bash
# psql parity on scripts nobody here wrote: PgQ's own regression suites
# (../shared/corpora: pgq, pgq-node, londiste-sql) run the way pg_regress
# runs them (`-X -a -q`, each file on standard input, one database per
# suite, pg_regress's environment), once through psql and once through
# qadmin, each on a fresh database of the same name, in one throwaway
# cluster.
# Prints, per file, whether qadmin's output (stdout and stderr together)
# is byte-identical to psql's, and the count; the differences are kept in
# $OUT (default /tmp/qadmin-corpus) as NAME.diff.
#   scripts/corpus_parity.sh                 all three suites
#   QADMIN=target/release/qadmin CORPORA=../shared/corpora scripts/corpus_parity.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
CORPORA=${CORPORA:-$top/../shared/corpora}
if [ ! -d "$CORPORA/pgq" ]; then
  echo "no PgQ corpora at $CORPORA (set CORPORA)" >&2
  exit 77
fi
QADMIN=${QADMIN:-$top/target/debug/qadmin}
OUT=${OUT:-/tmp/qadmin-corpus}
port=${PORT:-55571}
source "$here/cluster.sh"
dir=$(mktemp -d /tmp/qadmin-corpus-cluster.XXXXXX)
trap 'cluster_stop "$dir"; rm -rf "$dir"' EXIT
cluster_start "$dir" "$port"
rm -rf "$OUT"
mkdir -p "$OUT"
[ "$(id -u)" = 0 ] && chown postgres: "$OUT"

# The order each suite's Makefile gives (Extension_regress), its
# variables expanded (the Makefiles include build files not shipped here).
suite_files() {
  python3 - "$1/Makefile" <<'PY'
import re, sys
text = open(sys.argv[1]).read().replace("\\\n", " ")
env = {}
for line in text.splitlines():
    m = re.match(r"^\s*([A-Za-z_]+)\s*[:+]?=\s*(.*)$", line)
    if m:
        env[m.group(1)] = m.group(2)
def expand(v, depth=0):
    return re.sub(r"\$\((\w+)\)", lambda m: expand(env.get(m.group(1), ""), depth + 1) if depth < 9 else "", v)
print(expand(env.get("Extension_regress", "")))
PY
}

export PGTZ=PST8PDT PGDATESTYLE="Postgres, MDY" LC_MESSAGES=C PGAPPNAME=pg_regress
same=0
total=0
for suite in pgq pgq-node londiste-sql; do
  sdir=$CORPORA/$suite
  [ -d "$sdir" ] || continue
  files=$(suite_files "$sdir")
  # Each tool runs the whole suite on a fresh database of the same name
  # (the suites print current_database()).
  db=${suite//-/_}
  for tool in psql qadmin; do
    cluster_psql "$dir" "$port" postgres -q -c "drop database if exists $db" -c "create database $db" >/dev/null 2>&1
    n=0
    for f in $files; do
      [ -f "$sdir/sql/$f.sql" ] || continue
      n=$((n + 1))
      if [ $tool = psql ]; then
        (cd "$sdir" && "$PGBIN/psql" -X -a -q -h "$dir" -p "$port" -U "$PGSU" -d "$db" \
          < "sql/$f.sql" > "$OUT/$suite.$n.$f.psql" 2>&1) || true
      else
        (cd "$sdir" && "$QADMIN" -X -a -q -h "$dir" -p "$port" -U "$PGSU" -d "$db" \
          < "sql/$f.sql" 2>&1 | sed 's/^qadmin:/psql:/' > "$OUT/$suite.$n.$f.qadmin") || true
      fi
    done
  done
  n=0
  for f in $files; do
    [ -f "$sdir/sql/$f.sql" ] || continue
    n=$((n + 1))
    total=$((total + 1))
    base="$OUT/$suite.$n.$f"
    if cmp -s "$base.psql" "$base.qadmin"; then
      same=$((same + 1))
      echo "  same     $suite/$f"
    else
      diff -u "$base.psql" "$base.qadmin" > "$base.diff" || true
      echo "  DIFFERS  $suite/$f ($(grep -c '^[-+][^-+]' "$base.diff") lines)"
    fi
  done
done
echo "identical to psql: $same of $total files (diffs in $OUT)"
# For the test suite: fail when a file differs.
[ "$same" = "$total" ]
