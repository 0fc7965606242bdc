//! The official `anthropic` Python SDK against the sandbox (tests/peers/anthropic_sdk_check.py).

use std::path::PathBuf;
use std::process::Command;

use super::{ADMIN_KEY, Api};

#[tokio::test(flavor = "multi_thread")]
async fn the_official_python_sdk_accepts_the_sandbox() {
    // The workspace root, where `.venv` and `tests/peers` live (this crate is `crates/cmek-sandbox`).
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python = root.join(".venv/bin/python");
    assert!(
        python.is_file(),
        "{} is missing: run scripts/install-test-peers.sh to install the official anthropic SDK",
        python.display()
    );
    let script = root.join("tests/peers/anthropic_sdk_check.py");
    let api = Api::start().await;
    let base_url = api.sandbox.base_url.to_string();
    let home = tempfile::tempdir().unwrap();
    let home_path = home.path().to_path_buf();
    // The script blocks on HTTP to this process's server, so it runs off the async workers.
    let output = tokio::task::spawn_blocking(move || {
        Command::new(python)
            .arg(script)
            .env_clear()
            .env("ANTHROPIC_BASE_URL", base_url)
            .env("ANTHROPIC_ADMIN_KEY", ADMIN_KEY)
            // Hermetic: no profile or credentials of the machine's user can leak in.
            .env("HOME", &home_path)
            .env("ANTHROPIC_CONFIG_DIR", home_path.join("anthropic"))
            .env("NO_PROXY", "127.0.0.1,localhost")
            .output()
    })
    .await
    .unwrap()
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "the SDK check failed ({}):\n{stdout}\n{stderr}", output.status);
    assert!(stdout.contains("anthropic_sdk_check: OK"), "{stdout}\n{stderr}");
}
