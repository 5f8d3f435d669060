#!/usr/bin/env bash
# psql parity on PostgreSQL 15's own regression suite (src/test/regress of
# the Debian source package postgresql-15): the files run in
# parallel_schedule order, each on standard input with `-X -a -q`, the way
# pg_regress runs them, once through psql and once through qadmin. Each
# tool gets a fresh throwaway cluster with pg_regress's database set-up
# (database "regression" from template0 with its lc_* and bytea_output
# settings, pg_regress's environment, PG_ABS_SRCDIR / PG_ABS_BUILDDIR /
# PG_LIBDIR / PG_DLSUFFIX for test_setup), and the same build directory, so
# messages that name files read the same.
# Prints, per file, whether qadmin's output (stdout and stderr together) is
# byte-identical to psql's, then `N identical / M compared`; each
# difference is kept in $OUT (default /tmp/qadmin-pg-regress) as NAME.diff.
#
#   scripts/pg_regress_parity.sh                      the whole schedule
#   UNTIL=errors scripts/pg_regress_parity.sh         up to that file's group
#   TESTS="test_setup boolean int4" scripts/pg_regress_parity.sh
#   EXTRA="plpgsql psql psql_crosstab" UNTIL=errors scripts/pg_regress_parity.sh
#
# The source: $PG_REGRESS_DIR, else the cache scripts/fetch_pg_regress.sh
# fills (${XDG_CACHE_HOME:-~/.cache}/qadmin/postgresql-15/src/test/regress).
# Without it the script says how to fetch it and exits 77 (skipped).
# regress.so (the suite's C functions) is not built here: the statements
# that need it fail the same way under both tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
cache=${XDG_CACHE_HOME:-$HOME/.cache}/qadmin/postgresql-15
REGRESS=${PG_REGRESS_DIR:-$cache/src/test/regress}
QADMIN=${QADMIN:-$top/target/debug/qadmin}
OUT=${OUT:-/tmp/qadmin-pg-regress}
port=${PORT:-55572}
if [ ! -f "$REGRESS/parallel_schedule" ]; then
  echo "PostgreSQL 15 regression suite not found in $REGRESS" >&2
  echo "fetch it with scripts/fetch_pg_regress.sh (needs the network), or set PG_REGRESS_DIR" >&2
  exit 77
fi
REGRESS=$(cd "$REGRESS" && pwd)
source "$here/cluster.sh"

# The files, in schedule order: every `test:` line's names, up to and
# including the group that holds $UNTIL; then $EXTRA. Or $TESTS as given.
if [ -n "${TESTS:-}" ]; then
  files=$TESTS
else
  files=$(awk -v until="${UNTIL:-}" '
    /^test:/ { sub(/^test:[ \t]*/, ""); line = $0; printf "%s ", line;
               n = split(line, t, /[ \t]+/);
               for (i = 1; i <= n; i++) if (t[i] == until) exit }
  ' "$REGRESS/parallel_schedule")
  for e in ${EXTRA:-}; do
    case " $files " in *" $e "*) ;; *) files="$files $e" ;; esac
  done
fi

rm -rf "$OUT"
mkdir -p "$OUT"
build=$(mktemp -d /tmp/qadmin-pg-regress-build.XXXXXX)
mkdir -p "$build/results" "$build/testtablespace"
if [ "$(id -u)" = 0 ]; then chown -R postgres: "$OUT" "$build"; fi
trap 'rm -rf "$build"' EXIT

export PGTZ=PST8PDT PGDATESTYLE="Postgres, MDY" LC_MESSAGES=C PGAPPNAME=pg_regress
export PG_ABS_SRCDIR=$REGRESS PG_ABS_BUILDDIR=$build
export PG_LIBDIR=$PGBIN/../lib PG_DLSUFFIX=.so
unset PGDATABASE PGHOST PGPORT PGUSER PGOPTIONS PGSERVICE

for tool in psql qadmin; do
  dir=$(mktemp -d /tmp/qadmin-pg-regress-cluster.XXXXXX)
  cluster_start "$dir" "$port"
  # pg_regress's create_database().
  cluster_psql "$dir" "$port" postgres \
    -c "CREATE DATABASE \"regression\" TEMPLATE=template0" \
    -c "ALTER DATABASE \"regression\" SET lc_messages TO 'C';ALTER DATABASE \"regression\" SET lc_monetary TO 'C';ALTER DATABASE \"regression\" SET lc_numeric TO 'C';ALTER DATABASE \"regression\" SET lc_time TO 'C';ALTER DATABASE \"regression\" SET bytea_output TO 'hex';ALTER DATABASE \"regression\" SET timezone_abbreviations TO 'Default';" >/dev/null
  rm -rf "$build/results"/* "$build/testtablespace"/*
  for f in $files; do
    [ -f "$REGRESS/sql/$f.sql" ] || continue
    if [ $tool = psql ]; then
      (cd "$build" && "$PGBIN/psql" -X -a -q -h "$dir" -p "$port" -U "$PGSU" -d regression \
        < "$REGRESS/sql/$f.sql" > "$OUT/$f.psql" 2>&1) || true
    else
      (cd "$build" && "$QADMIN" -X -a -q -h "$dir" -p "$port" -U "$PGSU" -d regression \
        < "$REGRESS/sql/$f.sql" 2>&1 | sed 's/^qadmin:/psql:/' > "$OUT/$f.qadmin") || true
    fi
  done
  cluster_stop "$dir"
  rm -rf "$dir"
done

same=0
total=0
for f in $files; do
  [ -f "$REGRESS/sql/$f.sql" ] || continue
  total=$((total + 1))
  if cmp -s "$OUT/$f.psql" "$OUT/$f.qadmin"; then
    same=$((same + 1))
    echo "  same     $f"
  else
    diff -u "$OUT/$f.psql" "$OUT/$f.qadmin" > "$OUT/$f.diff" || true
    echo "  DIFFERS  $f  ($OUT/$f.diff, $(grep -c '^[-+][^-+]' "$OUT/$f.diff") lines)"
  fi
done
echo "$same identical / $total compared"
[ "$same" = "$total" ]
