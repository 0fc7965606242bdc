#!/usr/bin/env bash
# Runs the main job on the built-in sandbox, on a fresh machine with no cloud account and no Python:
# builds cmek, then, against the emulated Claude Platform, AWS KMS/STS, Google Cloud KMS and Azure
# (Key Vault, ARM, Graph, Entra; in-process, on loopback), for each cloud: creates a correctly
# configured key, grants Anthropic, registers it, validates it and attaches it to a workspace (AWS:
# `production`, Google Cloud: `development`, Azure: `staging`); then runs the same command again to show that nothing changes twice.
# Extra arguments go to every run (e.g. --output json). Everything is thrown away at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== building cmek (a few minutes the first time; later runs reuse the build) =="
cargo build --locked
echo
state="$(mktemp -d)"
trap 'rm -rf "$state"' EXIT
run() {
  local provider="$1" workspace="$2"
  shift 2
  XDG_STATE_HOME="$state/journal" target/debug/cmek --sandbox --sandbox-state "$state/sandbox.json" \
    setup --non-interactive --provider "$provider" --workspace "$workspace" --confirm-attach "$workspace" "$@"
}

echo "== AWS KMS: cmek --sandbox setup, the whole job =="
run aws production "$@"
echo
echo "== the same command again: it converges and changes nothing =="
run aws production "$@"
echo
echo "== Google Cloud KMS: the whole job (key ring, key, label, Anthropic's roles, register, validate, attach) =="
run gcp development "$@"
echo
echo "== the same command again: it converges and changes nothing =="
run gcp development "$@"
echo
echo "== Azure Key Vault: the whole job (consent, key, role, register, validate, attach) =="
run azure staging "$@"
echo
echo "== the same command again: it converges and changes nothing =="
run azure staging "$@"
