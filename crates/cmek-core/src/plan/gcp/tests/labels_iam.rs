//! The two writes that must keep what the customer has: the label merge (every label kept, 64 at
//! most) and the IAM grant (every binding, member and condition kept; no duplicate member; a
//! stale etag recomputed from what is there now).

use std::collections::BTreeMap;

use super::*;
use crate::model::gcp::{ENCRYPTER_DECRYPTER_ROLE, GcpIamPolicy, VIEWER_ROLE};
use crate::plan::gcp::{ANTHROPIC_ROLES, LabelError, MAX_LABELS, merge_labels};
use crate::plan::{DocumentChange, Reversibility};
use crate::policy::diff::LineChange;

fn labels(n: usize) -> BTreeMap<String, String> {
    (0..n).map(|i| (format!("label-{i:02}"), format!("v{i}"))).collect()
}

fn org_label() -> BTreeMap<String, String> {
    BTreeMap::from([(ORG_LABEL.to_string(), "true".to_string())])
}

#[test]
fn merging_keeps_every_customer_label_and_replaces_only_the_org_value() {
    let mut existing = labels(3);
    existing.insert(ORG_LABEL.into(), "false".into());
    let merged = merge_labels(&existing, &org_label()).unwrap();
    assert_eq!(merged.len(), 4);
    for (k, v) in labels(3) {
        assert_eq!(merged.get(&k), Some(&v));
    }
    assert_eq!(merged.get(ORG_LABEL).map(String::as_str), Some("true"));
}

#[test]
fn sixty_four_labels_are_the_limit() {
    assert_eq!(merge_labels(&labels(MAX_LABELS - 1), &org_label()).unwrap().len(), MAX_LABELS);
    let err = merge_labels(&labels(MAX_LABELS), &org_label()).unwrap_err();
    assert_eq!(err, LabelError::TooMany { adding: ORG_LABEL.into(), existing: 64, would_have: 65, excess: 1 });
    assert!(err.to_string().contains("Google Cloud allows 64: remove 1 unused label first"), "{err}");
    // A key already at 64 that carries the label with another value is still writable.
    let mut full = labels(MAX_LABELS - 1);
    full.insert(ORG_LABEL.into(), "false".into());
    assert_eq!(merge_labels(&full, &org_label()).unwrap().len(), MAX_LABELS);
}

#[test]
fn the_plan_merges_the_label_into_the_full_map() {
    let plan = plan(with_key(existing_key()));
    let c = not_passing(&plan, "GCP-09");
    assert_eq!((c.status, c.status_now()), (CheckStatus::ToDo, CheckStatus::Fail));
    assert!(c.observed.as_ref().unwrap().contains("its labels: cost-center=4711, team=payments"));
    assert!(c.fix.as_ref().unwrap().contains(&format!("--update-labels={ORG_LABEL}=true")));
    match step_of(&plan, "merge_labels") {
        GcpStep::MergeLabels { add, labels, kept, .. } => {
            assert_eq!(add, &org_label());
            assert_eq!(*kept, 2);
            assert_eq!(
                labels,
                &BTreeMap::from([
                    ("cost-center".to_string(), "4711".to_string()),
                    ("team".to_string(), "payments".to_string()),
                    (ORG_LABEL.to_string(), "true".to_string()),
                ]),
                "the PATCH replaces the whole map, so it carries every label"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(plan.step("merge_labels").unwrap().action.reversibility(), Reversibility::Reversible);
}

#[test]
fn a_key_with_sixty_four_other_labels_blocks_with_a_clear_error() {
    let mut key = good_key();
    key.labels = labels(MAX_LABELS);
    let plan = plan(with_key(key));
    assert_eq!(blocking_ids(&plan), ["GCP-09"]);
    let c = not_passing(&plan, "GCP-09");
    assert!(c.observed.as_ref().unwrap().contains("would give it 65, and Google Cloud allows 64"), "{:?}", c.observed);
    assert!(c.fix.as_ref().unwrap().contains("--remove-labels"));
    assert!(matches!(state(&plan, "merge_labels"), StepState::Gated(why) if why.contains("64")));
}

#[test]
fn a_labelled_key_needs_no_merge() {
    let plan = plan(converged());
    assert_eq!(checks_with(&plan, "GCP-09")[0].status, CheckStatus::Pass);
    assert!(matches!(state(&plan, "merge_labels"), StepState::AlreadyDone(_)));
}

#[test]
fn the_grant_keeps_every_binding_member_and_condition() {
    let plan = plan(with_key(existing_key()));
    let grant = grant_of(&plan);
    let before = customer_policy();
    assert_eq!(grant.before.as_ref(), Some(&before));
    assert_eq!(grant.member, ANTHROPIC);
    assert_eq!(grant.roles, ANTHROPIC_ROLES.map(String::from));
    assert_eq!(grant.after.etag, ETAG, "the write is guarded by the etag read");
    assert_eq!(grant.after.version, 3, "version 3 so the condition survives the write");
    for b in &before.bindings {
        for m in &b.members {
            assert!(
                grant
                    .after
                    .bindings
                    .iter()
                    .any(|a| a.role == b.role && a.condition == b.condition && a.members.contains(m)),
                "{m} in {} was dropped",
                b.role
            );
        }
    }
    assert!(grant.after.grants(ENCRYPTER_DECRYPTER_ROLE, ANTHROPIC) && grant.after.grants(VIEWER_ROLE, ANTHROPIC));
    // The conditional viewer binding is left alone: Anthropic gets its own unconditional one.
    assert_eq!(grant.after.bindings[1], before.bindings[1]);
    assert_eq!(plan.step("grant_anthropic").unwrap().action.reversibility(), Reversibility::Reversible);
}

#[test]
fn granting_twice_adds_no_duplicate_member() {
    let plan = plan(with_key(existing_key()));
    let grant = grant_of(&plan);
    assert_eq!(grant.desired(&grant.after), None, "nothing left to write");
    let once = grant.desired(&customer_policy()).unwrap();
    let twice = once.with_member(&ANTHROPIC_ROLES, ANTHROPIC);
    assert_eq!(once, twice);
    for b in &once.bindings {
        assert!(b.members.iter().filter(|m| *m == ANTHROPIC).count() <= 1, "{b:?}");
    }
    let holding: usize = once.bindings.iter().filter(|b| b.members.iter().any(|m| m == ANTHROPIC)).count();
    assert_eq!(holding, 2, "one binding per role");
}

#[test]
fn a_stale_etag_is_recomputed_from_the_policy_read_again() {
    let plan = plan(with_key(existing_key()));
    let grant = grant_of(&plan);
    // Someone changed the policy after inspection: a new binding and a new etag.
    let mut now = customer_policy();
    now.etag = "BwYnewer000=".into();
    now.bindings.push(binding("roles/cloudkms.admin", &["group:kms-admins@example.com"]));
    let desired = grant.desired(&now).unwrap();
    assert_eq!(desired.etag, "BwYnewer000=");
    assert!(desired.bindings.iter().any(|b| b.role == "roles/cloudkms.admin"), "the concurrent change is kept");
    assert!(desired.grants(ENCRYPTER_DECRYPTER_ROLE, ANTHROPIC) && desired.grants(VIEWER_ROLE, ANTHROPIC));
    // Someone else already granted both: nothing to write.
    let granted = now.with_member(&ANTHROPIC_ROLES, ANTHROPIC);
    assert_eq!(grant.desired(&granted), None);
}

#[test]
fn the_document_shows_only_anthropics_lines_added() {
    let plan = plan(with_key(existing_key()));
    let doc = plan.document.as_ref().unwrap();
    assert_eq!(doc.name, "Key IAM policy");
    assert_eq!(doc.change, DocumentChange::Changes);
    // JSON's commas aside, no line of the customer's policy goes away.
    let lines =
        |change| doc.diff.lines.iter().filter(move |l| l.change == change).map(|l| l.text.trim_end_matches(','));
    for removed in lines(LineChange::Removed) {
        assert!(lines(LineChange::Added).any(|a| a == removed), "{removed} removed:\n{}", doc.diff.to_unified());
    }
    let added: Vec<&str> =
        doc.diff.lines.iter().filter(|l| l.change == LineChange::Added).map(|l| l.text.trim()).collect();
    assert!(added.iter().any(|l| l.contains(ANTHROPIC)), "{added:?}");
    assert!(!doc.after.contains("etag"), "the etag is not part of what a reviewer reads");
    assert_eq!(doc.after, grant_of(&plan).after.render());
}

#[test]
fn a_new_keys_policy_is_all_new() {
    let plan = plan(sandbox());
    let doc = plan.document.as_ref().unwrap();
    assert_eq!(doc.change, DocumentChange::New);
    assert!(doc.diff.lines.iter().all(|l| l.change == LineChange::Added));
    let grant = grant_of(&plan);
    assert!(grant.before.is_none(), "the engine reads the new key's policy (and its etag) first");
    assert_eq!(grant.desired(&GcpIamPolicy::default()).as_ref(), Some(&grant.after));
}
