//! Where the test peers are (installed by scripts/install-test-peers.sh): each may be pointed
//! elsewhere with its variable; a missing one fails its test with the command that installs it.

use std::path::PathBuf;

fn peer(variable: &str, in_checkout: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(variable)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(in_checkout));
    assert!(path.exists(), "{what} is not at {}: run scripts/install-test-peers.sh", path.display());
    path
}

/// The venv's Python (moto, anthropic, the Azure and Google clients, python-hcl2).
pub fn python() -> PathBuf {
    peer("CMEK_TEST_PYTHON", ".venv/bin/python", "the test peers' Python")
}

/// The `aws` CLI v1.
pub fn aws_cli() -> PathBuf {
    peer("CMEK_TEST_AWS_CLI", ".venv/bin/aws", "the aws CLI")
}

/// The `az` CLI, in a venv of its own.
pub fn az_cli() -> PathBuf {
    peer("CMEK_TEST_AZ_CLI", ".test-peers/az/bin/az", "the az CLI")
}
