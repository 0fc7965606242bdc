//! `cmek --sandbox setup --non-interactive --provider azure` through the real binary: input
//! errors (exit 2, nothing changed), the plan on the default sandbox, and the whole job against
//! the emulated vault and platform, converging on a re-run.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::sandbox_home::{Run, SandboxHome};

const ATTACH: &[&str] = &["--workspace", "production", "--confirm-attach", "production"];

fn step<'a>(doc: &'a Value, action: &str) -> &'a Value {
    doc["steps"].as_array().unwrap().iter().find(|s| s["action"] == action).unwrap_or_else(|| panic!("no {action}"))
}

fn outcome(doc: &Value, action: &str) -> String {
    step(doc, action)["outcome"]["status"].as_str().unwrap_or("none").to_string()
}

fn plan_state(doc: &Value, action: &str) -> String {
    step(doc, action)["plan"].as_str().unwrap_or("none").to_string()
}

fn state_text(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

#[test]
fn input_errors_exit_2_name_the_flag_and_change_nothing() {
    let home = SandboxHome::new();
    let cases: &[(&str, &[&str], &str)] = &[
        ("azure", &["--azure-vault", "not a vault!"], "--azure-vault"),
        ("azure", &["--region", "us-east-2"], "--region"),
        ("azure", &["--key", "alias/mine", "--alias", "alias/x"], "--key, --alias"),
        ("aws", &["--azure-vault", "cmek-sandbox"], "--azure-vault"),
        ("aws", &["--azure-hsm"], "--azure-hsm"),
        ("azure", &["--azure-rbac-wait", "soon"], "--azure-rbac-wait"),
        ("azure", &["--azure-key-size", "2048"], "--azure-key-size"),
        ("azure", &["--azure-key", "no_underscores"], "--azure-key"),
        ("azure", &["--azure-vault", "cmek-sandbox", "--confirm-purge-protection", "other-vault"], "other-vault"),
    ];
    for (provider, args, named) in cases {
        let r = home.setup(false, provider, args);
        assert_eq!(r.code, 2, "{provider} {args:?}: {r:?}");
        assert!(r.stderr.contains(named), "{provider} {args:?} should name {named}: {r:?}");
    }
    assert!(home.journals().is_empty(), "no run got as far as its journal");
}

#[test]
fn a_purge_confirmation_for_another_vault_is_refused_after_inspection_and_nothing_changes() {
    let home = SandboxHome::new();
    // The first run creates the state file (the seeded world); nothing is applied (--plan).
    let first = home.setup(true, "azure", &["--workspace", "production", "--plan"]);
    assert_eq!(first.code, 0, "{first:?}");
    let before = state_text(&home.state_file());
    let r = home.setup(false, "azure", &["--workspace", "production", "--confirm-purge-protection", "other-vault"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("other-vault") && r.stderr.contains("cmek-sandbox"), "{r:?}");
    assert!(r.stderr.contains("nothing was changed"), "{r:?}");
    let after = home.setup(true, "azure", &["--workspace", "production", "--plan"]);
    assert_eq!(plan_state(&after.json(), "consent_service_principal"), "planned", "still to do: {after:?}");
    assert_eq!(home.journals().len(), 2, "only the two --plan runs were journalled");
    assert!(!before.is_empty());
}

#[test]
fn the_plan_on_the_default_sandbox_shows_the_azure_steps_and_changes_nothing() {
    let home = SandboxHome::new();
    let r = home.setup(true, "azure", &["--workspace", "production", "--plan"]);
    assert_eq!(r.code, 0, "{r:?}");
    let doc = r.json();
    assert_eq!(doc["schema"], "cmek.setup/v1");
    assert_eq!(doc["provider"], "azure");
    assert_eq!(doc["status"], "planned");
    for (action, state) in [
        ("consent_service_principal", "planned"),
        ("create_azure_key", "planned"),
        ("assign_azure_role", "planned"),
        ("register_key", "planned"),
        ("validate", "planned"),
        ("attach", "gated"),
    ] {
        assert_eq!(plan_state(&doc, action), state, "{action}: {r:?}");
    }
    let azure = &doc["azure"];
    assert_eq!(azure["vault"]["name"], "cmek-sandbox", "{r:?}");
    assert_eq!(azure["vault"]["uri"], "https://cmek-sandbox.vault.azure.net");
    assert!(azure["vault"]["id"].as_str().unwrap().ends_with("/vaults/cmek-sandbox"));
    assert_eq!(azure["tenant_id"], azure["vault"]["tenant_id"]);
    assert_eq!(azure["key"], serde_json::json!({ "name": "anthropic-cmek", "exists": false, "kid": null }));
    assert_eq!(doc["anthropic_principal"], "8635ae1a-3e5d-44e8-a4ed-e0f614466f87");
    assert!(doc["key"].is_null() && doc["aws"].is_null(), "no AWS block for Azure");

    // The text plan names the vault and the steps too.
    let text = home.setup(false, "azure", &["--workspace", "production", "--plan", "--azure-key", "team-key"]);
    assert_eq!(text.code, 0, "{text:?}");
    assert!(text.stdout.contains("cmek setup: Azure Key Vault"), "{text:?}");
    assert!(text.stdout.contains("vault          cmek-sandbox (https://cmek-sandbox.vault.azure.net)"), "{text:?}");
    assert!(text.stdout.contains("team-key: none found"), "{text:?}");
    assert!(text.stdout.contains("Nothing was changed (--plan)"), "{text:?}");
    // The happy path shows no red: the consent and the role are what the plan is about to do.
    assert!(text.stdout.contains("2 to do by this plan"), "{text:?}");
    assert!(text.stdout.contains("→ AZ-06") && text.stdout.contains("→ AZ-07"), "{text:?}");
    assert!(!text.stdout.contains('✗') && !text.stdout.contains("failed"), "{text:?}");
    let status =
        |id: &str| doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == id).map(|c| c["status"].clone());
    assert_eq!((status("AZ-06"), status("AZ-07")), (Some("to_do".into()), Some("to_do".into())), "{r:?}");

    // Nothing was applied: the consent is still to do.
    let again = home.setup(true, "azure", &["--workspace", "production", "--plan"]);
    assert_eq!(plan_state(&again.json(), "consent_service_principal"), "planned");
}

#[test]
fn the_whole_job_succeeds_and_a_rerun_changes_nothing() {
    let home = SandboxHome::new();
    let r = home.setup(true, "azure", ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let doc = r.json();
    assert_eq!(doc["status"], "attached", "{r:?}");
    for action in ["consent_service_principal", "create_azure_key", "assign_azure_role", "register_key", "attach"] {
        assert_eq!(outcome(&doc, action), "done", "{action}: {r:?}");
    }
    assert_eq!(doc["validation"]["success"], true, "the attach validated the key: {r:?}");
    let kid = doc["azure"]["key"]["kid"].as_str().expect("the created key's id").to_string();
    assert!(doc["azure"]["service_principal"].as_str().is_some(), "the consented principal: {r:?}");
    assert!(kid.contains("/keys/anthropic-cmek/"), "{kid}");
    assert!(doc["external_key_id"].as_str().is_some_and(|id| !id.is_empty()));
    let journal = std::fs::read_to_string(home.journals()[0].join("journal.jsonl")).unwrap();
    for event in ["service_principal_created", "azure_key_created", "role_assigned", "key_registered", "attached"] {
        assert!(journal.contains(&format!("\"event\":\"{event}\"")), "{event} journalled:\n{journal}");
    }

    let again = home.setup(true, "azure", ATTACH);
    assert_eq!(again.code, 0, "{again:?}");
    let doc = again.json();
    for action in ["consent_service_principal", "assign_azure_role", "register_key", "attach"] {
        assert_eq!(outcome(&doc, action), "unchanged", "{action}: {again:?}");
    }
    assert!(doc["steps"].as_array().unwrap().iter().all(|s| s["action"] != "create_azure_key"), "{again:?}");
    assert_eq!(doc["azure"]["key"]["exists"], true);
    assert_eq!(doc["azure"]["key"]["kid"], kid.as_str(), "the same key");
    // Nothing to attach: the key is validated by a call of its own.
    assert_eq!(outcome(&doc, "validate"), "done", "{again:?}");
}

/// Runs setup in text mode on a scenario, calling `on_line` with each stderr line as it comes.
fn watch_setup(
    home: &SandboxHome,
    scenario: &str,
    args: &[&str],
    mut on_line: impl FnMut(&str, u32),
) -> (Run, std::time::Duration) {
    use std::io::{BufRead, BufReader, Read};
    let started = std::time::Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .env("NO_COLOR", "1")
        .arg(format!("--sandbox={scenario}"))
        .args(["setup", "--non-interactive", "--provider", "azure"])
        .args(args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cmek");
    let pid = child.id();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut text = String::new();
        let _ = stdout.read_to_string(&mut text);
        text
    });
    let mut stderr = String::new();
    for line in BufReader::new(child.stderr.take().unwrap()).lines() {
        let line = line.unwrap_or_default();
        on_line(&line, pid);
        stderr.push_str(&line);
        stderr.push('\n');
    }
    let status = child.wait().unwrap();
    let run = Run { code: status.code().unwrap_or(-1), stdout: reader.join().unwrap(), stderr };
    (run, started.elapsed())
}

#[test]
fn validation_waits_visibly_while_the_role_assignment_propagates_then_succeeds() {
    let home = SandboxHome::new();
    let (r, _) =
        watch_setup(&home, "azure-propagation-delay", &[ATTACH, &["--azure-rbac-wait", "2m"]].concat(), |_, _| {});
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.stderr.contains("ForbiddenByRbac") && r.stderr.contains("retrying in"), "the wait is shown: {r:?}");
    assert!(r.stdout.contains("validated after"), "{r:?}");
    assert!(r.stdout.contains("attached to"), "{r:?}");
    let journal = std::fs::read_to_string(home.journals()[0].join("journal.jsonl")).unwrap();
    assert!(journal.matches("\"event\":\"validation_attempt\"").count() >= 2, "{journal}");
}

#[test]
fn ctrl_c_stops_the_wait_and_the_run_still_reports() {
    let home = SandboxHome::new();
    let mut sent = false;
    let (r, took) = watch_setup(&home, "azure-propagation-delay", ATTACH, |line, pid| {
        if !sent && line.contains("Ctrl-C stops waiting") {
            sent = true;
            let _ = Command::new("kill").args(["-INT", &pid.to_string()]).status();
        }
    });
    assert!(sent, "the wait was shown: {r:?}");
    assert_eq!(r.code, 130, "stopped by the person, not a key that failed validation: {r:?}");
    assert!(r.stdout.contains("was stopped after") && r.stdout.contains("may still be propagating"), "{r:?}");
    // The attach was the validation being waited for: it did not happen, and no verdict on the
    // key was reached, so none is reported or remembered.
    assert!(r.stdout.contains("the workspace stays unattached"), "{r:?}");
    assert!(!r.stdout.contains("attached to    wrkspc_"), "{r:?}");
    assert!(!r.stdout.contains("validation     failure") && !r.stdout.contains("validation failed"), "{r:?}");
    assert!(took < std::time::Duration::from_secs(15), "stopped promptly: {took:?}");
    let journal = std::fs::read_to_string(home.journals()[0].join("journal.jsonl")).unwrap();
    assert!(journal.contains("validation_wait_stopped"), "{journal}");
    assert!(!journal.contains("attach_validation_failed") && !journal.contains("\"event\":\"validated\""), "{journal}");

    // The same in JSON, where nothing is printed while it waits: stopped once the journal shows
    // the first refused attempt (it waits 20 s for the role), the run is interrupted, with no
    // validation verdict.
    let home = SandboxHome::new();
    let child = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .env("XDG_STATE_HOME", home.path().join("state"))
        .args(["--sandbox=azure-propagation-delay", "--output", "json", "setup", "--non-interactive"])
        .args(["--provider", "azure"])
        .args(ATTACH)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("run cmek");
    let waiting = || {
        home.journals().iter().any(|dir| {
            std::fs::read_to_string(dir.join("journal.jsonl")).is_ok_and(|j| j.contains("\"validation_attempt\""))
        })
    };
    let started = std::time::Instant::now();
    while !waiting() {
        assert!(started.elapsed() < std::time::Duration::from_secs(60), "the wait never started");
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let _ = Command::new("kill").args(["-INT", &child.id().to_string()]).status();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(130), "{stdout}");
    let doc: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(doc["status"], "interrupted", "{stdout}");
    assert_eq!(doc["validation"], Value::Null, "{stdout}");
}

#[test]
fn no_wait_allowed_fails_at_once_and_says_the_role_may_still_be_propagating() {
    let home = SandboxHome::new();
    let (r, _) =
        watch_setup(&home, "azure-propagation-delay", &[ATTACH, &["--azure-rbac-wait", "0"]].concat(), |_, _| {});
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stdout.contains("ForbiddenByRbac") && r.stdout.contains("--azure-rbac-wait"), "{r:?}");
    assert!(!r.stderr.contains("retrying in"), "{r:?}");
}

/// `--output json` setup on a scenario (fresh state each time).
fn scenario(scenario: &'static str, args: &[&str]) -> Run {
    SandboxHome::with_scenario(scenario).setup(true, "azure", args)
}

#[test]
fn the_firewall_gets_anthropics_range_and_loses_the_retired_address_keeping_the_customers() {
    let r = scenario("azure-firewall-missing-range", ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let doc = r.json();
    assert_eq!(outcome(&doc, "update_vault_network"), "done", "{r:?}");
    let detail = step(&doc, "update_vault_network")["outcome"]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("160.79.104.0/21") && !detail.contains("34.162."), "{detail}");
    assert!(detail.contains("previous settings are saved in"), "{detail}");
    assert_eq!(doc["status"], "attached", "{r:?}");
}

#[test]
fn public_access_is_turned_on_only_when_approved() {
    let r = scenario("azure-public-access-disabled", ATTACH);
    assert_ne!(r.code, 0, "{r:?}");
    let r = scenario("azure-public-access-disabled", &[ATTACH, &["--azure-allow-public-access"]].concat());
    assert_eq!(r.code, 0, "{r:?}");
    let doc = r.json();
    let detail = step(&doc, "update_vault_network")["outcome"]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("public access Enabled") && detail.contains("default action Deny"), "{detail}");
}

#[test]
fn purge_protection_needs_the_vaults_name_and_then_is_turned_on() {
    let r = scenario("azure-purge-protection-off", ATTACH);
    let doc = r.json();
    assert_eq!(outcome(&doc, "enable_purge_protection"), "gated", "{r:?}");
    // The attach the script confirmed did not happen: exit 1, and the document says why.
    assert_eq!(r.code, 1, "{r:?}");
    assert_eq!(doc["status"], "attach_held", "{r:?}");
    assert_eq!(doc["attached_to"], Value::Null);
    assert!(doc["attach_held"].as_str().unwrap().contains("--confirm-purge-protection cmek-sandbox"), "{r:?}");
    assert_eq!(doc["changed"], true);
    let confirmed = [ATTACH, &["--confirm-purge-protection", "cmek-sandbox"]].concat();
    let r = scenario("azure-purge-protection-off", &confirmed);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(outcome(&r.json(), "enable_purge_protection"), "done", "{r:?}");
}

#[test]
fn missing_tags_are_merged_and_a_role_at_the_wrong_scope_gets_one_at_the_key() {
    let r = scenario("azure-tag-missing", ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let detail = step(&r.json(), "merge_azure_key_tags")["outcome"]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("carries 4 tags, none dropped"), "{detail}");
    let r = scenario("azure-role-wrong-scope", ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(outcome(&r.json(), "assign_azure_role"), "done", "{r:?}");
}

#[test]
fn consent_without_a_directory_role_is_an_auth_error_naming_the_roles() {
    let r = scenario("azure-sp-missing", ATTACH);
    assert_eq!(r.code, 3, "{r:?}");
    let doc = r.json();
    assert_eq!(outcome(&doc, "consent_service_principal"), "failed", "{r:?}");
    assert_eq!(doc["changed"], false, "{r:?}");
    let error = doc["error"].to_string();
    assert!(
        error.contains("Authorization_RequestDenied") && error.contains("Cloud Application Administrator"),
        "{error}"
    );

    // With a key still to create: its look-up runs beside the consent, but its create waits for
    // it, so no key is left behind (its name would stay taken while soft-deleted) and the report
    // says nothing changed.
    let r = scenario("azure-sp-missing", &[ATTACH, &["--azure-key", "not-yet-made"]].concat());
    assert_eq!(r.code, 3, "{r:?}");
    let doc = r.json();
    assert_eq!(outcome(&doc, "consent_service_principal"), "failed", "{r:?}");
    assert_eq!(outcome(&doc, "create_azure_key"), "failed", "{r:?}");
    let create = step(&doc, "create_azure_key")["outcome"]["error"].as_str().unwrap_or_default().to_string();
    assert!(create.contains("was not done") && create.contains("nothing was written"), "{create}");
    assert_eq!(doc["changed"], false, "{r:?}");
    let error = doc["error"].to_string();
    assert!(
        error.contains("Authorization_RequestDenied") && error.contains("Cloud Application Administrator"),
        "{error}"
    );
}

/// The ids of the checks that failed and block the run.
fn blocking_ids(doc: &Value) -> Vec<String> {
    doc["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail" && c["blocking"] == true)
        .map(|c| c["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn broken_vaults_and_keys_stop_the_run_before_any_change_with_their_catalogue_id() {
    for (name, id) in [
        ("azure-access-policy", "AZ-01"),
        ("azure-key-too-small", "AZ-09"),
        ("azure-wrong-ops", "AZ-09"),
        ("azure-key-expired", "AZ-11"),
        ("azure-key-deleted", "AZ-12"),
        ("azure-tenant-mismatch", "AZ-13"),
    ] {
        let r = scenario(name, ATTACH);
        assert_eq!(r.code, 1, "{name}: {r:?}");
        let doc = r.json();
        assert_eq!(doc["mode"], "plan", "{name}: stopped at the plan: {r:?}");
        assert!(blocking_ids(&doc).contains(&id.to_string()), "{name} blocks with {id}: {r:?}");
        let fix =
            doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == id && c["status"] == "fail").unwrap()["fix"]
                .to_string();
        assert!(["az ", "--azure-", "curl "].iter().any(|c| fix.contains(c)), "{name}: the fix is a command: {fix}");
    }
}

/// Rewrites the sandbox state's Azure vaults (the state file is the sandbox's own JSON).
fn edit_vaults(home: &SandboxHome, change: impl FnOnce(&mut Vec<Value>)) {
    let path = home.state_file();
    let mut state: Value = serde_json::from_str(&state_text(&path)).unwrap();
    let vaults = state["azure"]["vaults"].as_array_mut().expect("the state lists Azure vaults");
    change(vaults);
    std::fs::write(&path, serde_json::to_string_pretty(&state).unwrap()).unwrap();
}

#[test]
fn the_vault_is_the_only_one_in_reach_or_the_one_named_and_several_need_a_choice() {
    let home = SandboxHome::new();
    assert_eq!(home.setup(true, "azure", &["--plan"]).code, 0, "the state file is written");
    edit_vaults(&home, |vaults| {
        let mut second = vaults[0].clone();
        second["name"] = Value::from("cmek-second");
        vaults.push(second);
    });
    let r = home.setup(false, "azure", &["--plan"]);
    assert_eq!(r.code, 2, "{r:?}");
    for needed in [
        "2 Key Vaults",
        "cmek-sandbox (https://cmek-sandbox.vault.azure.net)",
        "cmek-second (https://cmek-second.vault.azure.net)",
        "--azure-vault",
    ] {
        assert!(r.stderr.contains(needed), "{needed}: {r:?}");
    }
    for choice in ["cmek-second", "https://cmek-second.vault.azure.net"] {
        let r = home.setup(true, "azure", &["--plan", "--azure-vault", choice]);
        assert_eq!(r.code, 0, "{choice}: {r:?}");
        assert_eq!(r.json()["azure"]["vault"]["name"], "cmek-second", "{choice}");
    }
    let id = home.setup(true, "azure", &["--plan", "--azure-vault", "cmek-sandbox"]).json()["azure"]["vault"]["id"]
        .as_str()
        .unwrap()
        .replace("/vaults/cmek-sandbox", "/vaults/cmek-second");
    let r = home.setup(true, "azure", &["--plan", "--azure-vault", &id]);
    assert_eq!(r.json()["azure"]["vault"]["id"], id.as_str(), "{r:?}");
    let r = home.setup(false, "azure", &["--plan", "--azure-vault", "cmek-third"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("cmek-third") && r.stderr.contains("vaults in reach: cmek-sandbox"), "{r:?}");

    edit_vaults(&home, Vec::clear);
    let r = home.setup(false, "azure", &["--plan"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("no Key Vault is visible to the signed-in identity in subscription"), "{r:?}");
}

mod engine_level {
    //! The engine's network step against the in-process sandbox: the previous settings are saved
    //! before a write, and a vault whose settings changed after planning is not written to.

    use cmek::engine::azure::AzureRuntime;
    use cmek::engine::journal::Journal;
    use cmek::engine::{self, Cancel, Services};
    use cmek::platform::auth::Credential;
    use cmek::platform::{Client, ClientConfig};
    use cmek::providers::azure::AzureProvider;
    use cmek_core::plan::azure::AzureAnswers;
    use cmek_core::plan::{self, SetupAnswers, StepState};
    use cmek_core::run::events::{Discard, StepOutcome};
    use cmek_sandbox::azure::VAULT_NAME;
    use cmek_sandbox::{Sandbox, SandboxOptions, scenarios};

    const RANGE: &str = "160.79.104.0/21";

    async fn sandbox_without_anthropics_range() -> Sandbox {
        let options = SandboxOptions::new(scenarios::find("default").unwrap());
        let sb = Sandbox::start(options).await.unwrap();
        sb.azure.with_state(|s| s.vault_mut(VAULT_NAME).unwrap().network_acls.ip_rules.retain(|r| r != RANGE));
        sb
    }

    fn services(sb: &Sandbox) -> Services {
        let ep = sb.endpoints().unwrap();
        let platform = Client::new(ClientConfig::new(ep.base_url.clone(), Credential::AdminKey(ep.admin_key.clone())));
        let azure = AzureProvider::connect(&cmek::cli::azure::sandbox_settings(&ep.azure), &|_| None).unwrap();
        Services {
            platform: platform.unwrap(),
            cloud: std::sync::Arc::new(AzureRuntime::new(azure)),
            cancel: Cancel::new(),
        }
    }

    fn answers() -> SetupAnswers {
        SetupAnswers::new(AzureAnswers::default())
    }

    fn network_outcome(plan: &plan::Plan, report: &cmek_core::run::RunReport) -> StepOutcome {
        let i = plan.steps.iter().position(|s| s.action.kind() == "update_vault_network").expect("a network step");
        report.outcomes[i].clone()
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_network_step_saves_the_previous_settings_then_adds_the_range() {
        let sb = sandbox_without_anthropics_range().await;
        let services = services(&sb);
        let answers = answers();
        let facts = engine::gather(&services, &answers, &mut Discard).await.unwrap();
        let plan = plan::build(&answers, &facts).unwrap();
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal::create(tmp.path(), "setup").unwrap();
        let report = engine::apply(&services, &facts, &plan, &journal, &mut Discard).await;
        let StepOutcome::Done { detail } = network_outcome(&plan, &report) else { panic!("{:?}", report.outcomes) };
        assert!(detail.contains(RANGE), "{detail}");
        let backup = std::fs::read_to_string(journal.dir().join(format!("vault-network-backup-{VAULT_NAME}.json")))
            .expect("the previous settings are saved");
        assert!(!backup.contains(RANGE) && backup.contains("ip_rules"), "{backup}");
        let rules = sb.azure.state().vault(VAULT_NAME).unwrap().network_acls.ip_rules.clone();
        assert!(rules.iter().any(|r| r == RANGE), "{rules:?}");
        let lines = std::fs::read_to_string(journal.dir().join("journal.jsonl")).unwrap();
        assert!(lines.contains("\"event\":\"vault_network_updated\""), "{lines}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_vault_whose_network_changed_after_planning_is_not_written_to() {
        let sb = sandbox_without_anthropics_range().await;
        let services = services(&sb);
        let answers = answers();
        let facts = engine::gather(&services, &answers, &mut Discard).await.unwrap();
        let plan = plan::build(&answers, &facts).unwrap();
        assert!(plan.steps.iter().any(|s| s.action.kind() == "update_vault_network" && s.state == StepState::Planned));
        // Someone changes the firewall between the plan and the apply.
        sb.azure.with_state(|s| {
            s.vault_mut(VAULT_NAME).unwrap().network_acls.ip_rules.push("198.51.100.0/24".into());
        });
        let tmp = tempfile::tempdir().unwrap();
        let journal = Journal::create(tmp.path(), "setup").unwrap();
        let report = engine::apply(&services, &facts, &plan, &journal, &mut Discard).await;
        let StepOutcome::Failed { error } = network_outcome(&plan, &report) else { panic!("{:?}", report.outcomes) };
        assert!(error.contains("changed since they were inspected") && error.contains("198.51.100.0/24"), "{error}");
        let rules = sb.azure.state().vault(VAULT_NAME).unwrap().network_acls.ip_rules.clone();
        assert!(!rules.iter().any(|r| r == RANGE), "nothing was written: {rules:?}");
        assert!(report.failure.unwrap().hints[0].contains("re-run"));
    }
}

#[test]
fn a_platform_that_speaks_only_2023_06_01_still_waits_out_the_role_and_validates_before_the_attach() {
    // Its refusals carry no code, so an attach refused by validation looks like any refusal:
    // the key is validated (and the new role assignment waited out) by a call of its own first.
    let home = SandboxHome::with_scenario("platform-2023");
    let r = home.setup(true, "azure", ATTACH);
    assert_eq!(r.code, 0, "{r:?}");
    let doc = r.json();
    assert_eq!(doc["status"], "attached", "{r:?}");
    assert_eq!(doc["validation"]["success"], true, "{r:?}");
    // The plan says so: a validate step of its own before the attach.
    assert_eq!(outcome(&doc, "validate"), "done", "{r:?}");
    let detail = step(&doc, "validate")["outcome"]["detail"].as_str().unwrap();
    assert!(detail.contains("validated after"), "the default sandbox's 5 s propagation was waited out: {detail}");
    assert!(!step(&doc, "attach")["title"].as_str().unwrap_or_default().contains("validates the key"), "{r:?}");
    let journal = std::fs::read_to_string(home.journals()[0].join("journal.jsonl")).unwrap();
    assert!(journal.contains("\"event\":\"validated\""), "{journal}");
    assert!(journal.matches("\"event\":\"validation_attempt\"").count() >= 2, "{journal}");
}
