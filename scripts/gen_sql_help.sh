#!/usr/bin/env bash
# Writes src/shell/sql_help.txt, the data behind `\h`: what psql itself
# prints for `\h *` (every SQL command's synopsis, in psql's order), with
# the psql version in the first line. Regenerate after a psql upgrade:
#   scripts/gen_sql_help.sh
# psql prints `\h` without a server, but only once it is connected, so a
# throwaway cluster (scripts/cluster.sh) is started and removed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=cluster.sh
. "$here/cluster.sh"
dir=$(mktemp -d /tmp/qadmin-sqlhelp.XXXXXX)
trap 'cluster_stop "$dir"; rm -rf "$dir"' EXIT
port=$((20000 + RANDOM % 20000))
cluster_start "$dir" "$port"
out="$here/../src/shell/sql_help.txt"
{
  echo "# $(psql --version) \\h *"
  psql -X -h "$dir" -p "$port" -U "$PGSU" -d postgres -c '\h *'
} > "$out"
echo "wrote $out ($(grep -c '^Command:     ' "$out") commands)"
