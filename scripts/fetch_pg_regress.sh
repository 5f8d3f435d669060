#!/usr/bin/env bash
# Fetch PostgreSQL 15's regression suite (src/test/regress of the Debian
# source package postgresql-15, the version of the installed psql) into
# ${XDG_CACHE_HOME:-~/.cache}/qadmin/postgresql-15, for
# scripts/pg_regress_parity.sh and the CI subset. Needs the network; uses
# a private deb-src list, so the system's apt configuration is left alone.
set -euo pipefail
cache=${XDG_CACHE_HOME:-$HOME/.cache}/qadmin/postgresql-15
if [ -f "$cache/src/test/regress/parallel_schedule" ]; then
  echo "already there: $cache"
  exit 0
fi
work=$(mktemp -d /tmp/qadmin-pgsrc.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/lists/partial" "$work/dl"
cat > "$work/src.list" <<'EOF'
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main
deb-src [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian-security bookworm-security main
EOF
apt_opts=(-o Dir::Etc::sourcelist="$work/src.list" -o Dir::Etc::sourceparts=- -o Dir::State::Lists="$work/lists")
apt-get "${apt_opts[@]}" update >/dev/null
# The version of the psql installed here, when the archive has it.
want=$(dpkg-query -W -f '${Version}' postgresql-client-15 2>/dev/null || true)
cd "$work/dl"
if [ -n "$want" ] && apt-get "${apt_opts[@]}" source --download-only "postgresql-15=$want" >/dev/null 2>&1; then
  :
else
  apt-get "${apt_opts[@]}" source --download-only postgresql-15 >/dev/null
fi
orig=$(ls postgresql-15_*.orig.tar.* | head -1)
version=${orig#postgresql-15_}
top=postgresql-${version%.orig.tar.*}
tar xf "$orig" "$top/src/test/regress"
mkdir -p "$(dirname "$cache")"
rm -rf "$cache"
mv "$top" "$cache"
echo "fetched $(basename "$orig") into $cache"
