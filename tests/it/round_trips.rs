//! How many calls, and how many sequential round trips, each job makes: a sandbox in its own
//! process adds 300 ms to every answer and records when each request arrived and was answered
//! (`GET /_sandbox/stats`); a round is a set of calls in flight together, and `rounds` is the
//! longest chain of calls each made after the one before it was answered. With 300 ms per call
//! and the tool's own work between calls at a few milliseconds, calls sent together always
//! overlap and calls sent one after another never do, so the counts are exact, not timings.
//!
//! The minimum per job (with validation and the attach), and why it cannot be fewer:
//! - AWS, fresh: 5 rounds. (1) everything read at once: the organisation, its registrations and
//!   workspaces, the caller, the alias's key, the region's keys and aliases (a dead run's
//!   unaliased key is found by its tags); (2) CreateKey; (3) the alias, rotation and the
//!   registration, each needing only the key; (4) validation, and the list that settles a race
//!   with another run's registration; (5) the attach, which needs a validated key.
//! - AWS, converged re-run: 3 rounds: (1) as above; (2) the key's policy, rotation and tags
//!   (these take only a key id or ARN, which the alias gives in round 1); (3) validation.
//! - Doctor: 2 rounds: (1) the platform's facts (and the cloud key when named by coordinates:
//!   its alias resolved); (2) the key's details and the validation together.
//! - Google Cloud, fresh: 7 rounds: reads; the key ring; the key (it needs the ring); the key's
//!   IAM policy read and written (the write needs the read's etag) beside the registration;
//!   validation with the settle; the attach.

use serde_json::Value;
use tempfile::TempDir;

use crate::foreground::Foreground;

/// The latency each answer waits: long enough that the tool's own work between calls is noise.
const LATENCY_MS: &str = "300";

struct Measured {
    sandbox: Foreground,
    home: TempDir,
    stats: String,
}

impl Measured {
    fn start() -> Measured {
        let home = TempDir::new().unwrap();
        let sandbox = Foreground::start(home.path(), &["sandbox", "--latency", LATENCY_MS, "--azure-rbac-delay", "0"]);
        let stats = sandbox.notes["stats"].split_whitespace().next().unwrap().to_string();
        Measured { sandbox, home, stats }
    }

    /// Runs `cmek <args>` against the sandbox and returns what the sandbox saw of it.
    async fn run(&self, args: &[&str]) -> Value {
        let http = reqwest::Client::new();
        assert_eq!(http.delete(&self.stats).send().await.unwrap().status(), 204);
        let home = self.home.path();
        let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_cmek"))
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_STATE_HOME", home.join("state"))
            .env("NO_COLOR", "1")
            .env("CMEK_SANDBOX_ENDPOINTS", &self.sandbox.exports["CMEK_SANDBOX_ENDPOINTS"])
            .args(args)
            .output()
            .await
            .unwrap();
        assert!(
            out.status.success(),
            "cmek {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        http.get(&self.stats).send().await.unwrap().json().await.unwrap()
    }
}

fn calls(stats: &Value, service: &str) -> u64 {
    stats["services"][service]["calls"].as_u64().unwrap_or(0)
}

fn operations(stats: &Value, service: &str) -> Vec<(String, u64)> {
    stats["services"][service]["operations"]
        .as_object()
        .map(|ops| ops.iter().map(|(k, v)| (k.clone(), v.as_u64().unwrap())).collect())
        .unwrap_or_default()
}

fn setup(provider: &'static str, workspace: &'static str) -> Vec<&'static str> {
    vec!["setup", "--non-interactive", "--provider", provider, "--workspace", workspace, "--confirm-attach", workspace]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_setup_and_doctor_make_the_fewest_round_trips() {
    let sandbox = Measured::start();

    let fresh = sandbox.run(&setup("aws", "production")).await;
    assert_eq!(fresh["rounds"], 5, "{fresh:#}");
    assert_eq!(fresh["calls"], 14, "{fresh:#}");
    let once = |op: &str| (op.to_string(), 1);
    let aws: Vec<(String, u64)> = [
        "CreateAlias",
        "CreateKey",
        "DescribeKey",
        "EnableKeyRotation",
        "GetCallerIdentity",
        "ListAliases",
        "ListKeys",
    ]
    .into_iter()
    .map(once)
    .collect();
    assert_eq!(operations(&fresh, "aws"), aws, "{fresh:#}");
    assert_eq!(
        operations(&fresh, "platform"),
        [
            ("GET /v1/organizations/external_keys".to_string(), 2),
            once("GET /v1/organizations/me"),
            once("GET /v1/organizations/workspaces"),
            once("POST /v1/organizations/external_keys"),
            once("POST /v1/organizations/external_keys/{id}/validate"),
            once("POST /v1/organizations/workspaces/{id}"),
        ],
        "{fresh:#}"
    );

    let rerun = sandbox.run(&setup("aws", "production")).await;
    assert_eq!(rerun["rounds"], 3, "{rerun:#}");
    assert_eq!((calls(&rerun, "platform"), calls(&rerun, "aws")), (4, 7), "{rerun:#}");

    // Named by its registration (the workspace's key), and by cloud coordinates (an alias).
    let by_workspace = sandbox.run(&["doctor", "--workspace", "production"]).await;
    assert_eq!(by_workspace["rounds"], 2, "{by_workspace:#}");
    assert_eq!((calls(&by_workspace, "platform"), calls(&by_workspace, "aws")), (4, 6), "{by_workspace:#}");
    let by_alias = sandbox.run(&["doctor", "--provider", "aws", "--workspace", "production"]).await;
    assert_eq!(by_alias["rounds"], 2, "{by_alias:#}");
    assert_eq!((calls(&by_alias, "platform"), calls(&by_alias, "aws")), (4, 7), "{by_alias:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gcp_and_azure_setups_make_their_counted_round_trips() {
    let sandbox = Measured::start();

    let gcp = sandbox.run(&setup("gcp", "development")).await;
    assert_eq!(gcp["rounds"], 7, "{gcp:#}");
    assert_eq!((calls(&gcp, "platform"), calls(&gcp, "gcp")), (7, 5), "{gcp:#}");

    // Not yet at its minimum (see the report of issue 17): counted so a regression shows.
    let azure = sandbox.run(&setup("azure", "staging")).await;
    assert_eq!(azure["rounds"], 18, "{azure:#}");
    assert_eq!((calls(&azure, "platform"), calls(&azure, "azure")), (7, 21), "{azure:#}");
}
