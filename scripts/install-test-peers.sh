#!/usr/bin/env bash
# Installs the test peers into ./.venv (pinned), so the test suite needs nothing installed by hand:
# moto's server (the second AWS back end of the provider conformance suite), the official
# `anthropic` Python SDK and the `aws` CLI (both check that the sandbox speaks the real wire formats).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ANTHROPIC_VERSION=2.10.0
AWSCLI_VERSION=1.46.3

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" \
  "anthropic==${ANTHROPIC_VERSION}" \
  "awscli==${AWSCLI_VERSION}"
.venv/bin/moto_server --help >/dev/null
.venv/bin/aws --version >/dev/null
echo "test peers ready in .venv: moto ${MOTO_VERSION}, anthropic ${ANTHROPIC_VERSION}, awscli ${AWSCLI_VERSION}"
