//! Strings from the network or the user never reach the terminal raw: a workspace named with
//! escape sequences and a newline (set through the Admin API), an escape typed into a flag, a Sid
//! in a policy file. Text output writes them out visibly on one line; JSON keeps the exact value;
//! names `cmek` would send are refused when they hold control characters.

use cmek::platform::types::CreateWorkspace;

use crate::harness::World;

/// Sets the window title, clears the screen, rings the bell, and forges a second line.
const HOSTILE: &str = "ops\u{1b}]0;pwned\u{7}\u{1b}[2J\nFAKE: attached";

fn assert_clean(what: &str, text: &str) {
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'), "{what} reached the terminal raw:\n{text:?}");
    assert!(!text.lines().any(|l| l.starts_with("FAKE")), "{what}: a newline in a name forged a line:\n{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_workspace_name_is_shown_escaped_and_kept_exact_in_json() {
    let world = World::start().await;
    let body = CreateWorkspace { name: HOSTILE.into(), ..Default::default() };
    let ws = world.platform_client().create_workspace(&body).await.unwrap();

    let plan = world.cmek(&["setup", "--non-interactive", "--provider", "aws", "--workspace", &ws.id, "--plan"]).await;
    assert_eq!(plan.code, 0, "{plan:?}");
    assert_clean("setup's text output", &plan.stdout);
    assert_clean("setup's progress", &plan.stderr);
    assert!(plan.stdout.contains("ops\\u{1b}]0;pwned\\u{7}"), "the name is shown, escaped:\n{}", plan.stdout);

    let json = world
        .cmek(&["--output", "json", "setup", "--non-interactive", "--provider", "aws", "--workspace", &ws.id, "--plan"])
        .await;
    assert_eq!(json.json()["workspace"]["name"], HOSTILE, "JSON keeps the exact value");

    let doctor = world.cmek(&["doctor", "--workspace", &ws.id, "-v"]).await;
    assert_clean("doctor's output", &doctor.all());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn escapes_typed_into_flags_are_refused_or_shown_escaped() {
    let world = World::start().await;
    let typed =
        world.cmek(&["setup", "--non-interactive", "--provider", "aws", "--workspace", HOSTILE, "--plan"]).await;
    assert_eq!(typed.code, 2, "{typed:?}");
    assert_clean("an error about --workspace", &typed.all());

    let named = world
        .cmek(&["setup", "--non-interactive", "--provider", "aws", "--display-name", "key\u{1b}[8mhidden", "--plan"])
        .await;
    assert_eq!(named.code, 2, "a display name with control characters is refused: {named:?}");
    assert!(named.stderr.contains("--display-name"), "{named:?}");
    assert_clean("an error about --display-name", &named.all());

    let confirm = world
        .cmek(&[
            "setup",
            "--non-interactive",
            "--provider",
            "aws",
            "--workspace",
            "production",
            "--confirm-attach",
            " production",
        ])
        .await;
    assert_eq!(confirm.code, 2, "a confirmation with a space is not the workspace's name: {confirm:?}");
    assert!(confirm.stderr.contains("typed exactly"), "{confirm:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_sid_in_a_policy_file_is_shown_escaped() {
    let world = World::start().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("policy.json");
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [{
        "Sid": HOSTILE, "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::915198916910:root"},
        "Action": "kms:*", "Resource": "*"}]});
    std::fs::write(&file, policy.to_string()).unwrap();
    let run = world.cmek(&["policy", "check", file.to_str().unwrap(), "-v"]).await;
    assert_clean("policy check -v", &run.all());
}
