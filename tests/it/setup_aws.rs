//! `cmek setup --non-interactive --provider aws` end to end: the real binary against moto and the
//! sandbox platform (which validates by evaluating the key policy as Anthropic's role).

use cmek::platform::types::Attachment;
use cmek::providers::aws::NewAwsKey;
use cmek_core::model::aws::{AwsKeyRef, AwsKeyState};
use serde_json::Value;

use crate::harness::World;

const SETUP: &[&str] = &["--output", "json", "setup", "--non-interactive", "--provider", "aws"];

fn args<'a>(extra: &[&'a str]) -> Vec<&'a str> {
    SETUP.iter().copied().chain(extra.iter().copied()).collect()
}

fn step<'a>(doc: &'a Value, action: &str) -> &'a Value {
    doc["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["action"] == action)
        .unwrap_or_else(|| panic!("no {action} step"))
}

fn outcome(doc: &Value, action: &str) -> String {
    step(doc, action)["outcome"]["status"].as_str().unwrap_or("none").to_string()
}

async fn alias_key(world: &World) -> Option<cmek_core::model::aws::AwsKeyFacts> {
    world.aws().await.find_key(&AwsKeyRef::Alias("alias/anthropic-cmek".parse().unwrap())).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fresh_setup_creates_registers_validates_and_attaches() {
    let world = World::start().await;
    let ws = world.workspace_id("production");
    let run = world.cmek(&args(&["--workspace", "production", "--confirm-attach", "production"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc = run.json();
    assert_eq!(doc["schema"], "cmek.setup/v1");
    assert_eq!(doc["status"], "attached");
    for action in ["create_key", "register_key", "attach"] {
        assert_eq!(outcome(&doc, action), "done", "{action}: {run:?}");
    }
    // The platform validates the key for the workspace as it attaches it: that is the run's
    // validation, with no call of its own before it.
    assert!(doc["steps"].as_array().unwrap().iter().all(|s| s["action"] != "validate"), "{run:?}");
    assert_eq!(doc["validation"]["success"], true, "{run:?}");
    assert!(step(&doc, "attach")["outcome"]["detail"].as_str().unwrap().contains("validated: Anthropic encrypted"));

    let key = alias_key(&world).await.expect("the alias points at the new key");
    assert_eq!(key.description.state, AwsKeyState::Enabled);
    assert_eq!(key.description.spec, "SYMMETRIC_DEFAULT");
    assert!(!key.description.multi_region);
    assert_eq!(key.rotation_enabled, Some(true), "new keys rotate automatically: {run:?}");
    let policy: Value = serde_json::from_str(&key.policy).unwrap();
    let sids: Vec<&str> = policy["Statement"].as_array().unwrap().iter().filter_map(|s| s["Sid"].as_str()).collect();
    assert_eq!(sids, ["AccountRootAdmin", "AllowAnthropicCMEKCrypto", "AllowAnthropicCMEKDescribe"]);
    let compartment = world.platform.workspaces.iter().find(|w| w.name == "production").unwrap().compartment_id.clone();
    assert!(key.policy.contains(&compartment), "the policy pins the workspace's compartment");
    assert!(key.policy.contains(&world.platform.org.id), "the policy binds the organisation");

    let client = world.platform_client();
    let keys = client.all_external_keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].attachment, Attachment::Attached);
    let workspace = client.get_workspace(&ws).await.unwrap();
    assert_eq!(workspace.external_key_id.as_deref(), Some(keys[0].id.as_str()));
    assert_eq!(world.journals().len(), 1, "every applying run writes a journal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rerun_converges_and_changes_nothing() {
    let world = World::start().await;
    let first = world.cmek(&args(&["--workspace", "production", "--confirm-attach", "production"])).await;
    assert_eq!(first.code, 0, "{first:?}");
    let key_before = alias_key(&world).await.unwrap();

    let again = world.cmek(&args(&["--workspace", "production", "--confirm-attach", "production"])).await;
    assert_eq!(again.code, 0, "{again:?}");
    let doc = again.json();
    assert_eq!(outcome(&doc, "update_key_policy"), "unchanged", "{again:?}");
    assert_eq!(outcome(&doc, "register_key"), "unchanged");
    assert_eq!(outcome(&doc, "attach"), "unchanged");
    assert_eq!(outcome(&doc, "validate"), "done");
    assert!(doc["steps"].as_array().unwrap().iter().all(|s| s["action"] != "create_key"));

    let key_after = alias_key(&world).await.unwrap();
    assert_eq!(key_before.description.arn, key_after.description.arn, "no second key");
    assert_eq!(key_before.policy, key_after.policy, "policy untouched");
    assert_eq!(world.platform_client().all_external_keys().await.unwrap().len(), 1, "no second registration");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn existing_key_keeps_customer_statements_and_backs_up_the_old_policy() {
    let world = World::start().await;
    let aws = world.aws().await;
    let account = aws.whoami().await.unwrap().account;
    let customer_policy = serde_json::json!({
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "AllowBackupService", "Effect": "Allow",
             "Principal": {"AWS": format!("arn:aws:iam::{account}:role/backup")},
             "Action": ["kms:Decrypt", "kms:GenerateDataKey"], "Resource": "*",
             "Condition": {"StringEquals": {"kms:ViaService": "backup.us-east-2.amazonaws.com"}}}
        ]
    })
    .to_string();
    let key = aws
        .create_key(
            &NewAwsKey { policy_json: customer_policy.clone(), description: "existing".into(), tags: vec![] },
            None,
        )
        .await
        .unwrap();

    let run = world.cmek(&args(&["--key", &key.arn.to_string(), "--workspace", "staging"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc = run.json();
    assert_eq!(outcome(&doc, "update_key_policy"), "done");
    assert_eq!(outcome(&doc, "attach"), "gated", "attach needs --confirm-attach");

    let after: Value = serde_json::from_str(&aws.get_key_policy(&key.arn.to_string()).await.unwrap()).unwrap();
    let statements = after["Statement"].as_array().unwrap();
    let backup = statements.iter().find(|s| s["Sid"] == "AllowBackupService").expect("customer statement kept");
    let original: Value = serde_json::from_str(&customer_policy).unwrap();
    assert_eq!(backup, &original["Statement"][1], "customer statement kept exactly");
    assert!(statements.iter().any(|s| s["Sid"] == "AllowAnthropicCMEKCrypto"));
    assert!(
        !statements.iter().any(|s| s["Sid"] == "AccountRootAdmin"),
        "the account already keeps control through its own statement"
    );

    let journal = &world.journals()[0];
    let saved = std::fs::read_dir(journal)
        .unwrap()
        .flatten()
        .find(|e| e.file_name().to_string_lossy().starts_with("policy-backup-"))
        .expect("a policy backup in the journal");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(saved.path()).unwrap()).unwrap();
    assert_eq!(saved, original, "the backup is the policy that was replaced");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plan_changes_nothing() {
    let world = World::start().await;
    let run = world.cmek(&args(&["--workspace", "production", "--confirm-attach", "production", "--plan"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc = run.json();
    assert_eq!(doc["mode"], "plan");
    assert_eq!(doc["changed"], false);
    assert_eq!(step(&doc, "create_key")["plan"], "planned");
    assert!(doc["policy"]["diff"].as_str().unwrap().contains("+"));
    assert!(alias_key(&world).await.is_none(), "no key created");
    assert!(world.platform_client().all_external_keys().await.unwrap().is_empty(), "nothing registered");
    let journals = world.journals();
    assert_eq!(journals.len(), 1, "a plan is journalled too");
    let text = std::fs::read_to_string(journals[0].join("journal.jsonl")).unwrap();
    assert!(text.contains("\"changed\":false") && text.contains("--plan"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attach_is_refused_without_confirmation_and_with_a_wrong_one() {
    let world = World::start().await;
    let ws = world.workspace_id("production");
    let run = world.cmek(&args(&["--workspace", "production"])).await;
    assert_eq!(run.code, 0, "{run:?}");
    let doc = run.json();
    assert_eq!(outcome(&doc, "validate"), "done");
    assert_eq!(outcome(&doc, "attach"), "gated");
    assert!(doc["next"][0].as_str().unwrap().contains(&format!("--confirm-attach {ws}")), "{run:?}");
    let client = world.platform_client();
    assert_eq!(client.get_workspace(&ws).await.unwrap().external_key_id, None);

    let wrong = world.cmek(&args(&["--workspace", "production", "--confirm-attach", "staging"])).await;
    assert_eq!(wrong.code, 2, "{wrong:?}");
    assert!(wrong.all().contains("--confirm-attach staging names none of the workspaces production"), "{wrong:?}");
    assert_eq!(client.get_workspace(&ws).await.unwrap().external_key_id, None);

    let by_id = world.cmek(&args(&["--workspace", "production", "--confirm-attach", &ws])).await;
    assert_eq!(by_id.code, 0, "{by_id:?}");
    assert!(client.get_workspace(&ws).await.unwrap().external_key_id.is_some(), "the id confirms too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_disabled_key_stops_the_run_before_any_change() {
    let world = World::start().await;
    let aws = world.aws().await;
    let account = aws.whoami().await.unwrap().account;
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{"Sid": "AccountRootAdmin",
        "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{account}:root")}, "Action": "kms:*", "Resource": "*"}]});
    let key = aws
        .create_key(&NewAwsKey { policy_json: policy.to_string(), description: "disabled".into(), tags: vec![] }, None)
        .await
        .unwrap();
    // moto 5.2 answers DisableKey by ARN with a 500, so the key id is used.
    crate::aws_provider::disable_key_raw(&world.aws_settings(), key.key_id.as_str()).await;

    let run = world.cmek(&args(&["--key", &key.arn.to_string(), "--workspace", "production"])).await;
    assert_eq!(run.code, 1, "{run:?}");
    let doc = run.json();
    assert_eq!(doc["status"], "blocked");
    assert_eq!(doc["changed"], false);
    let check = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "AWS-01").unwrap();
    assert_eq!(check["status"], "fail");
    assert!(check["fix"].as_str().unwrap().contains("aws kms enable-key"));
    assert!(world.platform_client().all_external_keys().await.unwrap().is_empty(), "nothing registered");
    assert_eq!(aws.get_key_policy(&key.arn.to_string()).await.unwrap(), policy.to_string(), "policy untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_key_outside_the_us_is_refused_before_it_is_created() {
    // A KMS key cannot be deleted for 7 days: the Region is checked before CreateKey, and --plan
    // shows the same failure the real run stops on.
    let world = World::start().await;
    for extra in [&["--plan"][..], &[]] {
        let run = world.cmek(&args(&[&["--region", "eu-west-1", "--workspace", "production"], extra].concat())).await;
        assert_eq!(run.code, 1, "{run:?}");
        let doc = run.json();
        assert_eq!(doc["status"], "blocked", "{run:?}");
        let check = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "ANT-12").unwrap();
        assert_eq!(check["status"], "fail", "{run:?}");
        assert!(check["observed"].as_str().unwrap().contains("eu-west-1"), "{run:?}");
        assert!(check["fix"].as_str().unwrap().contains("--region us-east-2"), "{run:?}");
    }
    let mut eu = world.aws_settings();
    eu.region = Some("eu-west-1".parse().unwrap());
    let eu = cmek::providers::aws::AwsProvider::connect(&eu).await.unwrap();
    assert!(eu.list_key_ids().await.unwrap().is_empty(), "no key was created in eu-west-1");
    assert!(world.platform_client().all_external_keys().await.unwrap().is_empty(), "nothing registered");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_admin_key_is_an_auth_error_and_is_never_printed() {
    let world = World::start().await;
    let wrong = "sk-ant-admin01-WRONGCANARY-do-not-print-me";
    let run = world.cmek_with_key(wrong, &["setup", "--non-interactive", "--provider", "aws"]).await;
    assert_eq!(run.code, 3, "{run:?}");
    assert!(run.stderr.contains("authentication_error"), "{run:?}");
    assert!(run.stderr.contains("request-id") || run.stderr.contains("req_"), "{run:?}");
    assert!(alias_key(&world).await.is_none(), "no key created");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_output_shows_the_plan_the_diff_and_the_next_step() {
    let world = World::start().await;
    let run =
        world.cmek(&["setup", "--non-interactive", "--provider", "aws", "--workspace", "production", "--plan"]).await;
    assert_eq!(run.code, 0, "{run:?}");
    for needle in [
        "Plan",
        "create a symmetric KMS key in us-east-2",
        "Key policy of the new key",
        "+ ",
        "arn:aws:iam::915198916910:role/anthropic-cmek-client-us",
        "PERMANENT",
        "Nothing was changed",
        "--confirm-attach",
    ] {
        assert!(run.stdout.contains(needle), "missing {needle:?} in:\n{run:?}");
    }
}
