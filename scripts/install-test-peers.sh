#!/usr/bin/env bash
# Installs the test peers into ./.venv (pinned), so the test suite needs nothing installed by hand:
# moto's server (the second AWS back end of the provider conformance suite), the official
# `anthropic` Python SDK, the `aws` CLI and Azure's `azure-keyvault-keys` + `azure-identity` (they check
# that the sandbox speaks the real wire formats).
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ANTHROPIC_VERSION=2.10.0
AWSCLI_VERSION=1.46.3
AZURE_KEYVAULT_KEYS_VERSION=4.11.3
AZURE_IDENTITY_VERSION=1.27.0

# tmux runs the wizard in a real terminal for the end-to-end test.
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq tmux >/dev/null
  else
    echo "tmux is needed for the wizard's end-to-end test: install it (e.g. apt-get install tmux)" >&2
    exit 1
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" \
  "anthropic==${ANTHROPIC_VERSION}" \
  "awscli==${AWSCLI_VERSION}" \
  "azure-keyvault-keys==${AZURE_KEYVAULT_KEYS_VERSION}" \
  "azure-identity==${AZURE_IDENTITY_VERSION}"
.venv/bin/python -c "import azure.keyvault.keys, azure.identity"
.venv/bin/moto_server --help >/dev/null
.venv/bin/aws --version >/dev/null
echo "test peers ready in .venv: moto ${MOTO_VERSION}, anthropic ${ANTHROPIC_VERSION}, awscli ${AWSCLI_VERSION}," \
  "azure-keyvault-keys ${AZURE_KEYVAULT_KEYS_VERSION}, azure-identity ${AZURE_IDENTITY_VERSION}"
