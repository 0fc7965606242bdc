//! `cmek sandbox` as a user runs it: start it, read its `export` lines up to `# ready`, point
//! `cmek setup` at it with exactly those variables, and get an attached key.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use crate::moto::Moto;

struct Sandbox(Child);

impl Drop for Sandbox {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cmek sandbox` and returns its exported variables.
fn start_sandbox(moto: &Moto, home: &std::path::Path) -> (Sandbox, BTreeMap<String, String>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .args(["--aws-endpoint", moto.endpoint(), "sandbox"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let sandbox = Sandbox(child);
    let mut exports = BTreeMap::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line == "# ready" {
            return (sandbox, exports);
        }
        if let Some(rest) = line.strip_prefix("export ") {
            let (k, v) = rest.split_once('=').unwrap_or_else(|| panic!("malformed export line {line:?}"));
            exports.insert(k.to_string(), v.to_string());
        }
    }
    panic!("cmek sandbox exited before printing # ready");
}

#[test]
fn sandbox_exports_are_enough_to_run_the_main_job() {
    let moto = Moto::start();
    let home = tempfile::tempdir().unwrap();
    let (_sandbox, exports) = start_sandbox(&moto, home.path());
    for var in [
        "ANTHROPIC_BASE_URL",
        "ANTHROPIC_ADMIN_KEY",
        "AWS_ENDPOINT_URL",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_REGION",
    ] {
        assert!(exports.contains_key(var), "{var} is not exported: {exports:?}");
    }
    assert!(exports["ANTHROPIC_ADMIN_KEY"].starts_with("sk-ant-admin01-"));
    assert!(exports["ANTHROPIC_BASE_URL"].starts_with("http://127.0.0.1:"));

    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home.path())
        .env("AWS_CONFIG_FILE", home.path().join("none"))
        .env("AWS_SHARED_CREDENTIALS_FILE", home.path().join("none"))
        .envs(&exports)
        .args(["--output", "json", "setup", "--non-interactive", "--provider", "aws"])
        .args(["--workspace", "production", "--confirm-attach", "production"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    let doc: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["status"], "attached");
    assert_eq!(doc["organization"]["name"], "Sandbox Organisation");
}
