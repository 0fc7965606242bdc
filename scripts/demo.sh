#!/usr/bin/env bash
# Runs the main job on the sandbox, on a fresh machine with no cloud account: builds cmek, starts
# moto (the AWS stand-in, installed into ./.venv) and the emulated Claude Platform, then creates a
# correctly policied KMS key, registers it, validates it and attaches it to the `production`
# workspace. Everything runs on loopback and is thrown away at the end.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-test-peers.sh >/dev/null
cargo build --quiet --locked
bin="$PWD/target/debug/cmek"
work="$(mktemp -d)"
cleanup() { kill "${sandbox_pid:-}" "${moto_pid:-}" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
.venv/bin/moto_server -H 127.0.0.1 -p "$port" >"$work/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.1
done

"$bin" --aws-endpoint "http://127.0.0.1:$port" sandbox >"$work/env" 2>"$work/sandbox.log" &
sandbox_pid=$!
for _ in $(seq 1 100); do grep -q '^# ready' "$work/env" 2>/dev/null && break; sleep 0.1; done
grep -q '^# ready' "$work/env" || { echo "the sandbox did not start:"; cat "$work/sandbox.log"; exit 1; }
# shellcheck disable=SC1091
source "$work/env"
export XDG_STATE_HOME="$work/state"

echo "== cmek setup (sandbox: emulated platform + moto) =="
"$bin" setup --non-interactive --provider aws --workspace production --confirm-attach production "$@"
echo
echo "== re-run: converges, changes nothing =="
"$bin" setup --non-interactive --provider aws --workspace production --confirm-attach production "$@"
