#!/usr/bin/env python3
"""Writes the key policies the benchmarks measure `policy check` and `policy simulate` on.

`statements-1.json`, `statements-10.json`, `statements-100.json` and `limit-32k.json` (as many
statements as fit in KMS's 32 KB limit on a key policy). Each starts with the policy cmek renders
for the test organisation (tests/fixtures/policies/correct.json: the account's root, Anthropic's
crypto grant bound to the organisation and one compartment, Anthropic's DescribeKey) and adds the
kinds of statements customers keep: their applications' grants with an encryption-context
condition, read-only administrators, a Deny of destructive actions without MFA, grants for AWS
services. One statement per line, so the files stay readable and diffable.

Run it from anywhere: python3 benches/policies/generate.py (deterministic; the files are committed).
"""
import json
import pathlib

HERE = pathlib.Path(__file__).resolve().parent
BASE = HERE.parent.parent / "tests" / "fixtures" / "policies" / "correct.json"
ACCOUNT = "111122223333"
LIMIT = 32 * 1024  # KMS's limit on a key policy, in bytes


def customer_statement(i):
    kind = i % 4
    sid = f"Customer{i:04d}"
    if kind == 0:
        return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/app-{i}"},
                "Action": ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey*"], "Resource": "*",
                "Condition": {"StringEquals": {"kms:EncryptionContext:app": f"app-{i}"}}}
    if kind == 1:
        return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/auditor-{i}"},
                "Action": ["kms:Describe*", "kms:List*", "kms:Get*"], "Resource": "*"}
    if kind == 2:
        return {"Sid": sid, "Effect": "Deny", "Principal": {"AWS": "*"},
                "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy"], "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"},
                              "StringNotLike": {"aws:PrincipalArn": f"arn:aws:iam::{ACCOUNT}:role/break-glass-*"}}}
    return {"Sid": sid, "Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:role/service-{i}"},
            "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"], "Resource": "*",
            "Condition": {"Bool": {"kms:GrantIsForAWSResource": "true"}}}


def render(statements):
    lines = ",\n".join("    " + json.dumps(s, separators=(",", ":")) for s in statements)
    return '{\n  "Version": "2012-10-17",\n  "Statement": [\n' + lines + "\n  ]\n}\n"


def policy(count):
    base = json.loads(BASE.read_text())["Statement"]
    statements = base[:count] + [customer_statement(i) for i in range(len(base), count)]
    return render(statements)


def at_limit():
    count = 3
    while len(policy(count + 1).encode()) <= LIMIT:
        count += 1
    return policy(count)


def main():
    for count in (1, 10, 100):
        (HERE / f"statements-{count}.json").write_text(policy(count))
    (HERE / "limit-32k.json").write_text(at_limit())


if __name__ == "__main__":
    main()
