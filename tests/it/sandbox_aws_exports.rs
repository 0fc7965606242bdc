//! `cmek sandbox`'s AWS exports, used by the standard AWS clients with nothing else: the `aws`
//! CLI v1 and boto3 (from `.venv`, scripts/install-test-peers.sh), which read the region from
//! `AWS_DEFAULT_REGION` only, and reach `kms.<region>.amazonaws.com` and STS by their real names
//! through the sandbox's HTTPS proxy, trusting the sandbox CA through `AWS_CA_BUNDLE`. Then what those clients see of the emulator's faithful refusals:
//! key policies naming principals that do not exist, an alias without `alias/`, a region that
//! does not exist or is not enabled, and a body too large for KMS, answered in KMS's own JSON.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

use crate::foreground::Foreground;
use crate::peers::{aws_cli, python};

/// Every AWS variable `cmek sandbox` prints, and the proxy and CA bundle variables they read.
const AWS_VARS: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "HTTPS_PROXY",
    "NO_PROXY",
    "AWS_CA_BUNDLE",
];

/// The printed AWS exports, and nothing else but PATH and an empty HOME (no ~/.aws).
struct Exports<'a> {
    vars: BTreeMap<&'static str, String>,
    home: &'a Path,
}

impl<'a> Exports<'a> {
    fn of(sandbox: &Foreground, home: &'a Path) -> Self {
        let vars = AWS_VARS
            .iter()
            .map(|v| {
                let value =
                    sandbox.exports.get(*v).unwrap_or_else(|| panic!("{v} is not exported: {:?}", sandbox.exports));
                (*v, value.clone())
            })
            .collect();
        Exports { vars, home }
    }

    fn command(&self, program: &Path) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", self.home)
            .envs(self.vars.iter().map(|(k, v)| (*k, v.as_str())));
        cmd
    }

    fn aws(&self, args: &[&str]) -> Output {
        self.command(&aws_cli()).args(args).args(["--output", "json"]).output().unwrap()
    }

    fn aws_ok(&self, args: &[&str]) -> Value {
        let out = self.aws(args);
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "aws {args:?} failed: {stderr}");
        if stdout.trim().is_empty() { Value::Null } else { serde_json::from_str(&stdout).unwrap() }
    }

    /// Fails with `code` in the message; returns the message.
    fn aws_fails(&self, args: &[&str], code: &str) -> String {
        let out = self.aws(args);
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(!out.status.success(), "aws {args:?} should fail with {code}");
        assert!(stderr.contains(code), "aws {args:?}: expected {code} in: {stderr}");
        stderr
    }
}

fn policy_naming(principal: &str) -> String {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "AccountRootAdmin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
             "Action": "kms:*", "Resource": "*"},
            {"Sid": "AllowAnthropicCMEKDescribe", "Effect": "Allow", "Principal": {"AWS": principal},
             "Action": "kms:DescribeKey", "Resource": "*"}
        ]
    })
    .to_string()
}

#[test]
fn the_aws_cli_v1_and_boto3_need_nothing_but_the_exports() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let env = Exports::of(&sandbox, home.path());
    assert_eq!(env.vars["AWS_DEFAULT_REGION"], env.vars["AWS_REGION"]);

    let me = env.aws_ok(&["sts", "get-caller-identity"]);
    assert_eq!(me["Account"], "111122223333");
    let created = env.aws_ok(&["kms", "create-key", "--description", "exports"]);
    let key_id = created["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    assert!(created["KeyMetadata"]["Arn"].as_str().unwrap().starts_with("arn:aws:kms:us-east-2:111122223333:key/"));
    let listed = env.aws_ok(&["kms", "list-keys"]);
    assert!(listed["Keys"].as_array().unwrap().iter().any(|k| k["KeyId"] == key_id.as_str()), "{listed}");
    let described = env.aws_ok(&["kms", "describe-key", "--key-id", &key_id]);
    assert_eq!(described["KeyMetadata"]["KeyState"], "Enabled");

    // Without AWS_DEFAULT_REGION the CLI v1 has no region at all: AWS_REGION alone is not enough.
    let mut only_aws_region = env.command(&aws_cli());
    only_aws_region.env_remove("AWS_DEFAULT_REGION").args(["kms", "list-keys"]);
    let out = only_aws_region.output().unwrap();
    assert!(!out.status.success(), "the CLI v1 found a region without AWS_DEFAULT_REGION");
    assert!(String::from_utf8_lossy(&out.stderr).contains("region"), "{}", String::from_utf8_lossy(&out.stderr));

    let script = "import boto3\n\
                  kms = boto3.client('kms')\n\
                  ids = [k['KeyId'] for k in kms.list_keys()['Keys']]\n\
                  print(kms.meta.region_name, len(ids), ','.join(ids))\n";
    let out = env.command(&python()).args(["-c", script]).output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "boto3 failed with the exports: {stderr}");
    assert!(stdout.starts_with("us-east-2 ") && stdout.contains(&key_id), "{stdout}");
    assert_eq!(sandbox.interrupt(), 0);
}

#[test]
fn key_policies_naming_roles_or_users_that_do_not_exist_are_refused_as_kms_refuses_them() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let env = Exports::of(&sandbox, home.path());
    let file = |name: &str, text: &str| {
        let p = home.path().join(name);
        std::fs::write(&p, text).unwrap();
        format!("file://{}", p.display())
    };

    // The typo customers make: Anthropic's role without its `-us`.
    let typo = file("typo.json", &policy_naming("arn:aws:iam::915198916910:role/anthropic-cmek-client"));
    let message = env.aws_fails(&["kms", "create-key", "--policy", &typo], "MalformedPolicyDocumentException");
    assert!(message.contains("Policy contains a statement with one or more invalid principals."), "{message}");
    assert!(env.aws_ok(&["kms", "list-keys"])["Keys"].as_array().unwrap().is_empty(), "no key was created");

    let published = file("good.json", &policy_naming("arn:aws:iam::915198916910:role/anthropic-cmek-client-us"));
    let created = env.aws_ok(&["kms", "create-key", "--policy", &published]);
    let key_id = created["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();
    let put = |policy: &str| -> Vec<String> {
        ["kms", "put-key-policy", "--key-id", &key_id, "--policy-name", "default", "--policy", policy]
            .iter()
            .map(|s| s.to_string())
            .collect()
    };
    for (name, principal) in [
        ("missing-user.json", "arn:aws:iam::111122223333:user/nobody"),
        ("missing-role.json", "arn:aws:iam::111122223333:role/typo-admin"),
    ] {
        let args = put(&file(name, &policy_naming(principal)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.aws_fails(&args, "MalformedPolicyDocumentException");
    }
    // An account's root, a role of an account the sandbox does not model, the customer's own
    // roles: accepted.
    for (name, principal) in [
        ("other-root.json", "arn:aws:iam::444455556666:root"),
        ("other-role.json", "arn:aws:iam::444455556666:role/anything"),
        ("customer-role.json", "arn:aws:iam::111122223333:role/data-pipeline"),
    ] {
        let args = put(&file(name, &policy_naming(principal)));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        env.aws_ok(&args);
    }
    assert_eq!(sandbox.interrupt(), 0);
}

#[test]
fn aliases_regions_and_oversized_bodies_fail_as_kms_fails_them() {
    let home = tempfile::tempdir().unwrap();
    let sandbox = Foreground::start(home.path(), &["sandbox"]);
    let env = Exports::of(&sandbox, home.path());
    let key_id = env.aws_ok(&["kms", "create-key"])["KeyMetadata"]["KeyId"].as_str().unwrap().to_string();

    let message = env.aws_fails(
        &["kms", "create-alias", "--alias-name", "anthropic-cmek", "--target-key-id", &key_id],
        "ValidationException",
    );
    assert!(message.contains("Alias must start with the prefix \"alias/\""), "{message}");
    env.aws_ok(&["kms", "create-alias", "--alias-name", "alias/anthropic-cmek", "--target-key-id", &key_id]);

    // A region that does not exist has no endpoint (AWS: no DNS name; the sandbox's proxy refuses
    // the name), and an opt-in region the sandbox's account has not enabled answers with an
    // error: never an empty account.
    let in_region = |region: &str| {
        let mut cmd = env.command(&aws_cli());
        cmd.env("AWS_REGION", region).env("AWS_DEFAULT_REGION", region).args(["kms", "list-keys"]);
        let out = cmd.output().unwrap();
        assert!(!out.status.success(), "list-keys in {region} succeeded: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    let nowhere = in_region("us-nowhere-9");
    assert!(nowhere.contains("Failed to connect to proxy URL"), "{nowhere}");
    let opt_in = in_region("af-south-1");
    assert!(opt_in.contains("UnrecognizedClientException"), "{opt_in}");

    // 3 MB of plaintext: over what the emulator reads, answered as KMS JSON (413), which the CLI
    // reads as an error code, not as an unparseable page.
    let big = home.path().join("big.bin");
    std::fs::write(&big, vec![b'x'; 3 * 1024 * 1024]).unwrap();
    let message = env.aws_fails(
        &["kms", "encrypt", "--key-id", &key_id, "--plaintext", &format!("fileb://{}", big.display())],
        "ValidationException",
    );
    assert!(message.contains("larger than"), "{message}");
    assert_eq!(sandbox.interrupt(), 0);
}

/// The raw answer to an oversized KMS body: HTTP 413, KMS's JSON error shape and error-type header.
#[tokio::test]
async fn an_oversized_kms_body_gets_a_json_error_not_plain_text() {
    let aws = cmek_sandbox::aws::start(cmek_sandbox::aws::AwsEmulatorConfig::new()).await.unwrap();
    let http = reqwest::Client::new();
    let send = |body: Vec<u8>, target: Option<&'static str>| {
        let mut req = http.post(aws.endpoint.clone()).body(body);
        if let Some(target) = target {
            req = req.header("x-amz-target", target).header("content-type", "application/x-amz-json-1.1");
        }
        req.send()
    };
    let r = send(vec![b' '; 3 * 1024 * 1024], Some("TrentService.Encrypt")).await.unwrap();
    assert_eq!(r.status().as_u16(), 413);
    assert_eq!(r.headers()["x-amzn-errortype"], "ValidationException");
    assert_eq!(r.headers()["content-type"], "application/x-amz-json-1.1");
    let doc: Value = r.json().await.unwrap();
    assert_eq!(doc["__type"], "ValidationException");
    assert!(doc["message"].as_str().unwrap().contains("larger than"), "{doc}");
    // STS (the query protocol) answers in its XML, to a form body as every STS client sends it.
    let r = http
        .post(aws.endpoint.clone())
        .header("content-type", "application/x-www-form-urlencoded")
        .body(vec![b'a'; 3 * 1024 * 1024])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 413);
    let text = r.text().await.unwrap();
    assert!(text.contains("<ErrorResponse") && text.contains("<Code>ValidationError</Code>"), "{text}");
    // Under the limit, the request goes on to authentication as before.
    let r = send(b"{}".to_vec(), Some("TrentService.ListKeys")).await.unwrap();
    assert_eq!(r.status().as_u16(), 400);
    assert_eq!(r.headers()["x-amzn-errortype"], "MissingAuthenticationTokenException");
    aws.shutdown().await.unwrap();
}

/// An oversized STS form body sent in chunks (no Content-Length, as a streaming client sends it)
/// gets STS's XML error too, not a plain-text refusal.
#[tokio::test]
async fn an_oversized_chunked_sts_body_gets_the_xml_error() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let aws = cmek_sandbox::aws::start(cmek_sandbox::aws::AwsEmulatorConfig::new()).await.unwrap();
    let addr = format!("{}:{}", aws.endpoint.host_str().unwrap(), aws.endpoint.port().unwrap());
    let mut tcp = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = "POST / HTTP/1.1\r\nhost: sts\r\ncontent-type: application/x-www-form-urlencoded\r\n\
                transfer-encoding: chunked\r\nconnection: close\r\n\r\n";
    tcp.write_all(head.as_bytes()).await.unwrap();
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..48 {
        tcp.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
        tcp.write_all(&chunk).await.unwrap();
        tcp.write_all(b"\r\n").await.unwrap();
    }
    tcp.write_all(b"0\r\n\r\n").await.unwrap();
    let mut answer = Vec::new();
    tcp.read_to_end(&mut answer).await.unwrap();
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 413"), "{text}");
    assert!(text.contains("<ErrorResponse") && text.contains("<Code>ValidationError</Code>"), "{text}");
    aws.shutdown().await.unwrap();
}
