//! `cmek sandbox`'s Azure exports are enough for a standard Azure client: the official Python
//! `azure-identity` + `azure-keyvault-keys` (from `.venv`, scripts/install-test-peers.sh), run
//! with ONLY the exported variables plus PATH, creates an RSA 3072 wrapKey/unwrapKey key, reads it
//! back and wraps/unwraps with it. A venv without the packages FAILS the test.

use std::path::PathBuf;
use std::process::Command;

use crate::foreground::Foreground;

const AZURE_VARS: [&str; 7] = [
    "AZURE_KEYVAULT_URL",
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

client = KeyClient(os.environ["AZURE_KEYVAULT_URL"], DefaultAzureCredential(), verify_challenge_resource=False)
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
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/install-test-peers.sh", python.display());
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    for var in AZURE_VARS {
        assert!(sandbox.exports.contains_key(var), "{var} is not exported: {:?}", sandbox.exports);
    }
    assert!(!sandbox.exports.contains_key("AZURE_CLIENT_SECRET"), "DefaultAzureCredential would go to the real Entra");
    let bundle = &sandbox.exports["SSL_CERT_FILE"];
    assert_eq!(&sandbox.exports["REQUESTS_CA_BUNDLE"], bundle);
    assert!(std::fs::read_to_string(bundle).unwrap().starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(sandbox.notes["azure python"].contains("verify_challenge_resource=False"), "{:?}", sandbox.notes);

    let out = Command::new(&python)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .envs(AZURE_VARS.iter().map(|v| (*v, sandbox.exports[*v].as_str())))
        .args(["-c", SCRIPT])
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Python client failed with the exports:\n{stdout}\n{stderr}");
    assert!(stdout.contains("exports check passed: https://localhost:"), "{stdout}");

    let bundle = PathBuf::from(bundle);
    assert_eq!(sandbox.interrupt(), 0);
    assert!(!bundle.exists(), "the temporary CA bundle is removed when the sandbox stops");
}

#[test]
fn with_a_state_file_the_bundle_sits_next_to_it() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sbx.json");
    let sandbox = Foreground::start(home.path(), &["sandbox", "--state", state.to_str().unwrap()]);
    let expected = home.path().join("sbx.azure-ca.pem");
    assert_eq!(sandbox.exports["SSL_CERT_FILE"], expected.to_str().unwrap());
    assert!(expected.exists());
    assert_eq!(sandbox.interrupt(), 0);
}
