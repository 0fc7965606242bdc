#!/usr/bin/env bash
# The documented AWS path, as the public Claude Platform CMEK guide for AWS walks it: the `aws` CLI
# creates the key, puts the role-scoped key policy (Anthropic's published role, the encryption
# context bound to the organisation and the workspace's compartment), creates the alias and turns
# on rotation; then `curl` registers the key with the Admin API, validates it and attaches it to
# the workspace. The benchmarks (scripts/bench.sh) time it against `cmek setup` on the same fresh
# sandbox; it runs unchanged against real AWS and the real Admin API.
#
# What the guide has the reader copy from the console is given here (scripts/bench.sh reads them
# from the sandbox before the clock starts):
#   ORG_UUID        the organisation's UUID (GET /v1/organizations/me, `id`)
#   WORKSPACE_ID    the workspace to protect (wrkspc_...)
#   COMPARTMENT_ID  that workspace's compartment_id
#   ACCOUNT_ID      the AWS account that owns the key
# and, as the sandbox exports them (or as a real shell has them): AWS_REGION and the AWS
# credentials, ANTHROPIC_BASE_URL (default https://api.anthropic.com), ANTHROPIC_ADMIN_KEY.
# AWS: the aws CLI to run (default `aws`). Exit 1 when validation fails; any failed call stops it.
set -euo pipefail

: "${ORG_UUID:?the organisation UUID}" "${WORKSPACE_ID:?the workspace id}"
: "${COMPARTMENT_ID:?the workspace compartment_id}" "${ACCOUNT_ID:?the AWS account id}"
: "${ANTHROPIC_ADMIN_KEY:?an Admin API key}"
AWS="${AWS:-aws}"
REGION="${AWS_REGION:-us-east-2}"
BASE_URL="${ANTHROPIC_BASE_URL:-https://api.anthropic.com}"
ALIAS="${ALIAS:-alias/anthropic-cmek}"
ANTHROPIC_ROLE="arn:aws:iam::915198916910:role/anthropic-cmek-client-us"
policy="$(mktemp)"
# The admin key reaches curl through a file only this user can read, never on its command line
# (which other users see in `ps`).
headers="$(umask 077 && mktemp)"
trap 'rm -f "$policy" "$headers"' EXIT
printf 'x-api-key: %s\n' "$ANTHROPIC_ADMIN_KEY" >"$headers"

# 1. The key: symmetric, ENCRYPT_DECRYPT, single-Region.
key_arn="$("$AWS" kms create-key --region "$REGION" --description "Claude Platform CMEK" \
  --key-spec SYMMETRIC_DEFAULT --key-usage ENCRYPT_DECRYPT --query KeyMetadata.Arn --output text)"

# 2. The key policy: the account keeps control; Anthropic's role may encrypt and decrypt only for
#    this organisation (and this workspace's compartment), and describe the key.
cat >"$policy" <<JSON
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AccountRootAdmin",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::${ACCOUNT_ID}:root"},
      "Action": "kms:*",
      "Resource": "*"
    },
    {
      "Sid": "AllowAnthropicCMEKCrypto",
      "Effect": "Allow",
      "Principal": {"AWS": "${ANTHROPIC_ROLE}"},
      "Action": ["kms:Encrypt", "kms:Decrypt"],
      "Resource": "*",
      "Condition": {
        "StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": ["${ORG_UUID}"]},
        "StringEqualsIfExists": {"kms:EncryptionContext:anthropic:compartment_uuid": ["${COMPARTMENT_ID}"]}
      }
    },
    {
      "Sid": "AllowAnthropicCMEKDescribe",
      "Effect": "Allow",
      "Principal": {"AWS": "${ANTHROPIC_ROLE}"},
      "Action": "kms:DescribeKey",
      "Resource": "*"
    }
  ]
}
JSON
"$AWS" kms put-key-policy --region "$REGION" --key-id "$key_arn" --policy-name default --policy "file://$policy"

# 3. The alias and yearly rotation.
"$AWS" kms create-alias --region "$REGION" --alias-name "$ALIAS" --target-key-id "$key_arn"
"$AWS" kms enable-key-rotation --region "$REGION" --key-id "$key_arn"

# 4. Register, validate, attach (the docs' curl: x-api-key and anthropic-version 2023-06-01).
admin() {
  local method="$1" path="$2" body="${3:-}"
  curl --silent --show-error --fail-with-body -X "$method" "${BASE_URL}${path}" \
    -H @"$headers" -H "anthropic-version: 2023-06-01" \
    -H "content-type: application/json" ${body:+--data "$body"}
}
registered="$(admin POST /v1/organizations/external_keys \
  "{\"provider_config\":{\"type\":\"aws\",\"kms_arn\":\"${key_arn}\"},\"display_name\":\"${ALIAS} (${REGION})\"}")"
key_id="$(printf '%s' "$registered" | sed -n 's/.*"id" *: *"\(ekey_[^"]*\)".*/\1/p')"
[ -n "$key_id" ] || { echo "no external key id in: $registered" >&2; exit 4; }

validation="$(admin POST "/v1/organizations/external_keys/${key_id}/validate" '{}')"
case "$validation" in
  *'"status":"success"'* | *'"status": "success"'*) ;;
  *) echo "validation failed: $validation" >&2; exit 1 ;;
esac

admin POST "/v1/organizations/workspaces/${WORKSPACE_ID}" "{\"external_key_id\":\"${key_id}\"}" >/dev/null
echo "attached ${key_arn} (${key_id}) to ${WORKSPACE_ID}"
