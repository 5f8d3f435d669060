#!/usr/bin/env bash
# Installs what is missing (see setup.sh) and runs the whole test suite:
# unit tests and the integration tests against throwaway clusters.
#   scripts/test.sh            everything (benchmarks built and run once as tests)
#   scripts/test.sh FILTER...  the test binaries only, with the filter
#                              (the benchmarks would take it as a connection string)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# cargo may live only in ~/.cargo/bin (rustup without a login shell).
[ -x "$HOME/.cargo/bin/cargo" ] && export PATH="$HOME/.cargo/bin:$PATH"
"$here/setup.sh"
cd "$here/.."
if [ $# -gt 0 ]; then
  cargo test --lib --bins --tests -- "$@"
else
  cargo test --all-targets
fi
