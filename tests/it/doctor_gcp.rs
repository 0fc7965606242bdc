//! `cmek doctor` on Google Cloud KMS through the real binary: every GCP scenario fails its catalogue
//! id (by cloud coordinates, or after setup registered the key and validation failed), and a key
//! set up by `cmek setup` is all green.

use super::doctor_support::World;

const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

#[test]
fn every_gcp_scenario_fails_its_catalogue_id() {
    for (scenario, key, id) in [
        ("gcp-api-disabled", KEY, "GCP-01"),
        (
            "gcp-multi-region",
            "projects/cmek-sandbox/locations/us/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek",
            "GCP-02",
        ),
        ("gcp-wrong-purpose", KEY, "GCP-03"),
        ("gcp-primary-disabled", KEY, "GCP-04"),
        ("gcp-destroy-scheduled", KEY, "GCP-04"),
        ("gcp-one-role", KEY, "GCP-06"),
        ("gcp-label-missing", KEY, "GCP-09"),
    ] {
        let r = World::new(scenario).doctor(true, &["--provider", "gcp", "--key", key]);
        assert_eq!(r.code, 1, "{scenario}: {r:?}");
        assert!(r.ids("fail").contains(&id.to_string()), "{scenario}: expected {id} among {:?}", r.ids("fail"));
        assert_eq!(r.json()["summary"]["root_cause"], id, "{scenario} leads with its cause: {r:?}");
    }
}

#[test]
fn a_grant_only_on_the_key_ring_is_the_wrong_scope() {
    let r = World::new("gcp-binding-at-keyring").doctor(true, &["--provider", "gcp", "--key", KEY]);
    let doc = r.json();
    let gcp06 = doc["findings"].as_array().unwrap().iter().find(|f| f["id"] == "GCP-06").cloned().unwrap();
    assert_eq!(gcp06["status"], "warn", "{gcp06}");
    assert!(gcp06["observed"].as_str().unwrap().contains("key ring"), "{gcp06}");
}

/// What only Anthropic's own calls meet (a perimeter, a deny policy) shows when validation fails:
/// setup registers the key, validation is refused, doctor maps the refusal.
#[test]
fn refusals_only_validation_meets_are_explained_from_its_text() {
    for (scenario, id) in [("gcp-vpc-sc", "GCP-08"), ("gcp-deny-policy", "GCP-06")] {
        let world = World::new(scenario);
        let setup = world.setup("gcp", &["--gcp-iam-wait", "0"]);
        assert_eq!(setup.code, 1, "{scenario}: validation fails: {setup:?}");
        let r = world.doctor(true, &[]);
        let doc = r.json();
        assert_eq!(doc["validation"]["status"], "failure", "{scenario}: {r:?}");
        let explained: Vec<String> = doc["validation"]["explained_by"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        assert!(explained.contains(&id.to_string()), "{scenario}: {id} explains it: {explained:?}\n{r:?}");
    }
}

#[test]
fn a_key_set_up_by_cmek_is_all_green() {
    let world = World::new("default");
    let setup = world.setup("gcp", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");
    let r = world.doctor(true, &["--workspace", "production"]);
    assert_eq!(r.code, 0, "{r:?}");
    assert!(r.ids("fail").is_empty() && r.ids("warn").is_empty() && r.ids("unknown").is_empty(), "{r:?}");
    let text = world.doctor(false, &["--workspace", "production"]);
    assert!(!text.stdout.contains('?') && !text.stdout.contains('✗'), "{}", text.stdout);

    // By cloud coordinates with no project named: the credential's project, as setup took it.
    let by_parts = world.doctor(true, &["--provider", "gcp", "--workspace", "production"]);
    assert_eq!(by_parts.code, 0, "{by_parts:?}");
    assert!(by_parts.ids("fail").is_empty() && by_parts.ids("unknown").is_empty(), "{by_parts:?}");
    assert!(by_parts.stdout.contains(KEY), "the key found in the sandbox's project: {by_parts:?}");
}
