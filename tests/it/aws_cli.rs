//! Wire fidelity: the official `aws` CLI (installed by scripts/install-test-peers.sh) performs the
//! documented CMEK key commands against the sandbox's AWS emulator and gets what AWS would return.

use std::path::Path;
use std::process::{Command, Output};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::Value;

use crate::foreground::Foreground;
use crate::peers::aws_cli;

struct Aws<'a> {
    sandbox: &'a Foreground,
    home: &'a Path,
}

impl Aws<'_> {
    fn run(&self, args: &[&str]) -> Output {
        Command::new(aws_cli())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home)
            .env("AWS_CONFIG_FILE", self.home.join("none"))
            .env("AWS_SHARED_CREDENTIALS_FILE", self.home.join("none"))
            .envs(&self.sandbox.exports)
            .env("AWS_DEFAULT_REGION", &self.sandbox.exports["AWS_REGION"])
            .args(args)
            .args(["--output", "json"])
            .output()
            .unwrap()
    }

    fn ok(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "aws {args:?} failed: {stderr}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        if stdout.trim().is_empty() { Value::Null } else { serde_json::from_str(&stdout).unwrap() }
    }

    fn fails(&self, args: &[&str], code: &str) {
        let out = self.run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "aws {args:?} should fail with {code}");
        assert!(stderr.contains(code), "aws {args:?}: expected {code} in: {stderr}");
    }
}

fn policy(account: &str, extra_sid: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountRootAdmin", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": extra_sid, "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::915198916910:role/anthropic-cmek-client-us"},
             "Action": "kms:DescribeKey", "Resource": "*"}
        ]
    })
    .to_string()
}

#[test]
fn the_documented_key_commands_work_against_the_sandbox() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let aws = Aws { sandbox: &sandbox, home: home.path() };
    let file = |name: &str, bytes: &[u8]| {
        let p = home.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    };

    let me = aws.ok(&["sts", "get-caller-identity"]);
    let account = me["Account"].as_str().unwrap().to_string();
    assert_eq!(account, "111122223333");
    assert!(me["Arn"].as_str().unwrap().starts_with("arn:aws:iam::111122223333:"));

    let first = file("policy.json", policy(&account, "First").as_bytes());
    let created =
        aws.ok(&["kms", "create-key", "--policy", &format!("file://{}", first.display()), "--description", "cli"]);
    let meta = &created["KeyMetadata"];
    assert_eq!(meta["KeyState"], "Enabled");
    assert_eq!(meta["KeySpec"], "SYMMETRIC_DEFAULT");
    assert_eq!(meta["KeyUsage"], "ENCRYPT_DECRYPT");
    assert_eq!(meta["Origin"], "AWS_KMS");
    assert_eq!(meta["MultiRegion"], false);
    let key_id = meta["KeyId"].as_str().unwrap().to_string();
    assert!(meta["Arn"].as_str().unwrap().ends_with(&format!(":key/{key_id}")));

    let second = file("policy2.json", policy(&account, "Second").as_bytes());
    aws.ok(&[
        "kms",
        "put-key-policy",
        "--key-id",
        &key_id,
        "--policy-name",
        "default",
        "--policy",
        &format!("file://{}", second.display()),
    ]);
    let got = aws.ok(&["kms", "get-key-policy", "--key-id", &key_id, "--policy-name", "default"]);
    let got: Value = serde_json::from_str(got["Policy"].as_str().unwrap()).unwrap();
    assert_eq!(got, serde_json::from_str::<Value>(&policy(&account, "Second")).unwrap());

    let described = aws.ok(&["kms", "describe-key", "--key-id", &key_id]);
    assert_eq!(described["KeyMetadata"]["KeyId"], key_id.as_str());

    let plain = file("plain.bin", b"customer data key");
    let encrypted = aws.ok(&[
        "kms",
        "encrypt",
        "--key-id",
        &key_id,
        "--plaintext",
        &format!("fileb://{}", plain.display()),
        "--encryption-context",
        "anthropic:org_uuid=5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d",
    ]);
    assert_eq!(encrypted["KeyId"].as_str().unwrap(), meta["Arn"].as_str().unwrap());
    let blob = STANDARD.decode(encrypted["CiphertextBlob"].as_str().unwrap()).unwrap();
    let blob_file = file("blob.bin", &blob);
    let blob_arg = format!("fileb://{}", blob_file.display());

    let decrypted = aws.ok(&[
        "kms",
        "decrypt",
        "--ciphertext-blob",
        &blob_arg,
        "--encryption-context",
        "anthropic:org_uuid=5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d",
    ]);
    assert_eq!(STANDARD.decode(decrypted["Plaintext"].as_str().unwrap()).unwrap(), b"customer data key");

    aws.fails(
        &["kms", "decrypt", "--ciphertext-blob", &blob_arg, "--encryption-context", "anthropic:org_uuid=someone-else"],
        "InvalidCiphertextException",
    );
    let broken = file("broken.json", b"{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Maybe\"}]}");
    aws.fails(
        &[
            "kms",
            "put-key-policy",
            "--key-id",
            &key_id,
            "--policy-name",
            "default",
            "--policy",
            &format!("file://{}", broken.display()),
        ],
        "MalformedPolicyDocumentException",
    );
    aws.fails(&["kms", "describe-key", "--key-id", "alias/does-not-exist"], "NotFoundException");
}
