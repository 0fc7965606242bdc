//! The wizard end to end in a real terminal: tmux runs `cmek --sandbox setup`, the test types what
//! a person would, through every step to an attached key, then checks the sandbox's saved state.

use std::time::Duration;

use serde_json::Value;

use crate::tmux::Tmux;

const WAIT: Duration = Duration::from_secs(30);

#[test]
fn the_wizard_takes_a_person_from_welcome_to_an_attached_key() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sandbox.json");
    let command = wizard_command(home.path(), &state);
    let t = Tmux::start(&command, 100, 32);

    t.wait_for("Step 1 of 9: Welcome", WAIT);
    // The organisation and both clouds are looked up concurrently; wait for all of them.
    let welcome = t.wait_for("arn:aws:iam::111122223333:user/sandbox-admin", WAIT);
    assert!(welcome.contains("Sandbox Organisation"), "{welcome}");
    t.wait_for("in reach", WAIT);
    t.keys(&["Enter"]);

    t.wait_for("Step 2 of 9: Workspace", WAIT);
    // A screen is drawn top to bottom: a capture taken as the title changes may still show the
    // screen before below it, so each check waits for what it reads.
    let workspace = t.wait_for("recommended", WAIT);
    assert!(workspace.contains("production"), "{workspace}");
    t.keys(&["Down", "Enter"]);

    t.wait_for("Step 3 of 9: Key", WAIT);
    t.wait_for("Create a new key", WAIT);
    t.keys(&["Enter"]);

    t.wait_for("Step 4 of 9: Checks", WAIT);
    let checks = t.wait_for("Continue: review the plan", WAIT);
    assert!(!checks.contains("✗"), "no check fails in the default scenario:\n{checks}");
    t.keys(&["Down", "Enter"]);

    t.wait_for("Step 5 of 9: Plan", WAIT);
    // The footer is drawn last: once it is there, the whole screen is.
    let plan = t.wait_for("apply…", WAIT);
    assert!(plan.contains("arn:aws:iam::915198916910:role/anthropic-cmek-client-us"), "{plan}");
    keep_screenshot(&t, "plan");
    t.keys(&["Tab"]);
    t.wait_for("lines 1-", WAIT);
    keep_screenshot(&t, "plan-policy");
    t.keys(&["Tab", "Enter"]);
    t.wait_for("Apply these", WAIT);
    t.keys(&["y"]);

    t.wait_for("Validated", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Type the workspace's name", WAIT);
    t.type_text("staging");
    t.keys(&["Enter"]);
    t.wait_for("is not `production`", WAIT);
    for _ in 0.."staging".len() {
        t.keys(&["BSpace"]);
    }
    t.type_text("production");
    t.keys(&["Enter"]);

    t.wait_for("Step 9 of 9: Summary", WAIT);
    let summary = t.wait_for("Enter/q exit", WAIT);
    keep_screenshot(&t, "summary");
    let flat = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("--confirm-attach wrkspc_01SbxProduction7Kq2Vd"), "{summary}");
    t.keys(&["Enter"]);
    assert_eq!(t.wait_exit(WAIT), 0, "{}", t.screen());
    // The alternate screen is gone; what the run did stays on the normal one.
    let left = t.screen().split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(left.contains("cmek setup finished: the key is registered and healthy."), "{left}");
    assert!(left.contains("Changed in this run:") && left.contains("external key: ekey_"), "{left}");
    assert!(left.contains("workspace: attached:") && left.contains("journal: "), "{left}");

    let saved = saved_with_production_attached(&state);
    let others_attached = saved["platform"]["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["name"] != "production" && !w["external_key_id"].is_null())
        .count();
    assert_eq!(others_attached, 0, "the mistyped name attached nothing");
}

/// `cmek --sandbox --sandbox-state <state> setup` with nothing from this environment but PATH.
fn wizard_command(home: &std::path::Path, state: &std::path::Path) -> String {
    format!(
        "env -i HOME={home} TERM=xterm-256color PATH={path} {bin} --sandbox --sandbox-state {state} setup",
        home = home.display(),
        path = std::env::var("PATH").unwrap_or_default(),
        bin = env!("CARGO_BIN_EXE_cmek"),
        state = state.display(),
    )
}

/// With `CMEK_SCREENSHOTS_DIR` set (scripts/screenshots.sh), saves the screen with its colours.
fn keep_screenshot(t: &Tmux, name: &str) {
    if let Ok(dir) = std::env::var("CMEK_SCREENSHOTS_DIR") {
        std::fs::write(std::path::Path::new(&dir).join(format!("{name}.ansi")), t.screen_ansi()).unwrap();
    }
}

#[test]
fn quitting_early_changes_nothing_and_restores_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sandbox.json");
    let command = wizard_command(home.path(), &state);
    let t = Tmux::start(&command, 80, 24);
    t.wait_for("Step 1 of 9: Welcome", WAIT);
    // Wait for the overview: while it loads, `q` rightly asks first (work is in flight).
    t.wait_for("sandbox-admin", WAIT);
    t.keys(&["q"]);
    // Nothing was in flight or changed, so `q` leaves at once (exit 130: quit by the user).
    assert_eq!(t.wait_exit(WAIT), 130);
    let after = t.screen();
    assert!(!after.contains("Step 1 of 9"), "the alternate screen is gone after exit:\n{after}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(&state).unwrap()).unwrap();
    assert!(saved["aws"].to_string().len() > 2);
    assert!(saved["platform"]["keys"].as_array().unwrap().is_empty(), "nothing registered");
}

/// Azure in a real terminal, in the scenario where new role assignments take 20 s to take effect:
/// the wizard consents, creates the key, assigns the role, shows validation waiting for it, and
/// attaches once it has propagated.
#[test]
fn the_wizard_sets_up_azure_and_shows_the_propagation_wait() {
    let (_home, state, t) = azure_wizard("azure-propagation-delay", 100, 32);

    let welcome = t.wait_for("in reach", WAIT);
    assert!(welcome.contains("▸ Azure Key Vault"), "the answers' provider is highlighted:\n{welcome}");
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9: Workspace", WAIT);
    t.keys(&["Down", "Enter"]);

    t.wait_for("Which Key Vault?", WAIT);
    // The footer is drawn last: once it is there, the whole screen is.
    let key = t.wait_for("Tab key name", WAIT);
    assert!(key.contains("cmek-sandbox") && key.contains("anthropic-cmek"), "{key}");
    t.keys(&["Enter"]);

    t.wait_for("Continue: review the plan", WAIT);
    let checks = t.wait_for("AZ-07", WAIT);
    assert!(checks.contains("AZ-06"), "consent and role are to do:\n{checks}");
    t.keys(&["End", "Enter"]);
    t.wait_for("Step 5 of 9: Plan", WAIT);
    // The published principal is shown for comparison (waited for: a capture can catch a redraw midway).
    t.wait_for("Entra app id 8635ae1a-3e5d-44e8-a4ed-e0f614466f87", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Apply these", WAIT);
    t.keys(&["y"]);

    t.wait_for("Waiting for Anthropic's new role assignment", Duration::from_secs(60));
    let waiting = t.wait_for("Esc stop waiting", WAIT);
    assert!(waiting.contains("ForbiddenByRbac") && waiting.contains("of at most 600s"), "{waiting}");
    attach_to_production_once_validated(&t);
    let summary = t.wait_for("Enter/q exit", WAIT);
    let flat = summary.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("--provider azure") && flat.contains("--azure-vault cmek-sandbox"), "{summary}");
    t.keys(&["Enter"]);
    assert_eq!(t.wait_exit(WAIT), 0, "{}", t.screen());

    let saved = saved_with_production_attached(&state);
    let vault = &saved["azure"]["vaults"][0];
    assert!(vault["keys"].as_array().unwrap().iter().any(|k| k["name"] == "anthropic-cmek"), "{vault}");
}

/// At 80x24 the longest Azure plans do not fit: the person scrolls to the last step (End, then
/// PgUp back to the top and PgDn down again), sees the attach step, and approves in a question
/// that is shown whole.
#[test]
fn at_80x24_the_azure_plan_scrolls_to_its_last_step_and_the_question_fits() {
    let (_home, state, t) = azure_wizard("azure-firewall-missing-range", 80, 24);

    t.wait_for("in reach", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9: Workspace", WAIT);
    t.keys(&["Down", "Enter"]);
    t.wait_for("Which Key Vault?", WAIT);
    t.wait_for("Tab key name", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Continue: review the plan", WAIT);
    t.keys(&["End", "Enter"]);

    t.wait_for("Step 5 of 9: Plan", WAIT);
    let top = t.wait_for("PgUp/Dn scroll", WAIT);
    assert!(top.contains("more") && !top.contains("attach the key to workspace"), "{top}");
    t.keys(&["End"]);
    let bottom = t.wait_for("attach the key to workspace", WAIT);
    assert!(bottom.contains("PERMANENT") && bottom.contains("Enter applies"), "{bottom}");
    keep_screenshot(&t, "plan-80x24-end");
    // Back to the top with PgUp, down again page by page.
    t.keys(&["PPage", "PPage", "PPage", "PPage", "PPage"]);
    t.wait_for("The plan:", WAIT);
    for _ in 0..6 {
        t.keys(&["NPage"]);
    }
    t.wait_for("attach the key to workspace", WAIT);

    t.keys(&["Enter"]);
    t.wait_for("Apply these", WAIT);
    let question = t.wait_for("y apply", WAIT);
    assert!(question.contains("Attaching is not part of this"), "the whole question is shown:\n{question}");
    t.keys(&["y"]);
    attach_to_production_once_validated(&t);
    t.keys(&["Enter"]);
    assert_eq!(t.wait_exit(WAIT), 0, "{}", t.screen());
    saved_with_production_attached(&state);
}

/// From the Validate screen: waits for the validation, types `production` at the attach gate and
/// waits for the Summary.
fn attach_to_production_once_validated(t: &Tmux) {
    t.wait_for("Validated", Duration::from_secs(120));
    t.keys(&["Enter"]);
    t.wait_for("Type the workspace's name", WAIT);
    t.type_text("production");
    t.keys(&["Enter"]);
    t.wait_for("Step 9 of 9: Summary", WAIT);
}

/// The wizard on Azure in sandbox `scenario`, in a `width` x `height` terminal; the sandbox's
/// state file is returned with the directory that holds it.
fn azure_wizard(scenario: &str, width: u16, height: u16) -> (tempfile::TempDir, std::path::PathBuf, Tmux) {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sandbox.json");
    let command = wizard_command(home.path(), &state)
        .replace("--sandbox ", &format!("--sandbox={scenario} "))
        .replace(" setup", " setup --provider azure");
    let t = Tmux::start(&command, width, height);
    (home, state, t)
}

/// The saved sandbox, once it is checked that `production` has a key attached.
fn saved_with_production_attached(state: &std::path::Path) -> Value {
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(state).unwrap()).unwrap();
    let production =
        saved["platform"]["workspaces"].as_array().unwrap().iter().find(|w| w["name"] == "production").unwrap();
    assert!(production["external_key_id"].as_str().unwrap().starts_with("ekey_"), "{production}");
    saved
}

/// A platform nobody answers at: the first screen says what failed instead of a spinner that
/// never ends, no cloud row is left at "…", and `q` leaves with nothing changed.
#[test]
fn a_dead_platform_is_reported_on_the_first_screen() {
    let home = tempfile::tempdir().unwrap();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let command = format!(
        "env -i HOME={home} TERM=xterm-256color PATH={path} ANTHROPIC_ADMIN_KEY=sk-ant-admin01-dead-platform-0000 \
         {bin} --base-url http://127.0.0.1:{port} setup",
        home = home.path().display(),
        path = std::env::var("PATH").unwrap_or_default(),
        bin = env!("CARGO_BIN_EXE_cmek"),
    );
    let t = Tmux::start(&command, 100, 32);
    let failed = t.wait_for("could not be looked up", Duration::from_secs(60));
    let flat = failed.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&format!("127.0.0.1:{port}")), "names what did not answer:\n{failed}");
    assert!(flat.contains("not looked up (the organisation comes first)"), "{failed}");
    assert!(flat.contains("try again"), "{failed}");
    t.keys(&["q"]);
    assert_eq!(t.wait_exit(WAIT), 130);
    assert!(t.screen().contains("Nothing was changed."), "{}", t.screen());
}

/// Google Cloud in a real terminal on the default sandbox: Welcome, the Key screen with the ring's
/// keys looked up (none yet: the ring is created), the checks, the plan with the key's IAM policy,
/// apply, validate, and the typed attach.
#[test]
fn the_wizard_sets_up_google_cloud() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("sandbox.json");
    let command = wizard_command(home.path(), &state).replace(" setup", " setup --provider gcp");
    let t = Tmux::start(&command, 100, 32);

    let welcome = t.wait_for("in reach", WAIT);
    assert!(welcome.contains("▸ Google Cloud KMS"), "the answers' provider is highlighted:\n{welcome}");
    t.wait_for("cmek-admin@cmek-sandbox.iam.gserviceaccount.com", WAIT);
    t.keys(&["Enter"]);
    t.wait_for("Step 2 of 9: Workspace", WAIT);
    t.keys(&["Down", "Enter"]);
    t.wait_for("Where is the key?", WAIT);
    let key = t.wait_for("key rings are permanent", WAIT);
    assert!(key.contains("cmek-sandbox") && key.contains("Create key anthropic-cmek"), "{key}");
    t.keys(&["Enter"]);
    t.wait_for("Continue: review the plan", WAIT);
    t.keys(&["End", "Enter"]);
    t.wait_for("Step 5 of 9: Plan", WAIT);
    t.keys(&["Tab"]);
    t.wait_for("roles/cloudkms.cryptoKeyEncrypterDecrypter", WAIT);
    t.keys(&["Tab", "Enter"]);
    t.wait_for("Apply these", WAIT);
    t.keys(&["y"]);
    attach_to_production_once_validated(&t);
    t.keys(&["Enter"]);
    assert_eq!(t.wait_exit(WAIT), 0, "{}", t.screen());
    let saved = saved_with_production_attached(&state);
    let key = &saved["gcp"]["projects"][0]["keyRings"][0]["cryptoKeys"][0];
    assert_eq!(key["cryptoKeyId"], "anthropic-cmek", "{key}");
}
