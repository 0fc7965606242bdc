//! Registration: exactly `{"type":"gcp","key_name":"projects/..."}`, a matching registration
//! reused, and a registration naming the key wrongly never updated (a GCP `key_name` cannot
//! change) but reported, with a new registration planned.

use super::*;
use crate::plan::{Action, Severity};

fn register_action(plan: &Plan) -> (&crate::plan::KeyTarget, &Option<String>, &String) {
    match &plan.step("register_key").unwrap().action {
        Action::RegisterKey { target, existing_id, display_name } => (target, existing_id, display_name),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_registered_config_is_the_key_name_and_nothing_else() {
    let plan = plan(sandbox());
    let (target, existing, display) = register_action(&plan);
    assert_eq!(target.name.as_deref(), Some(KEY_NAME));
    let config = serde_json::to_value(target.config.as_ref().unwrap()).unwrap();
    assert_eq!(config, serde_json::json!({"type": "gcp", "key_name": KEY_NAME}));
    assert_eq!(existing, &None);
    assert_eq!(display, "anthropic-cmek in key ring anthropic-cmek (Cloud KMS, us-central1)");
    assert_eq!(state(&plan, "register_key"), StepState::Planned);
    assert!(checks_with(&plan, "ANT-13").is_empty(), "nothing registered, nothing to compare");
}

#[test]
fn a_display_name_given_is_used() {
    let mut a = answers();
    a.display_name = Some("payments key".into());
    let plan = crate::plan::build(&a, &setup(sandbox(), None, Vec::new())).unwrap();
    assert_eq!(register_action(&plan).2, "payments key");
}

#[test]
fn an_exact_registration_is_reused() {
    let regs = vec![
        registration(
            "ekey_01other",
            "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/other",
            false,
        ),
        registration("ekey_01gcp", KEY_NAME, false),
    ];
    let plan = crate::plan::build(&answers(), &setup(converged(), None, regs)).unwrap();
    assert_eq!(register_action(&plan).1.as_deref(), Some("ekey_01gcp"));
    assert!(matches!(state(&plan, "register_key"), StepState::AlreadyDone(why) if why.contains("ekey_01gcp")));
    assert_eq!(checks_with(&plan, "ANT-13").len(), 1, "another key's registration is not this one's business");
    assert_eq!(checks_with(&plan, "ANT-13")[0].status, CheckStatus::Pass);
    assert!(!plan.changes_anything());
}

#[test]
fn a_registration_naming_a_version_is_never_updated_a_new_one_is_made() {
    let wrong = format!("{KEY_NAME}/cryptoKeyVersions/1");
    let plan =
        crate::plan::build(&answers(), &setup(converged(), None, vec![registration("ekey_01old", &wrong, false)]))
            .unwrap();
    let (target, existing, _) = register_action(&plan);
    assert_eq!(existing, &None, "key_name can never change: never reused or updated");
    assert_eq!(target.name.as_deref(), Some(KEY_NAME));
    assert_eq!(state(&plan, "register_key"), StepState::Planned);
    let c = not_passing(&plan, "ANT-13");
    assert_eq!((c.status, c.severity, c.blocking), (CheckStatus::Warn, Severity::High, false));
    assert!(c.observed.as_ref().unwrap().contains(&wrong) && c.observed.as_ref().unwrap().contains("anew"));
    assert!(
        c.fix
            .as_ref()
            .unwrap()
            .contains("curl -X DELETE https://api.anthropic.com/v1/organizations/external_keys/ekey_01old")
    );
    assert!(plan.step("remove_duplicate_registrations").is_none(), "a differently named one is not a duplicate");
}

#[test]
fn an_attached_misnamed_registration_is_only_reported() {
    let wrong = format!("//cloudkms.googleapis.com/{KEY_NAME}");
    let regs = vec![registration("ekey_01old", &wrong, true), registration("ekey_01gcp", KEY_NAME, false)];
    let plan = crate::plan::build(&answers(), &setup(converged(), None, regs)).unwrap();
    assert_eq!(register_action(&plan).1.as_deref(), Some("ekey_01gcp"));
    let c = not_passing(&plan, "ANT-13");
    assert!(c.observed.as_ref().unwrap().contains("ekey_01gcp registers it exactly"), "{:?}", c.observed);
    assert!(c.fix.as_ref().unwrap().contains("can never change"), "{:?}", c.fix);
}

#[test]
fn a_key_name_in_another_case_is_another_key() {
    let upper = KEY_NAME.replace("cryptoKeys/anthropic-cmek", "cryptoKeys/Anthropic-CMEK");
    let plan =
        crate::plan::build(&answers(), &setup(converged(), None, vec![registration("ekey_01up", &upper, false)]))
            .unwrap();
    assert!(checks_with(&plan, "ANT-13").is_empty(), "Cloud KMS ids are case-sensitive");
    assert_eq!(register_action(&plan).1, &None);
}
