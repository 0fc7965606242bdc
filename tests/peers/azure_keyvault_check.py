#!/usr/bin/env python3
"""Checks that the official Azure Python SDK (`azure-keyvault-keys` with `azure-identity`) works
against the cmek sandbox's Azure emulator.

Environment: VAULT_URL (https://localhost:<port>), IDENTITY_ENDPOINT and IDENTITY_HEADER (the
emulator's App Service-style managed-identity endpoint), REQUESTS_CA_BUNDLE / SSL_CERT_FILE (the
sandbox CA). `ManagedIdentityCredential` picks the App Service flow from those variables.

The vault is reached as `localhost` (Python cannot be told to resolve `*.vault.azure.net` to
loopback without editing /etc/hosts), so the client is built with verify_challenge_resource=False:
the challenge names resource https://vault.azure.net, whose host is not a suffix of `localhost`,
and the SDK would otherwise refuse to send its token there (a protection against a vault URL
that impersonates Key Vault). Everything else runs as against Azure: the unauthenticated first
request and its 401 challenge, the token, create, get, tag update, list, and RSA-OAEP-256 wrap
(which the SDK may do locally with the public key) and unwrap (always in the vault).

Exits 0 when every check passed, 1 with a message naming the first mismatch otherwise.
"""

import os
import sys

from peer_checks import Checks

try:
    from azure.core.exceptions import HttpResponseError
    from azure.identity import ManagedIdentityCredential
    from azure.keyvault.keys import KeyClient
    from azure.keyvault.keys.crypto import KeyWrapAlgorithm
except ImportError as e:
    print(f"azure_keyvault_check: FAILED: {e}; run scripts/install-test-peers.sh", file=sys.stderr)
    sys.exit(1)

_checks = Checks("azure_keyvault_check")
fail, check = _checks.fail, _checks.check


def main():
    credential = ManagedIdentityCredential()
    client = KeyClient(os.environ["VAULT_URL"], credential, verify_challenge_resource=False)

    key = client.create_rsa_key("py-cmek", size=3072, key_operations=["wrapKey", "unwrapKey"], tags={"a": "1"})
    check(key.name == "py-cmek", f"created key name {key.name!r}")
    check(key.key_type == "RSA", f"created key type {key.key_type!r}")
    check(len(key.key.n) == 384, f"modulus of {len(key.key.n)} bytes, expected 384")
    check(sorted(key.key_operations) == ["unwrapKey", "wrapKey"], f"key_ops {key.key_operations!r}")

    got = client.get_key("py-cmek")
    check(got.id == key.id, f"get returned {got.id!r}, created {key.id!r}")
    check(got.properties.tags == {"a": "1"}, f"tags {got.properties.tags!r}")

    updated = client.update_key_properties("py-cmek", tags={"anthropic-org-x": "true"})
    check(updated.properties.tags == {"anthropic-org-x": "true"}, f"tags after update {updated.properties.tags!r} (must replace)")

    names = [k.name for k in client.list_properties_of_keys()]
    check(names == ["py-cmek"], f"listed keys {names!r}")

    crypto = client.get_cryptography_client("py-cmek", key_version=key.properties.version)
    dek = os.urandom(32)
    wrapped = crypto.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, dek)
    check(len(wrapped.encrypted_key) == 384, f"wrapped key of {len(wrapped.encrypted_key)} bytes")
    unwrapped = crypto.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key)
    check(unwrapped.key == dek, "unwrap did not return the wrapped key")

    try:
        client.get_key("missing")
        fail("getting a missing key succeeded")
    except HttpResponseError as e:
        check(e.status_code == 404, f"missing key gave {e.status_code}")
        check(e.error is not None and e.error.code == "KeyNotFound", f"missing key error code {e.error and e.error.code!r}")

    print(f"azure_keyvault_check: {_checks.count} checks passed")


if __name__ == "__main__":
    main()
