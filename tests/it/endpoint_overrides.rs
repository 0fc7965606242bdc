//! Endpoint overrides carry credentials, so plain http is refused unless it goes to a loopback
//! address, for every service (exit 2, naming the variable, before any call).

use std::process::Command;

fn setup_with(provider: &str, var: &str, value: &str) -> (i32, String) {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .env("NO_COLOR", "1")
        .env("ANTHROPIC_ADMIN_KEY", "sk-ant-admin01-CANARYendpoints")
        .env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .env("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
        .env("AWS_SECRET_ACCESS_KEY", "not-a-secret")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env(var, value)
        .args(["setup", "--non-interactive", "--provider", provider])
        .output()
        .unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn plain_http_to_another_host_is_refused_for_every_cloud() {
    for (provider, var) in
        [("aws", "AWS_ENDPOINT_URL"), ("gcp", "CMEK_GCP_KMS_ENDPOINT"), ("azure", "CMEK_AZURE_ARM_ENDPOINT")]
    {
        let (code, err) = setup_with(provider, var, "http://kms.internal.example");
        assert_eq!(code, 2, "{var}: {err}");
        assert!(err.contains(var) && err.contains("http://kms.internal.example"), "{var}: {err}");
        assert!(!err.contains("CANARYendpoints"), "{err}");
    }
    let (code, err) = setup_with("aws", "ANTHROPIC_BASE_URL", "http://api.internal.example");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("ANTHROPIC_BASE_URL"), "the Admin API's override too: {err}");
}
