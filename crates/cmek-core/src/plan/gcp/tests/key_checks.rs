//! The project and key checks one at a time (API, location, purpose, protection, versions,
//! rotation): each status it can have, with the values it names and the fix it gives.

use super::*;
use crate::model::gcp::VersionState;
use crate::plan::Severity;
use crate::plan::gcp::{Protection, ROTATION_PERIOD_SECS};

const FLAGS: &str = "--key anthropic-cmek --keyring anthropic-cmek --location us-central1 --project cmek-sandbox";

#[test]
fn a_disabled_api_blocks_before_anything_and_proposes_no_cloud_step() {
    let mut f = sandbox();
    f.api_disabled = Some("Cloud Key Management Service (KMS) API has not been used in project cmek-sandbox".into());
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["GCP-01"]);
    let c = not_passing(&plan, "GCP-01");
    assert!(c.observed.as_ref().unwrap().contains("SERVICE_DISABLED"));
    assert_eq!(
        c.fix.as_deref(),
        Some("gcloud services enable cloudkms.googleapis.com --project cmek-sandbox (billing must be on), then re-run")
    );
    assert_eq!(kinds(&plan), ["validate"], "nothing can be known, so nothing is proposed");
    assert_eq!(plan.document_name, Some("Key IAM policy"));
}

#[test]
fn the_api_on_passes() {
    let plan = plan(sandbox());
    assert_eq!(checks_with(&plan, "GCP-01")[0].status, CheckStatus::Pass);
}

#[test]
fn only_one_us_region_is_accepted_and_the_refusal_comes_first() {
    for good in ["us-central1", "us-east5", "us-west1"] {
        let plan = plan(in_location(good));
        assert_eq!(checks_with(&plan, "GCP-02")[0].status, CheckStatus::Pass, "{good}");
    }
    for (bad, why) in [
        ("us", "multi-region"),
        ("global", "multi-region"),
        ("nam4", "multi-region"),
        ("europe-west1", "outside the US"),
        ("northamerica-northeast1", "outside the US"),
    ] {
        let plan = plan(in_location(bad));
        assert_eq!(blocking_ids(&plan), ["GCP-02"], "{bad}");
        let c = not_passing(&plan, "GCP-02");
        assert!(c.observed.as_ref().unwrap().contains(why), "{bad}: {:?}", c.observed);
        let fix = c.fix.as_ref().unwrap();
        assert!(fix.contains("us-central1 or us-east5"), "{fix}");
        assert!(
            fix.contains(
                "--key projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek"
            ),
            "{fix}"
        );
        assert!(
            fix.contains("gcloud kms keyrings create anthropic-cmek --location us-central1 --project cmek-sandbox")
        );
        // Checked before any change: the first checks, and the run stops on them.
        assert!(plan.checks.iter().take(2).any(|c| c.id == "GCP-02"));
        assert_eq!(state(&plan, "create_key_ring"), StepState::Planned, "shown, never applied: the plan is blocked");
    }
}

#[test]
fn an_existing_key_in_a_multi_region_is_refused_too() {
    let mut f = with_key(good_key());
    f.key_name = GcpKeyName { location: "us".into(), ..key_name() };
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["GCP-02"]);
    assert!(not_passing(&plan, "GCP-02").observed.as_ref().unwrap().contains("is in us"));
}

#[test]
fn a_key_for_another_purpose_needs_a_new_key() {
    for (purpose, algorithm) in [("ASYMMETRIC_DECRYPT", "RSA_DECRYPT_OAEP_3072_SHA256"), ("MAC", "HMAC_SHA256")] {
        let mut key = good_key();
        key.purpose = purpose.into();
        key.algorithm = Some(algorithm.into());
        let plan = plan(with_key(key));
        assert_eq!(blocking_ids(&plan), ["GCP-03"]);
        let c = not_passing(&plan, "GCP-03");
        assert!(c.observed.as_ref().unwrap().contains(purpose) && c.observed.as_ref().unwrap().contains(algorithm));
        assert!(c.fix.as_ref().unwrap().contains("--gcp-key <new id>"), "{:?}", c.fix);
    }
}

#[test]
fn protection_levels_hsm_and_software_pass_external_is_refused() {
    let level = |l: Option<&str>| {
        let mut key = good_key();
        key.protection_level = l.map(str::to_string);
        plan(with_key(key))
    };
    let hsm = level(Some("HSM"));
    assert!(checks_with(&hsm, "GCP-03").iter().all(|c| c.status == CheckStatus::Pass));
    let software = level(Some("SOFTWARE"));
    let notes: Vec<&str> = checks_with(&software, "GCP-03").iter().map(|c| c.title.as_str()).collect();
    assert!(checks_with(&software, "GCP-03").iter().all(|c| c.status == CheckStatus::Pass));
    assert!(notes.iter().any(|t| t.contains("SOFTWARE") && t.contains("accepted") && t.contains("HSM is recommended")));
    for external in ["EXTERNAL", "EXTERNAL_VPC"] {
        let plan = level(Some(external));
        assert_eq!(blocking_ids(&plan), ["GCP-03"], "{external}");
        assert!(not_passing(&plan, "GCP-03").fix.as_ref().unwrap().contains("--gcp-key <new id>"));
    }
    let unknown = level(None);
    let c = not_passing(&unknown, "GCP-03");
    assert_eq!((c.status, c.blocking), (CheckStatus::Warn, false));
}

#[test]
fn a_new_key_is_created_with_the_asked_protection_and_rotation() {
    let f = sandbox();
    let mut a = answers_for(&f);
    gcp(&mut a).protection = Protection::Software;
    let plan = crate::plan::build(&a, &setup(f, None, Vec::new())).unwrap();
    match step_of(&plan, "create_key") {
        GcpStep::CreateKey { protection, rotation_period_secs, labels, key } => {
            assert_eq!(*protection, Protection::Software);
            assert_eq!(*rotation_period_secs, ROTATION_PERIOD_SECS);
            assert_eq!(crate::plan::gcp::duration_text(*rotation_period_secs), "7776000s");
            assert_eq!(labels.get(ORG_LABEL).map(String::as_str), Some("true"));
            assert_eq!(labels.len(), 1);
            assert_eq!(key.to_string(), KEY_NAME);
        }
        other => panic!("{other:?}"),
    }
    assert!(checks_with(&plan, "GCP-03").iter().any(|c| c.status == CheckStatus::Pass && c.title.contains("SOFTWARE")));
    let rotation = checks_with(&plan, "GCP-11")[0];
    assert_eq!(rotation.status, CheckStatus::Pass);
    assert!(rotation.title.contains("90 days"));
}

fn with_primary(state: VersionState) -> Plan {
    let mut key = good_key();
    key.primary = Some(version(2, state));
    key.versions = vec![version(1, VersionState::Enabled), version(2, state)];
    plan(with_key(key))
}

#[test]
fn an_enabled_primary_passes() {
    let plan = with_primary(VersionState::Enabled);
    assert!(checks_with(&plan, "GCP-04").iter().all(|c| c.status == CheckStatus::Pass), "{}", describe(&plan));
}

#[test]
fn a_disabled_primary_is_enabled_by_hand() {
    let plan = with_primary(VersionState::Disabled);
    assert_eq!(blocking_ids(&plan), ["GCP-04"]);
    let c = not_passing(&plan, "GCP-04");
    assert_eq!(c.severity, Severity::Critical);
    assert_eq!(c.fix.as_deref(), Some(format!("gcloud kms keys versions enable 2 {FLAGS}").as_str()));
}

#[test]
fn a_primary_scheduled_for_destruction_is_restored_then_enabled_and_the_date_is_said() {
    let plan = with_primary(VersionState::DestroyScheduled);
    assert_eq!(blocking_ids(&plan), ["GCP-04"]);
    let c = not_passing(&plan, "GCP-04");
    assert!(c.observed.as_ref().unwrap().contains("destroyed for good on 2026-12-22 09:00 UTC"), "{:?}", c.observed);
    let fix = c.fix.as_ref().unwrap();
    assert!(
        fix.starts_with(&format!(
            "gcloud kms keys versions restore 2 {FLAGS} && gcloud kms keys versions enable 2 {FLAGS}"
        )),
        "{fix}"
    );
}

#[test]
fn a_destroyed_primary_needs_a_new_key() {
    let plan = with_primary(VersionState::Destroyed);
    assert_eq!(blocking_ids(&plan), ["GCP-04"]);
    assert!(not_passing(&plan, "GCP-04").fix.as_ref().unwrap().contains("--gcp-key <new id>"));
}

#[test]
fn a_primary_still_generating_or_missing_blocks() {
    let pending = with_primary(VersionState::PendingGeneration);
    assert_eq!(blocking_ids(&pending), ["GCP-04"]);
    assert!(not_passing(&pending, "GCP-04").fix.as_ref().unwrap().contains("re-run"));
    let mut key = good_key();
    key.primary = None;
    let plan = plan(with_key(key));
    assert_eq!(blocking_ids(&plan), ["GCP-04"]);
    assert!(not_passing(&plan, "GCP-04").fix.as_ref().unwrap().contains("versions create"));
}

#[test]
fn older_versions_disabled_or_scheduled_warn_and_nothing_is_ever_destroyed() {
    let mut key = good_key();
    key.primary = Some(version(4, VersionState::Enabled));
    key.versions = vec![
        version(1, VersionState::Destroyed),
        version(2, VersionState::Disabled),
        version(3, VersionState::DestroyScheduled),
        version(4, VersionState::Enabled),
    ];
    let plan = plan(with_key(key));
    assert!(blocking_ids(&plan).is_empty(), "{}", describe(&plan));
    let gcp05 = checks_with(&plan, "GCP-05");
    assert_eq!(gcp05.len(), 2);
    let recoverable = gcp05.iter().find(|c| c.severity == Severity::Critical).unwrap();
    assert_eq!(recoverable.status, CheckStatus::Warn);
    let observed = recoverable.observed.as_ref().unwrap();
    assert!(observed.contains("version 2 is DISABLED") && observed.contains("version 3 is scheduled"), "{observed}");
    let fix = recoverable.fix.as_ref().unwrap();
    assert!(fix.contains(&format!("gcloud kms keys versions enable 2 {FLAGS}")), "{fix}");
    assert!(fix.contains(&format!("gcloud kms keys versions restore 3 {FLAGS}")), "{fix}");
    let gone = gcp05.iter().find(|c| c.severity == Severity::Medium).unwrap();
    assert!(gone.observed.as_ref().unwrap().contains("version 1 is DESTROYED"));
    for c in &plan.checks {
        assert!(!c.fix.as_deref().unwrap_or_default().contains("versions destroy"), "{c:?}");
    }
}

#[test]
fn older_versions_enabled_pass() {
    let mut key = good_key();
    key.primary = Some(version(2, VersionState::Enabled));
    key.versions = vec![version(1, VersionState::Enabled), version(2, VersionState::Enabled)];
    let plan = plan(with_key(key));
    assert_eq!(checks_with(&plan, "GCP-05").len(), 1);
    assert_eq!(checks_with(&plan, "GCP-05")[0].status, CheckStatus::Pass);
}

#[test]
fn the_destroy_window_is_said_and_a_short_one_warns() {
    let window = |d: Option<&str>| {
        let mut key = good_key();
        key.destroy_scheduled_duration = d.map(str::to_string);
        let plan = plan(with_key(key));
        checks_with(&plan, "GCP-04").into_iter().find(|c| c.severity != Severity::Critical).cloned().unwrap()
    };
    let default = window(Some("2592000s"));
    assert_eq!((default.status, default.severity), (CheckStatus::Pass, Severity::Info));
    assert!(default.title.contains("30 days"), "{}", default.title);
    let short = window(Some("86400s"));
    assert_eq!((short.status, short.severity, short.blocking), (CheckStatus::Warn, Severity::Low, false));
    assert!(short.observed.as_ref().unwrap().contains("only 1 day"), "{:?}", short.observed);
    for odd in [None, Some("soon"), Some("s"), Some("-5s")] {
        assert_eq!(window(odd).status, CheckStatus::Pass, "{odd:?}");
    }
}

#[test]
fn no_rotation_is_advised_not_changed() {
    let mut key = good_key();
    key.rotation_period = None;
    let plan = plan(with_key(key));
    let c = not_passing(&plan, "GCP-11");
    assert_eq!((c.status, c.severity, c.blocking), (CheckStatus::Warn, Severity::Low, false));
    assert!(c.fix.as_ref().unwrap().contains(
        "gcloud kms keys update anthropic-cmek --keyring anthropic-cmek --location us-central1 --project cmek-sandbox \
         --rotation-period 90d"
    ));
    let cloud_steps = plan.steps.iter().filter(|s| s.action.cloud_step::<GcpStep>().is_some());
    assert!(cloud_steps.clone().all(|s| matches!(s.state, StepState::AlreadyDone(_))), "{}", describe(&plan));
}
