#!/usr/bin/env bash
# Installs what is missing (see setup.sh) and runs the whole test suite:
# unit tests and the integration tests against throwaway clusters.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
"$here/setup.sh"
cd "$here/.."
cargo test --all-targets -- "$@"
