//! What the benchmarks (scripts/bench.sh) compare, held to their deterministic counts: the
//! documented AWS path (`benches/aws-documented.sh`: the `aws` CLI and `curl`, as the public guide
//! walks it) sets up a key that `cmek doctor` finds healthy, in 7 calls made one after another;
//! `cmek status` at the platform's limits (1,000 workspaces, 200 keys) reads in 2 rounds. As in
//! `round_trips.rs`, every answer waits 300 ms, so overlapping calls and sequential ones are told
//! apart exactly; nothing here measures time.

use std::path::Path;
use std::process::{Command, Output};

use crate::counted_sandbox::{CountedSandbox, operations};
use crate::peers::aws_cli;

/// `cmek sandbox` counting calls, every answer 300 ms late.
fn counted(args: &[&str]) -> CountedSandbox {
    CountedSandbox::start("300", args)
}

/// A command with the sandbox's exports, as in a shell that ran `eval "$(cmek sandbox)"`, and no
/// AWS profile of the machine's.
fn exported(sandbox: &CountedSandbox, program: impl AsRef<std::ffi::OsStr>) -> Command {
    let mut command = sandbox.command(program);
    command
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .envs(&sandbox.sandbox.exports);
    command
}

fn assert_ran(out: &Output, what: &str) {
    assert!(
        out.status.success(),
        "{what}: exit {:?}\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn once(operations: &[&str]) -> Vec<(String, u64)> {
    operations.iter().map(|op| (op.to_string(), 1)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_documented_aws_path_attaches_a_healthy_key_in_seven_calls_one_after_another() {
    let sandbox = counted(&[]);
    // What the guide's reader copies from the console.
    let org = sandbox.admin_get("/v1/organizations/me").await["id"].as_str().unwrap().to_string();
    let workspaces = sandbox.admin_get("/v1/organizations/workspaces?limit=1000").await;
    let production = workspaces["data"].as_array().unwrap().iter().find(|w| w["name"] == "production").unwrap();
    let workspace_id = production["id"].as_str().unwrap();

    sandbox.reset().await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/aws-documented.sh");
    let out = exported(&sandbox, "bash")
        .arg(&script)
        .env("AWS", aws_cli())
        .env("ORG_UUID", &org)
        .env("WORKSPACE_ID", workspace_id)
        .env("COMPARTMENT_ID", production["compartment_id"].as_str().unwrap())
        .env("ACCOUNT_ID", "111122223333")
        .output()
        .unwrap();
    assert_ran(&out, "benches/aws-documented.sh");
    let seen = sandbox.seen().await;
    assert_eq!((seen["calls"].as_u64(), seen["rounds"].as_u64()), (Some(7), Some(7)), "{seen:#}");
    assert_eq!(
        operations(&seen, "aws"),
        once(&["CreateAlias", "CreateKey", "EnableKeyRotation", "PutKeyPolicy"]),
        "{seen:#}"
    );
    assert_eq!(
        operations(&seen, "platform"),
        once(&[
            "POST /v1/organizations/external_keys",
            "POST /v1/organizations/external_keys/{id}/validate",
            "POST /v1/organizations/workspaces/{id}",
        ]),
        "{seen:#}"
    );

    // The same job as cmek's: the workspace uses the key, and cmek's doctor finds nothing wrong.
    let attached = sandbox.admin_get(&format!("/v1/organizations/workspaces/{workspace_id}")).await;
    assert!(attached["external_key_id"].as_str().is_some_and(|k| k.starts_with("ekey_")), "{attached:#}");
    let doctor = exported(&sandbox, env!("CARGO_BIN_EXE_cmek")).args(["doctor", "--workspace", "production"]).output();
    assert_ran(&doctor.unwrap(), "cmek doctor after the documented path");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn status_at_the_platforms_limits_reads_everything_in_two_rounds() {
    let sandbox = counted(&["--scenario", "status-at-scale"]);
    sandbox.reset().await;
    let out = exported(&sandbox, env!("CARGO_BIN_EXE_cmek")).arg("status").output().unwrap();
    assert_ran(&out, "cmek status");
    let seen = sandbox.seen().await;
    // The organisation, the workspaces (one page of 1,000) and the first page of keys together;
    // then the second page of keys (pages of 100 follow a cursor).
    assert_eq!((seen["calls"].as_u64(), seen["rounds"].as_u64()), (Some(4), Some(2)), "{seen:#}");
    assert_eq!(
        operations(&seen, "platform"),
        [
            ("GET /v1/organizations/external_keys".to_string(), 2),
            ("GET /v1/organizations/me".to_string(), 1),
            ("GET /v1/organizations/workspaces".to_string(), 1),
        ],
        "{seen:#}"
    );
}
