#!/usr/bin/env python3
"""The official `anthropic` Python SDK through a key's whole life on a running `cmek sandbox`.

Environment: ANTHROPIC_BASE_URL and ANTHROPIC_ADMIN_KEY (as `cmek sandbox` exports them), and
CMEK_CHECK_KMS_ARN: the AWS key cmek set up (registered and validated, not attached). Mode (argv[1]):
- `lifecycle`: validation succeeds for the real key; a new workspace gets it attached (update with
  external_key_id) and then reports it; the attach is write-once; an attached key cannot be deleted
  or re-pointed; archive; listings with include_archived, ids and paging; a workspace created with
  the key; every error comes back as the SDK's class with the structured `error_code` of API
  version 2026-10-21.
- `not-approved`: an organisation without CMEK gets 400 `cmek_not_approved` from create.
Exits 0 when every check passed, 1 naming the first mismatch.
"""

import os
import sys

from peer_checks import Checks

import anthropic

_checks = Checks("anthropic_sdk_lifecycle")
fail, check = _checks.fail, _checks.check


def error_code(e):
    """`error.details.error_code` from the body the SDK kept (the whole envelope)."""
    body = e.body if isinstance(e.body, dict) else {}
    error = body.get("error", body)
    details = error.get("details") if isinstance(error, dict) else None
    return details.get("error_code") if isinstance(details, dict) else None


def expect_error(call, error_class, code, what):
    """`call` must raise `error_class` carrying `error.details.error_code` == `code` (None: any)."""
    try:
        call()
    except error_class as e:
        check(bool(e.request_id) and e.request_id.startswith("req_"), f"{what}: no request id ({e.request_id!r})")
        if code is not None:
            check(error_code(e) == code, f"{what}: error_code {error_code(e)!r}, expected {code!r} ({e.body!r})")
        return e
    except anthropic.APIStatusError as e:
        fail(f"{what}: expected {error_class.__name__}, got HTTP {e.status_code} {e.body!r}")
    fail(f"{what}: expected {error_class.__name__}, but the call succeeded")


def client():
    base_url, admin_key = os.environ.get("ANTHROPIC_BASE_URL"), os.environ.get("ANTHROPIC_ADMIN_KEY")
    if not base_url or not admin_key:
        fail("set ANTHROPIC_BASE_URL and ANTHROPIC_ADMIN_KEY")
    return anthropic.Anthropic(api_key=admin_key, base_url=base_url, max_retries=0, _strict_response_validation=True)


def lifecycle():
    arn = os.environ.get("CMEK_CHECK_KMS_ARN")
    if not arn:
        fail("set CMEK_CHECK_KMS_ARN to the key cmek set up")
    org = client().beta.organization
    keys, workspaces = org.external_keys, org.workspaces

    mine = [k for k in keys.list(limit=100) if k.provider_config.type == "aws" and k.provider_config.kms_arn == arn]
    check(len(mine) == 1, f"the key cmek registered ({arn}) is listed {len(mine)} times")
    key = mine[0]
    check(key.attachment.type == "unattached", f"cmek's key is {key.attachment.type!r} before any attach")
    validation = keys.validate(key.id)
    check(validation.status == "success" and validation.error is None, f"validation of cmek's key: {validation!r}")

    # Attach by update: write-once, and the key then reads as attached.
    fresh = workspaces.create(name="sdk-attach")
    check(fresh.external_key_id is None, f"a new workspace starts with key {fresh.external_key_id!r}")
    attached = workspaces.update(fresh.id, external_key_id=key.id)
    check(attached.external_key_id == key.id, f"attach left external_key_id {attached.external_key_id!r}")
    check(workspaces.retrieve(fresh.id).external_key_id == key.id, "retrieve does not show the attached key")
    check(keys.retrieve(key.id).attachment.type == "attached", "the key does not read as attached after attach")
    other = keys.create(provider_config={"type": "aws", "kms_arn": arn.rsplit("/", 1)[0] + "/0000abcd-12ab-34cd-56ef-1234567890ab"})
    expect_error(
        lambda: workspaces.update(fresh.id, external_key_id=other.id),
        anthropic.ConflictError,
        None,
        "re-pointing an attached workspace",
    )
    expect_error(lambda: keys.delete(key.id), anthropic.APIStatusError, None, "deleting an attached key")
    expect_error(
        lambda: keys.update(key.id, provider_config={"type": "aws", "kms_arn": other.provider_config.kms_arn}),
        anthropic.APIStatusError,
        None,
        "re-pointing an attached key",
    )
    renamed = keys.update(key.id, display_name="attached, renamed")
    check(renamed.display_name == "attached, renamed", "an attached key's display name cannot be changed")

    # An unvalidatable key is refused at attach with the structured code.
    victim = workspaces.create(name="sdk-refused")
    refused = expect_error(
        lambda: workspaces.update(victim.id, external_key_id=other.id),
        anthropic.BadRequestError,
        "external_key_validation_failed",
        "attaching a key that does not exist in AWS",
    )
    check(refused.api_message, "the refusal has no message")
    check(workspaces.retrieve(victim.id).external_key_id is None, "a refused attach left a key on the workspace")
    deleted = keys.delete(other.id)
    check(deleted.type == "external_key_deleted", f"deleting the unattached key gave {deleted!r}")

    # A workspace created with the key, in one call.
    born = workspaces.create(name="sdk-born-with-key", external_key_id=key.id)
    check(born.external_key_id == key.id, f"create with external_key_id gave {born.external_key_id!r}")

    # Archive and the listings.
    archived = workspaces.archive(victim.id)
    check(archived.archived_at is not None, "archive did not set archived_at")
    active = {w.id for w in workspaces.list(limit=1000)}
    everything = {w.id for w in workspaces.list(limit=1000, include_archived=True)}
    check(victim.id not in active and victim.id in everything, "include_archived does not separate archived workspaces")
    by_id = [w.id for w in workspaces.list(ids=[fresh.id, born.id])]
    check(sorted(by_id) == sorted([fresh.id, born.id]), f"list(ids=...) gave {by_id}")
    paged = [w.id for w in workspaces.list(limit=1, include_archived=True)]
    check(sorted(paged) == sorted(everything), "paging one at a time does not give the same workspaces")
    expect_error(lambda: workspaces.list(limit=1001), anthropic.BadRequestError, None, "workspaces limit=1001")
    print(f"anthropic_sdk_lifecycle: OK ({_checks.count} checks, anthropic {anthropic.__version__})")


def not_approved():
    keys = client().beta.organization.external_keys
    arn = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    expect_error(
        lambda: keys.create(provider_config={"type": "aws", "kms_arn": arn}),
        anthropic.BadRequestError,
        "cmek_not_approved",
        "registering a key without CMEK approval",
    )
    print(f"anthropic_sdk_lifecycle: OK ({_checks.count} checks, anthropic {anthropic.__version__})")


if __name__ == "__main__":
    mode = sys.argv[1] if len(sys.argv) > 1 else ""
    {"lifecycle": lifecycle, "not-approved": not_approved}.get(mode, lambda: fail(f"unknown mode {mode!r}"))()
