#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs the pinned test peers (moto, the anthropic
# SDK) into ./.venv, checks formatting and lints, runs every unit, snapshot and integration test,
# then the benchmarks once as a report.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-peers.sh
export CMEK_TEST_MOTO_SERVER="$PWD/.venv/bin/moto_server"
export CMEK_TEST_PYTHON="$PWD/.venv/bin/python"
# Snapshots are compared, never written, in the suite.
export INSTA_UPDATE=no
export CI="${CI:-true}"

cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo test --workspace --locked --all-targets

# The benchmarks' short version on the debug binary the tests built: a report (table and
# target/bench/*.json), never a timed assertion; it fails only when a case errors.
scripts/bench.sh --quick --debug
