//! `cmek sandbox`'s Azure exports are enough for a standard Azure client with no code change: the
//! official Python `azure-identity` + `azure-keyvault-keys` (from `.venv`,
//! scripts/install-test-peers.sh), run with ONLY the exported variables plus PATH, reaches the
//! vault by its real URL through the sandbox's HTTPS proxy (so Key Vault's challenge check passes
//! as it is: no `verify_challenge_resource=False`), creates an RSA 3072 wrapKey/unwrapKey key,
//! reads it back and wraps/unwraps with it. A venv without the packages FAILS the test.

use std::path::PathBuf;
use std::process::Command;

use crate::foreground::Foreground;
use crate::peers;
use crate::sandbox_home::SandboxHome;

const AZURE_VARS: [&str; 9] = [
    "AZURE_KEYVAULT_URL",
    "HTTPS_PROXY",
    "NO_PROXY",
    "SSL_CERT_FILE",
    "REQUESTS_CA_BUNDLE",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
];

const SCRIPT: &str = r#"
import os
from azure.identity import DefaultAzureCredential
from azure.keyvault.keys import KeyClient
from azure.keyvault.keys.crypto import KeyWrapAlgorithm

client = KeyClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential())
key = client.create_rsa_key("py-exports", size=3072, key_operations=["wrapKey", "unwrapKey"])
got = client.get_key("py-exports")
assert got.id == key.id, (got.id, key.id)
assert got.key_type == "RSA" and len(got.key.n) == 384, (got.key_type, len(got.key.n))
assert sorted(got.key_operations) == ["unwrapKey", "wrapKey"], got.key_operations
crypto = client.get_cryptography_client("py-exports", key_version=got.properties.version)
dek = os.urandom(32)
wrapped = crypto.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, dek)
assert crypto.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key).key == dek
print("exports check passed:", got.id)
"#;

#[test]
fn a_python_azure_client_needs_nothing_but_the_exports() {
    let python = peers::python();
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    for var in AZURE_VARS {
        assert!(sandbox.exports.contains_key(var), "{var} is not exported: {:?}", sandbox.exports);
    }
    assert!(!sandbox.exports.contains_key("AZURE_CLIENT_SECRET"), "DefaultAzureCredential would go to the real Entra");
    let bundle = &sandbox.exports["SSL_CERT_FILE"];
    assert_eq!(&sandbox.exports["REQUESTS_CA_BUNDLE"], bundle);
    assert!(std::fs::read_to_string(bundle).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    assert_eq!(sandbox.exports["AZURE_KEYVAULT_URL"], "https://cmek-sandbox.vault.azure.net");

    let out = Command::new(&python)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(AZURE_VARS.iter().map(|v| (*v, sandbox.exports[*v].as_str())))
        .args(["-c", SCRIPT])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Python client failed with the exports:\n{stdout}\n{stderr}");
    assert!(stdout.contains("exports check passed: https://cmek-sandbox.vault.azure.net/keys/py-exports/"), "{stdout}");

    let bundle = PathBuf::from(bundle);
    assert_eq!(sandbox.interrupt(), 0);
    assert!(!bundle.exists(), "the temporary CA bundle is removed when the sandbox stops");
}

#[test]
fn with_a_state_file_the_bundle_sits_next_to_it() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sbx.json");
    let sandbox = Foreground::start(home.path(), &["sandbox", "--state", state.to_str().unwrap()]);
    let expected = home.path().join("sbx.ca.pem");
    assert_eq!(sandbox.exports["SSL_CERT_FILE"], expected.to_str().unwrap());
    assert!(expected.exists());
    assert_eq!(sandbox.interrupt(), 0);
}

const READ_CMEK_KEY: &str = r#"
import os, sys
from azure.identity import DefaultAzureCredential
from azure.keyvault.keys import KeyClient
from azure.keyvault.keys.crypto import KeyWrapAlgorithm

org_tag = sys.argv[1]
client = KeyClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential())
key = client.get_key("anthropic-cmek")
assert key.key_type == "RSA" and len(key.key.n) == 384, (key.key_type, len(key.key.n))
assert sorted(key.key_operations) == ["unwrapKey", "wrapKey"], key.key_operations
assert key.properties.enabled and key.properties.expires_on is None, key.properties
assert key.properties.tags.get(org_tag) == "true", key.properties.tags
crypto = client.get_cryptography_client("anthropic-cmek", key_version=key.properties.version)
dek = os.urandom(32)
wrapped = crypto.wrap_key(KeyWrapAlgorithm.rsa_oaep_256, dek)
assert crypto.unwrap_key(KeyWrapAlgorithm.rsa_oaep_256, wrapped.encrypted_key).key == dek
print("cmek's key read:", key.id, sorted(key.properties.tags))
"#;

/// The key `cmek setup --provider azure` created is what the issue asks of it, as Azure's own
/// Python client sees it: RSA 3072, wrapKey/unwrapKey only, enabled, no expiry, the org tag.
#[test]
fn the_python_client_reads_the_key_cmek_created() {
    let python = peers::python();
    let home = SandboxHome::new();
    let setup = home.setup(false, "azure", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");

    let sandbox = Foreground::start(home.path(), &["sandbox", "--state", home.state_file().to_str().unwrap()]);
    let org_tag = format!("anthropic-org-{}", cmek_sandbox::platform::seed::ORG_ID);
    let out = Command::new(&python)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(AZURE_VARS.iter().map(|v| (*v, sandbox.exports[*v].as_str())))
        .args(["-c", READ_CMEK_KEY, &org_tag])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Python client could not read cmek's key:\n{stdout}\n{stderr}");
    assert!(stdout.contains("cmek's key read: https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek/"), "{stdout}");
    assert_eq!(sandbox.interrupt(), 0);
}
