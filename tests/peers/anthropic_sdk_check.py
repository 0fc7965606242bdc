#!/usr/bin/env python3
"""Checks that the official `anthropic` Python SDK works against an Admin API (the cmek sandbox).

Environment: ANTHROPIC_BASE_URL (where the API listens) and ANTHROPIC_ADMIN_KEY (the admin key).
The client validates every response strictly against the SDK's models, so any drift between the
sandbox's wire format and the SDK's fails here. Exits 0 when every check passed, 1 with a message
naming the first mismatch otherwise. It creates two external keys and deletes them again; it
renames the `production` workspace and renames it back. No AWS backend is assumed: validation is
expected to fail, with a well-formed answer.
"""

import os
import sys

from peer_checks import Checks

import anthropic

AWS_KEY_ARN = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
OTHER_KEY_ARN = "arn:aws:kms:us-east-2:111122223333:key/0000abcd-12ab-34cd-56ef-1234567890ab"
SEEDED_WORKSPACES = {"production", "staging", "development"}

_checks = Checks("anthropic_sdk_check")
fail, check = _checks.fail, _checks.check


def expect_error(call, error_class, kind, what):
    """Runs `call`, which must raise `error_class` with `error.type` == `kind` and a request id."""
    try:
        call()
    except error_class as e:
        check(e.type == kind, f"{what}: error.type is {e.type!r}, expected {kind!r} (body {e.body!r})")
        check(bool(e.request_id) and e.request_id.startswith("req_"), f"{what}: no request-id header ({e.request_id!r})")
        check(isinstance(e.api_message, str) and e.api_message, f"{what}: no error.message in {e.body!r}")
        return e
    except anthropic.APIStatusError as e:
        fail(f"{what}: expected {error_class.__name__}, got HTTP {e.status_code} {e.body!r}")
    fail(f"{what}: expected {error_class.__name__}, but the call succeeded")


def main():
    base_url = os.environ.get("ANTHROPIC_BASE_URL")
    admin_key = os.environ.get("ANTHROPIC_ADMIN_KEY")
    if not base_url or not admin_key:
        fail("set ANTHROPIC_BASE_URL and ANTHROPIC_ADMIN_KEY")

    # Strict validation: a field of the wrong type or a missing required field raises.
    client = anthropic.Anthropic(
        api_key=admin_key, base_url=base_url, max_retries=0, _strict_response_validation=True
    )
    org_api = client.beta.organization

    # Organization
    org = org_api.retrieve()
    check(org.type == "organization", f"organization type is {org.type!r}")
    check(len(org.id) == 36 and org.id == org.id.lower(), f"organization id {org.id!r} is not a bare lower-case UUID")

    # The same call with the key in x-api-key instead of Authorization: Bearer (what curl examples use).
    via_header = org_api.retrieve(extra_headers={"Authorization": anthropic.omit, "x-api-key": admin_key})
    check(via_header.id == org.id, "x-api-key authentication gave another organization")

    wrong = anthropic.Anthropic(api_key="sk-ant-admin01-wrong", base_url=base_url, max_retries=0)
    expect_error(wrong.beta.organization.retrieve, anthropic.AuthenticationError, "authentication_error", "wrong key")

    # External keys
    keys = org_api.external_keys
    created = keys.create(
        provider_config={"type": "aws", "kms_arn": AWS_KEY_ARN}, display_name="sdk-check", geo="us"
    )
    check(created.id.startswith("ekey_"), f"external key id {created.id!r} does not start with ekey_")
    check(created.type == "external_key", f"external key type {created.type!r}")
    check(created.attachment.type == "unattached", f"new key attachment is {created.attachment.type!r}")
    check(created.provider_config.type == "aws", f"provider_config.type is {created.provider_config.type!r}")
    check(created.provider_config.kms_arn == AWS_KEY_ARN, f"kms_arn came back as {created.provider_config.kms_arn!r}")
    check(created.geo == "us" and created.display_name == "sdk-check", f"geo/display_name wrong: {created!r}")
    second = keys.create(provider_config={"type": "aws", "kms_arn": OTHER_KEY_ARN})
    check(second.display_name is None, f"display_name defaulted to {second.display_name!r}, expected None")

    first_page = keys.list(limit=1)
    check(len(first_page.data) == 1, f"list(limit=1) returned {len(first_page.data)} keys")
    check(first_page.has_next_page(), "list(limit=1) with two keys has no next page")
    listed = [key.id for key in keys.list(limit=1)]  # auto-paging follows next_page
    check(len(listed) == len(set(listed)), f"paging repeated keys: {listed}")
    check({created.id, second.id} <= set(listed), f"paging missed a key: {listed}")

    fetched = keys.retrieve(created.id)
    check(fetched.id == created.id and fetched.provider_config.kms_arn == AWS_KEY_ARN, f"retrieve gave {fetched!r}")

    renamed = keys.update(created.id, display_name="sdk-check renamed")
    check(renamed.display_name == "sdk-check renamed", f"update left display_name {renamed.display_name!r}")
    check(renamed.updated_at >= renamed.created_at, "updated_at is before created_at")

    validation = keys.validate(created.id)
    check(validation.type == "external_key_validation", f"validation type {validation.type!r}")
    check(validation.status == "failure", f"validation without an AWS backend says {validation.status!r}")
    check(isinstance(validation.error, str) and "AWS endpoint" in validation.error, f"validation error {validation.error!r}")

    for key_id in (created.id, second.id):
        deleted = keys.delete(key_id)
        check(deleted.id == key_id and deleted.type == "external_key_deleted", f"delete returned {deleted!r}")
    expect_error(lambda: keys.retrieve(created.id), anthropic.NotFoundError, "not_found_error", "deleted key")

    # Workspaces
    workspaces = org_api.workspaces
    page = workspaces.list(limit=1)
    check(len(page.data) == 1 and page.has_more, f"workspaces.list(limit=1) gave {page!r}")
    names = {w.name for w in workspaces.list(limit=1)}  # auto-paging follows last_id
    check(SEEDED_WORKSPACES <= names, f"seeded workspaces missing from {sorted(names)}")
    production = next(w for w in workspaces.list() if w.name == "production")
    check(production.id.startswith("wrkspc_"), f"workspace id {production.id!r}")
    check(production.data_residency.workspace_geo == "us", f"data_residency {production.data_residency!r}")
    check(len(production.compartment_id) == 36, f"compartment_id {production.compartment_id!r} is not a UUID")
    check(production.external_key_id is None, f"production already has a key: {production.external_key_id!r}")
    again = workspaces.retrieve(production.id)
    check(again.id == production.id and again.compartment_id == production.compartment_id, f"retrieve gave {again!r}")
    renamed = workspaces.update(production.id, name="production-sdk-check")
    check(renamed.name == "production-sdk-check", f"rename gave {renamed.name!r}")
    restored = workspaces.update(production.id, name="production")
    check(restored.name == "production", f"renaming back gave {restored.name!r}")

    expect_error(
        lambda: workspaces.retrieve("wrkspc_doesnotexist"), anthropic.NotFoundError, "not_found_error", "unknown workspace"
    )
    expect_error(
        lambda: keys.list(limit=1000), anthropic.BadRequestError, "invalid_request_error", "external keys limit=1000"
    )

    print(f"anthropic_sdk_check: OK ({_checks.count} checks, anthropic {anthropic.__version__})")


if __name__ == "__main__":
    main()
