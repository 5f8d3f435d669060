#!/usr/bin/env bash
# Installs what qadmin's demo, tests and benchmarks need on Debian bookworm:
# the PostgreSQL 15 server, the PgQ extensions (pgq, pgq_node, londiste),
# pgqd and the Python reference tools, plus the OpenSSL headers for sslmode.
# Idempotent: does nothing when everything is there. As a normal user it only
# checks, and says what to install when something is missing.
set -euo pipefail

packages=(
  postgresql-15 postgresql-client-15
  postgresql-15-pgq3 postgresql-15-pgq-node postgresql-15-londiste-sql
  pgqd python3-pgq python3-londiste
  libssl-dev pkg-config openssl
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup: missing packages: ${missing[*]}" >&2
    echo "setup: run this script as root, or: sudo apt-get install ${missing[*]}" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  # Debian's postgresql-common would create and start a system cluster on
  # port 5432; qadmin never uses one, so ask it not to create it.
  if [ ! -e /etc/postgresql-common/createcluster.conf ]; then
    mkdir -p /etc/postgresql-common
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
  fi
  echo "setup: installing ${missing[*]}" >&2
  apt-get update -qq
  apt-get install -y -qq -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${missing[@]}" >/dev/null
fi

if ! command -v cargo >/dev/null 2>&1; then
  [ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
fi
command -v cargo >/dev/null 2>&1 || { echo "setup: cargo (Rust) is required" >&2; exit 1; }
