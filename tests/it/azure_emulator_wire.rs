//! The official Azure Python SDK (`azure-keyvault-keys` + `azure-identity`'s
//! ManagedIdentityCredential, App Service flow) against the Azure emulator: see
//! tests/peers/azure_keyvault_check.py. Needs `.venv` from scripts/install-test-peers.sh; a venv
//! without the packages FAILS the test (it is never skipped).

use std::path::PathBuf;
use std::process::Command;

use super::azure_emulator::emulator;

#[tokio::test]
async fn python_sdk_creates_reads_updates_lists_wraps_and_unwraps() {
    let az = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let ca = dir.path().join("sandbox-ca.pem");
    std::fs::write(&ca, az.ca_pem()).unwrap();
    let (endpoint, header) = az.managed_identity();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".venv/bin/python");
    assert!(python.exists(), "{} is missing: run scripts/install-test-peers.sh", python.display());
    let script = root.join("tests/peers/azure_keyvault_check.py");
    let vault_url = format!("https://localhost:{}", az.port());
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env("VAULT_URL", vault_url)
            .env("IDENTITY_ENDPOINT", endpoint)
            .env("IDENTITY_HEADER", header)
            .env("REQUESTS_CA_BUNDLE", &ca)
            .env("SSL_CERT_FILE", &ca)
            .env_remove("MSI_ENDPOINT")
            .env_remove("MSI_SECRET")
            .env_remove("IMDS_ENDPOINT")
            .env_remove("IDENTITY_SERVER_THUMBPRINT")
            .env_remove("AZURE_CLIENT_ID")
            .env("NO_PROXY", "localhost,127.0.0.1")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "python check failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("checks passed"), "{stdout}");
    drop(dir);
}
