//! How many calls, and how many sequential round trips, each job makes: a sandbox in its own
//! process adds 300 ms to every answer and records when each request arrived and was answered
//! (`GET /_sandbox/stats`); a round is a set of calls in flight together, and `rounds` is the
//! longest chain of calls each made after the one before it was answered. With 300 ms per call
//! and the tool's own work between calls at a few milliseconds, calls sent together always
//! overlap and calls sent one after another never do, so the counts are exact, not timings.
//!
//! The minimum per job (with validation and the attach), and why it cannot be fewer. The
//! organisation's UUID comes from the `anthropic-organization-id` header of the platform's
//! answers (no `GET /v1/organizations/me`), and a confirmed attach is the run's validation (the
//! platform validates the key for the workspace before it attaches it; no `validate` call):
//! - AWS, fresh: 5 rounds, 10 calls. (1) everything read at once: the organisation's
//!   registrations and workspaces, the region's keys and aliases (the listing says whether the
//!   alias exists, a dead run's unaliased key is found by its tags, and the aliases' ARNs name the
//!   account the policy's account statement needs: no GetCallerIdentity); (2) CreateKey; (3) the
//!   alias, rotation and the registration, each needing only the key; (4) the list that settles a
//!   race with another run's registration; (5) the attach, which validates. Each of the 10 guards
//!   something: the keys' listing (crash convergence) and the settling list (concurrent runs) are
//!   the two a safety rule needs beyond the job itself.
//! - AWS, converged re-run: 3 rounds: (1) as above; (2) the key, its policy, rotation and tags
//!   (these take the key id the alias listing gives in round 1); (3) validation (nothing to
//!   attach, so a call of its own).
//! - Doctor: 2 rounds: (1) the platform's facts (and the cloud key when named by coordinates:
//!   its alias resolved); (2) the key's details and the validation together.
//! - Google Cloud, fresh: 6 rounds: reads; the key ring; the key (it needs the ring); the key's
//!   IAM policy read (beside the registration) and written (the write needs the read's etag;
//!   beside it, the settling list, which needs the registration); the attach, which validates.
//! - Azure, fresh (a vault found by listing, no subscription given, the service principal not
//!   consented yet): 10 rounds, 22 calls.
//!   (1) the platform's reads and the tokens for ARM, Graph and Key Vault together (one
//!   credential per audience: an official credential fetches one token at a time);
//!   (2) the subscription (the vault listing needs its id) and Anthropic's service principal;
//!   (3) the subscription's vaults (the listing describes each in full: not read again);
//!   (4) the vault's diagnostic settings and policy assignments (they need its id), the key and
//!   its deleted twin (they need its URI): Key Vault answers a client's first request with a 401
//!   naming the token's audience, and the official client sends nothing authorised before it;
//!   (5) the key and the bin again, with the token fetched in (1); one client per vault keeps
//!   the audience, so no later call repeats the challenge;
//!   (6) consent (the service principal is created) beside the key looked up again just before
//!   its create (the plan may be minutes old; a create over an existing key adds a version);
//!   (7) the create; (8) the role assignment (it needs the principal and the key) beside the
//!   registration and the key read after its create (another run's version made at the same
//!   moment is reported); (9) the settling list; (10) the attach, which validates (waiting out the
//!   role assignment's propagation).
//! - Azure, converged re-run: 6 rounds: (1)-(5) as above (the role assignments at the key in
//!   (4), with the principal from (2)); (6) validation. The bin is read beside the key even when
//!   the key is there: two calls more, one round fewer on a first run.

use serde_json::Value;

use crate::counted_sandbox::{CountedSandbox, operations};

/// The latency each answer waits: long enough that the tool's own work between calls is noise.
const LATENCY_MS: &str = "300";

struct Measured(CountedSandbox);

impl Measured {
    fn start() -> Measured {
        Measured(CountedSandbox::start(LATENCY_MS, &["--azure-rbac-delay", "0"]))
    }

    /// Runs `cmek <args>` against the sandbox and returns what the sandbox saw of it.
    async fn run(&self, args: &[&str]) -> Value {
        self.0.reset().await;
        let mut command = self.0.command(env!("CARGO_BIN_EXE_cmek"));
        command.env("CMEK_SANDBOX_ENDPOINTS", &self.0.sandbox.exports["CMEK_SANDBOX_ENDPOINTS"]).args(args);
        let out = tokio::process::Command::from(command).output().await.unwrap();
        assert!(
            out.status.success(),
            "cmek {args:?}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        self.0.seen().await
    }
}

fn calls(stats: &Value, service: &str) -> u64 {
    stats["services"][service]["calls"].as_u64().unwrap_or(0)
}

fn setup(provider: &'static str, workspace: &'static str) -> Vec<&'static str> {
    vec!["setup", "--non-interactive", "--provider", provider, "--workspace", workspace, "--confirm-attach", workspace]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn aws_setup_and_doctor_make_the_fewest_round_trips() {
    let sandbox = Measured::start();

    let fresh = sandbox.run(&setup("aws", "production")).await;
    assert_eq!(fresh["rounds"], 5, "{fresh:#}");
    assert_eq!(fresh["calls"], 10, "{fresh:#}");
    let once = |op: &str| (op.to_string(), 1);
    let aws: Vec<(String, u64)> =
        ["CreateAlias", "CreateKey", "EnableKeyRotation", "ListAliases", "ListKeys"].into_iter().map(once).collect();
    assert_eq!(operations(&fresh, "aws"), aws, "{fresh:#}");
    assert_eq!(
        operations(&fresh, "platform"),
        [
            ("GET /v1/organizations/external_keys".to_string(), 2),
            once("GET /v1/organizations/workspaces"),
            once("POST /v1/organizations/external_keys"),
            once("POST /v1/organizations/workspaces/{id}"),
        ],
        "{fresh:#}"
    );

    let rerun = sandbox.run(&setup("aws", "production")).await;
    assert_eq!(rerun["rounds"], 3, "{rerun:#}");
    assert_eq!((calls(&rerun, "platform"), calls(&rerun, "aws")), (3, 6), "{rerun:#}");

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
    assert_eq!(gcp["rounds"], 6, "{gcp:#}");
    assert_eq!((calls(&gcp, "platform"), calls(&gcp, "gcp")), (5, 5), "{gcp:#}");

    let azure = sandbox.run(&setup("azure", "staging")).await;
    assert_eq!(azure["rounds"], 10, "{azure:#}");
    assert_eq!((calls(&azure, "platform"), calls(&azure, "azure")), (5, 17), "{azure:#}");
    // One token per audience; the listed vault is not read again; the key is read twice while
    // inspecting (the challenge, then the answer), once before its create and once after.
    let azure_ops = |stats: &Value, part: &str| -> u64 {
        operations(stats, "azure").iter().filter(|(op, _)| op.contains(part)).map(|(_, n)| n).sum()
    };
    assert_eq!(azure_ops(&azure, "/oauth2/v2.0/token"), 3, "{azure:#}");
    assert_eq!(
        azure_ops(
            &azure,
            "GET management.azure.com/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/cmek-sandbox"
        ),
        2,
        "only its diagnostic settings and policies: {azure:#}"
    );
    assert_eq!(azure_ops(&azure, "GET cmek-sandbox.vault.azure.net/keys/anthropic-cmek/"), 4, "{azure:#}");
    assert_eq!(azure_ops(&azure, "GET cmek-sandbox.vault.azure.net/deletedkeys/anthropic-cmek"), 2, "{azure:#}");
    assert_eq!(azure_ops(&azure, "/create"), 1, "{azure:#}");

    let rerun = sandbox.run(&setup("azure", "staging")).await;
    assert_eq!(rerun["rounds"], 6, "{rerun:#}");
    assert_eq!((calls(&rerun, "platform"), calls(&rerun, "azure")), (3, 13), "{rerun:#}");
}
