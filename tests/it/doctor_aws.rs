//! `cmek --sandbox=<scenario> doctor` on AWS: each scenario's catalogue id fails, the exit code
//! says so, validation errors are explained, a healthy key passes, and doctor changes nothing.

use super::doctor_support::World;

const ALIAS: &[&str] = &["--provider", "aws", "--key", "alias/anthropic-cmek"];

/// Doctor on the key the scenario seeded under alias/anthropic-cmek (cloud coordinates).
fn failing(scenario: &str, extra: &[&str]) -> Vec<String> {
    let world = World::new(scenario);
    let args: Vec<&str> = ALIAS.iter().chain(extra).copied().collect();
    let r = world.doctor(true, &args);
    assert_eq!(r.code, 1, "{scenario}: a high or critical failure exits 1: {r:?}");
    r.ids("fail")
}

#[test]
fn every_aws_scenario_fails_its_catalogue_id() {
    for (scenario, extra, id) in [
        ("console-wizard", &[][..], "AWS-08"),
        ("missing-org-condition", &[], "AWS-07"),
        ("placeholder", &[], "ANT-04"),
        ("workspace-not-pinned", &["--workspace", "production"], "ANT-05"),
        ("disabled-key", &[], "AWS-01"),
        ("pending-deletion", &[], "AWS-02"),
        ("multi-region", &[], "AWS-04"),
    ] {
        let ids = failing(scenario, extra);
        assert!(ids.contains(&id.to_string()), "{scenario}: expected {id} among {ids:?}");
    }
}

#[test]
fn the_pinned_staging_workspace_itself_passes_ant_05() {
    let world = World::new("workspace-not-pinned");
    let args: Vec<&str> = ALIAS.iter().chain(&["--workspace", "staging"]).copied().collect();
    let r = world.doctor(true, &args);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.ids("pass").contains(&"ANT-05".to_string()), "{r:?}");
}

#[test]
fn an_rcp_denial_is_explained_by_aws_12_from_the_validation_text() {
    let world = World::new("rcp-deny");
    let setup = world.setup("aws", &[]);
    assert_eq!(setup.code, 1, "setup registers the key, then validation fails: {setup:?}");
    let r = world.doctor(true, &[]);
    assert_eq!(r.code, 1, "{r:?}");
    let doc = r.json();
    assert_eq!(doc["validation"]["status"], "failure", "{r:?}");
    assert_eq!(doc["validation"]["explained_by"][0], "AWS-12");
    let rcp = doc["findings"].as_array().unwrap().iter().find(|f| f["id"] == "AWS-12").unwrap().clone();
    assert_eq!(rcp["status"], "fail");
    assert_eq!(rcp["explains_validation"], true);
    assert_eq!(doc["summary"]["explains_validation"][0], "AWS-12");

    let text = world.doctor(false, &[]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("AWS-12") && text.stdout.contains("explains the validation failure"), "{text:?}");
}

#[test]
fn a_healthy_key_after_setup_passes_and_doctor_changes_nothing() {
    let world = World::new("default");
    let setup = world.setup("aws", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let before = world.state_without_validation();
    let admin_key = world.admin_key();

    // No selector: the only registered key; its attached workspace is checked too.
    let r = world.doctor(true, &[]);
    assert_eq!(r.code, 0, "{r:?}");
    assert_eq!(r.ids("fail"), Vec::<String>::new(), "{r:?}");
    let doc = r.json();
    assert_eq!(doc["schema"], "cmek.doctor/v1");
    assert_eq!(doc["target"]["selector"], "external_key");
    assert_eq!(doc["target"]["provider"], "aws");
    assert!(doc["target"]["workspace"].as_str().unwrap().starts_with("production"), "{doc}");
    assert_eq!(doc["validation"]["status"], "success");
    assert_eq!(doc["summary"]["fail"], 0);
    assert_eq!((doc["healthy"].clone(), doc["exit_code"].clone()), (true.into(), 0.into()));
    for f in doc["findings"].as_array().unwrap() {
        for key in ["id", "severity", "status", "group", "title", "observed", "expected", "why", "fix", "terraform"] {
            assert!(f.get(key).is_some(), "{key} missing: {f}");
        }
        assert!(["pass", "info", "warn", "fail", "unknown"].contains(&f["status"].as_str().unwrap()), "{f}");
    }
    for id in ["AWS-01", "AWS-03", "AWS-04", "ANT-05", "ANT-06", "ANT-13", "AWS-12"] {
        assert!(r.ids("pass").contains(&id.to_string()), "{id} passes: {r:?}");
    }

    let verbose = world.doctor(false, &["-v"]);
    assert_eq!(verbose.code, 0, "{verbose:?}");
    assert!(verbose.stdout.contains("✓ key policy"), "{verbose:?}");
    assert!(verbose.stdout.contains("✓ AWS-01 [critical] key is enabled"), "-v lists passing findings: {verbose:?}");
    assert!(verbose.stdout.contains("0 failed"), "{verbose:?}");

    let by_id =
        world.doctor(true, &["--external-key", doc["target"]["external_key_id"].as_str().unwrap(), "--no-validate"]);
    assert_eq!(by_id.code, 0, "{by_id:?}");
    assert!(by_id.ids("info").contains(&"ANT-06".to_string()), "--no-validate leaves ANT-06 a note, not an alarm");
    assert!(by_id.json()["validation"].is_null(), "no validation, no validation object: {by_id:?}");

    // A workspace selects the key attached to it; one without a key needs the key named.
    let by_workspace = world.doctor(true, &["--workspace", "production", "--no-validate"]);
    assert_eq!(by_workspace.code, 0, "{by_workspace:?}");
    assert_eq!(by_workspace.json()["target"]["selector"], "workspace");
    assert_eq!(by_workspace.json()["target"]["external_key_id"], doc["target"]["external_key_id"]);
    let unattached = world.doctor(false, &["--workspace", "staging"]);
    assert_eq!(unattached.code, 2, "{unattached:?}");
    assert!(unattached.stderr.contains("staging") && unattached.stderr.contains("--external-key"), "{unattached:?}");

    assert_eq!(world.state_without_validation(), before, "doctor changed the sandbox's state");
    for run in [&r, &verbose, &by_id, &by_workspace, &unattached] {
        assert!(!run.stdout.contains(&admin_key) && !run.stderr.contains(&admin_key), "the admin key leaked: {run:?}");
    }
}

#[test]
fn selectors_that_name_nothing_are_usage_errors() {
    let world = World::new("default");
    let r = world.doctor(false, &[]);
    assert_eq!(r.code, 2, "nothing registered, nothing named: {r:?}");
    assert!(r.stderr.contains("--provider aws --key"), "{r:?}");

    let r = world.doctor(false, &["--external-key", "ekey_nope"]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("ekey_nope"), "{r:?}");

    let r = world.doctor(false, &["--key", "alias/anthropic-cmek", "--azure-vault", "cmek-sandbox"]);
    assert_eq!(r.code, 2, "{r:?}");

    let r = world.doctor(false, &["--key", "arn:aws:kms:us-east-2:111122223333:key/x", "--region", "us-west-2"]);
    assert_eq!(r.code, 2, "{r:?}");
}

#[test]
fn several_registered_keys_are_listed_and_one_must_be_chosen() {
    let world = World::new("default");
    assert_eq!(world.setup("aws", &[]).code, 0);
    assert_eq!(world.setup("azure", &[]).code, 0, "a second, Azure key");
    let r = world.doctor(false, &[]);
    assert_eq!(r.code, 2, "{r:?}");
    assert!(r.stderr.contains("2 external keys are registered") && r.stderr.contains("--external-key"), "{r:?}");
}
