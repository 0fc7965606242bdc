//! The plans a reviewer reads, snapshotted: a fresh project, an existing key missing its label
//! and one role, a binding only on the key ring, a multi-region key ring (blocked), a primary
//! scheduled for destruction (blocked), and a converged re-run.

use super::*;
use crate::model::gcp::{ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE, VersionState};
use crate::plan::Reversibility;

#[test]
fn a_new_key_in_a_fresh_project() {
    let facts = setup(sandbox(), Some(workspace()), Vec::new());
    let plan = crate::plan::build(&answers_for_production(), &facts).unwrap();
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert_eq!(kinds(&plan), ["create_key_ring", "create_key", "grant_anthropic", "register_key", "attach"]);
    for kind in ["create_key_ring", "create_key", "grant_anthropic", "register_key", "attach"] {
        assert_eq!(state(&plan, kind), StepState::Planned, "{kind}");
    }
    for kind in ["create_key_ring", "create_key"] {
        assert_eq!(plan.step(kind).unwrap().action.reversibility(), Reversibility::Permanent, "{kind}");
    }
    assert!(plan.step("create_key_ring").unwrap().action.title().contains("key rings cannot be deleted"));
    assert!(plan.step("create_key").unwrap().action.title().contains("keys cannot be deleted"));
    for id in ["GCP-06", "GCP-09"] {
        let c = not_passing(&plan, id);
        assert_eq!((c.status, c.before_plan), (CheckStatus::ToDo, Some(CheckStatus::Fail)), "{id}");
    }
    let propagation = plan.validation().flatten().cloned().unwrap();
    assert_eq!(propagation.grant, "IAM binding");
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn an_existing_key_missing_its_label_and_one_role() {
    let mut key = existing_key();
    key.iam_policy = key.iam_policy.map(|p| p.with_member(&[VIEWER_ROLE], ANTHROPIC));
    let plan = plan(with_key(key));
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert_eq!(kinds(&plan), ["create_key_ring", "merge_labels", "grant_anthropic", "register_key", "validate"]);
    assert!(matches!(state(&plan, "create_key_ring"), StepState::AlreadyDone(_)));
    assert_eq!(state(&plan, "merge_labels"), StepState::Planned);
    assert_eq!(grant_of(&plan).adds(), [ENCRYPTER_DECRYPTER_ROLE]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_binding_only_on_the_key_ring() {
    let mut f = with_key(good_key());
    f.key.as_mut().unwrap().iam_policy = Some(customer_policy());
    f.key_ring = Some(key_ring(vec![
        binding(ENCRYPTER_DECRYPTER_ROLE, &[ANTHROPIC, "group:kms-users@example.com"]),
        binding(VIEWER_ROLE, &[ANTHROPIC]),
    ]));
    let plan = plan(f);
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert_eq!(not_passing(&plan, "GCP-06").status, CheckStatus::ToDo);
    assert_eq!(grant_of(&plan).adds(), [ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_multi_region_key_ring_is_refused_before_any_change() {
    let plan = plan(in_location("us"));
    assert_eq!(blocking_ids(&plan), ["GCP-02"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_primary_scheduled_for_destruction_blocks() {
    let mut key = good_key();
    key.primary = Some(version(2, VersionState::DestroyScheduled));
    key.versions = vec![version(1, VersionState::Enabled), version(2, VersionState::DestroyScheduled)];
    let plan = plan(with_key(key));
    assert_eq!(blocking_ids(&plan), ["GCP-04"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_converged_rerun_changes_nothing() {
    let mut ws = workspace();
    ws.external_key_id = Some("ekey_01gcp".into());
    let facts = setup(converged(), Some(ws), vec![registration("ekey_01gcp", KEY_NAME, true)]);
    let plan = crate::plan::build(&answers_for_production(), &facts).unwrap();
    assert!(!plan.changes_anything(), "{}", describe(&plan));
    assert!(plan.checks.iter().all(|c| c.status == CheckStatus::Pass), "{}", describe(&plan));
    for s in plan.steps.iter().filter(|s| s.action.kind() != "validate") {
        assert!(matches!(s.state, StepState::AlreadyDone(_)), "{} is {:?}", s.action.kind(), s.state);
    }
}
