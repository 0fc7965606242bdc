#!/usr/bin/env bash
# Installs the test peers into ./.venv (pinned), so the test suite needs nothing installed by hand:
# moto's server (the AWS stand-in for the provider tests) and the official `anthropic` Python SDK
# (checks that the sandbox speaks the Admin API wire format).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ANTHROPIC_VERSION=2.10.0

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" \
  "anthropic==${ANTHROPIC_VERSION}"
.venv/bin/moto_server --help >/dev/null
echo "test peers ready in .venv: moto ${MOTO_VERSION}, anthropic ${ANTHROPIC_VERSION}"
