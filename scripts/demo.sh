#!/usr/bin/env bash
# Runs the main job on the built-in sandbox, on a fresh machine with no cloud account and no Python:
# builds cmek, then, against the emulated Claude Platform and AWS KMS/STS (in-process, on loopback),
# creates a correctly policied KMS key, registers it, validates it and attaches it to the
# `production` workspace; then runs the same command again to show that nothing changes twice.
# Extra arguments go to both runs (e.g. --output json). Everything is thrown away at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --locked
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
run() {
  XDG_STATE_HOME="$state/journal" target/debug/cmek --sandbox --sandbox-state "$state/sandbox.json" \
    setup --non-interactive --provider aws --workspace production --confirm-attach production "$@"
}

echo "== cmek --sandbox setup: the whole job =="
run "$@"
echo
echo "== the same command again: it converges and changes nothing =="
run "$@"
