#!/usr/bin/env bash
# Installs the test peers into ./.venv (pinned), so the test suite needs nothing installed by hand:
# moto's server (the second AWS back end of the provider conformance suite), the official
# `anthropic` Python SDK, the `aws` CLI, Azure's `azure-keyvault-keys` + `azure-identity` and Google's
# `google-cloud-kms` (they check that the sandbox speaks the real wire formats; gcloud, when the machine
# has it, is used too: no registry the script may use ships it), `parliament` (lints every key policy cmek
# generates) and `python-hcl2` (parses every Terraform file `cmek export terraform` writes). The `az` CLI
# goes into a venv of its own, ./.test-peers/az (it pins azure-core and azure-keyvault-keys to versions
# of its own; about 730 MB, under a minute to install). Also, into the git-ignored ./.test-peers/node,
# the npm package `@cloud-copilot/iam-simulate` for the policy evaluator's differential test: it is
# AGPL, so it is test-only, never shipped, linked or vendored.
set -euo pipefail
cd "$(dirname "$0")/.."

MOTO_VERSION=5.2.5
ANTHROPIC_VERSION=2.10.0
AWSCLI_VERSION=1.46.3
AZURE_KEYVAULT_KEYS_VERSION=4.11.3
AZURE_IDENTITY_VERSION=1.27.0
GOOGLE_CLOUD_KMS_VERSION=3.18.0
PARLIAMENT_VERSION=1.6.4
AZURE_CLI_VERSION=2.91.0
PYTHON_HCL2_VERSION=8.1.4
IAM_SIMULATE_VERSION=0.1.173

# tmux runs the wizard in a real terminal for the end-to-end test.
if ! command -v tmux >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq tmux >/dev/null
  else
    echo "tmux is needed for the wizard's end-to-end test: install it (e.g. apt-get install tmux)" >&2
    exit 1
  fi
fi

# Node.js runs iam-simulate for the differential test of `cmek policy simulate`.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq >/dev/null && apt-get install -y -qq nodejs npm >/dev/null
  else
    echo "node and npm are needed for the policy differential test: install them (e.g. apt-get install nodejs npm)" >&2
    exit 1
  fi
fi

mkdir -p .test-peers/node
printf '{"private": true, "description": "cmek test peers (never shipped)", "dependencies": {"@cloud-copilot/iam-simulate": "%s"}}\n' \
  "${IAM_SIMULATE_VERSION}" >.test-peers/node/package.json
(cd .test-peers/node && npm install --silent --no-audit --no-fund --save-exact >/dev/null)
node -e "const v = require('./.test-peers/node/node_modules/@cloud-copilot/iam-simulate/package.json').version;
  if (v !== '${IAM_SIMULATE_VERSION}') { console.error('iam-simulate ' + v + ' installed, expected ${IAM_SIMULATE_VERSION}'); process.exit(1); }"

# An existing venv is reused (a git worktree may link it to the main one).
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install --quiet --disable-pip-version-check \
  "moto[server]==${MOTO_VERSION}" \
  "anthropic==${ANTHROPIC_VERSION}" \
  "awscli==${AWSCLI_VERSION}" \
  "azure-keyvault-keys==${AZURE_KEYVAULT_KEYS_VERSION}" \
  "azure-identity==${AZURE_IDENTITY_VERSION}" \
  "google-cloud-kms==${GOOGLE_CLOUD_KMS_VERSION}" \
  "parliament==${PARLIAMENT_VERSION}" \
  "python-hcl2==${PYTHON_HCL2_VERSION}"
.venv/bin/python -c "import azure.keyvault.keys, azure.identity, google.cloud.kms, hcl2"
.venv/bin/moto_server --help >/dev/null

# The `az` CLI in a venv of its own: its pins would move the Azure SDK packages above.
[ -x .test-peers/az/bin/python ] || python3 -m venv .test-peers/az
.test-peers/az/bin/python -m pip install --quiet --disable-pip-version-check "azure-cli==${AZURE_CLI_VERSION}"
.test-peers/az/bin/az version >/dev/null
.venv/bin/aws --version >/dev/null
.venv/bin/parliament --help >/dev/null
echo "test peers ready in .venv: moto ${MOTO_VERSION}, anthropic ${ANTHROPIC_VERSION}, awscli ${AWSCLI_VERSION}," \
  "azure-keyvault-keys ${AZURE_KEYVAULT_KEYS_VERSION}, azure-identity ${AZURE_IDENTITY_VERSION}," \
  "google-cloud-kms ${GOOGLE_CLOUD_KMS_VERSION}, parliament ${PARLIAMENT_VERSION}, python-hcl2 ${PYTHON_HCL2_VERSION}; azure-cli ${AZURE_CLI_VERSION} in .test-peers/az; iam-simulate ${IAM_SIMULATE_VERSION} in .test-peers/node"
