//! Anthropic's access and the guards around it, one check at a time (bindings, look-alike
//! principals, deny policies, domain-restricted sharing, perimeters), then the inputs the planner
//! refuses and facts that must not make it panic.

use super::*;
use crate::model::gcp::{ENCRYPTER_DECRYPTER_ROLE, GcpBinding, GcpIamPolicy, VIEWER_ROLE, VersionState};
use crate::plan::{PlanError, Severity};

#[test]
fn both_bindings_on_the_key_pass_and_the_grant_is_already_done() {
    let plan = plan(converged());
    assert_eq!(checks_with(&plan, "GCP-06").len(), 1);
    assert_eq!(checks_with(&plan, "GCP-06")[0].status, CheckStatus::Pass);
    assert!(matches!(state(&plan, "grant_anthropic"), StepState::AlreadyDone(_)));
    let doc = plan.document.as_ref().unwrap();
    assert!(!doc.changes() && doc.diff.is_empty());
}

#[test]
fn a_missing_binding_is_to_do_and_fails_before_the_plan() {
    let mut key = good_key();
    key.iam_policy = Some(customer_policy().with_member(&[VIEWER_ROLE], ANTHROPIC));
    let plan = plan(with_key(key));
    let c = not_passing(&plan, "GCP-06");
    assert_eq!((c.status, c.status_now(), c.blocking), (CheckStatus::ToDo, CheckStatus::Fail, false));
    assert!(
        c.observed.as_ref().unwrap().contains("lacks cloudkms.cryptoKeyEncrypterDecrypter for"),
        "{:?}",
        c.observed
    );
    assert_eq!(
        c.fix.as_deref(),
        Some(
            format!(
                "gcloud kms keys add-iam-policy-binding anthropic-cmek --keyring anthropic-cmek --location us-central1 \
                 --project cmek-sandbox --member {ANTHROPIC} --role {ENCRYPTER_DECRYPTER_ROLE}"
            )
            .as_str()
        )
    );
    assert_eq!(grant_of(&plan).adds(), [ENCRYPTER_DECRYPTER_ROLE]);
    assert_eq!(state(&plan, "grant_anthropic"), StepState::Planned);
}

#[test]
fn grants_on_the_key_ring_or_project_are_reported_not_counted() {
    let mut f = with_key(existing_key());
    f.key.as_mut().unwrap().labels.insert(ORG_LABEL.into(), "true".into());
    f.key_ring =
        Some(key_ring(vec![binding(ENCRYPTER_DECRYPTER_ROLE, &[ANTHROPIC]), binding(VIEWER_ROLE, &[ANTHROPIC])]));
    let mut project = project_policy();
    project.bindings.push(binding(VIEWER_ROLE, &[ANTHROPIC]));
    f.project_iam_policy = Some(project);
    let plan = plan(f);
    let c = not_passing(&plan, "GCP-06");
    assert_eq!(c.status, CheckStatus::ToDo);
    let observed = c.observed.as_ref().unwrap();
    assert!(
        observed.contains("key ring anthropic-cmek grants cloudkms.cryptoKeyEncrypterDecrypter and cloudkms.viewer")
    );
    assert!(observed.contains("project cmek-sandbox grants cloudkms.viewer"));
    assert!(observed.contains("not counted"));
    assert_eq!(grant_of(&plan).adds(), [ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE]);
}

#[test]
fn a_conditional_binding_on_the_key_does_not_count() {
    let mut key = good_key();
    key.iam_policy = Some(GcpIamPolicy {
        version: 3,
        etag: ETAG.into(),
        bindings: vec![
            binding(ENCRYPTER_DECRYPTER_ROLE, &[ANTHROPIC]),
            GcpBinding {
                role: VIEWER_ROLE.into(),
                members: vec![ANTHROPIC.into()],
                condition: Some(serde_json::json!({"expression": "request.time < timestamp('2027-01-01T00:00:00Z')"})),
            },
        ],
    });
    let plan = plan(with_key(key));
    let c = not_passing(&plan, "GCP-06");
    assert!(c.observed.as_ref().unwrap().contains("conditional binding of cloudkms.viewer"), "{:?}", c.observed);
    let after = &grant_of(&plan).after;
    assert_eq!(after.bindings.len(), 3, "the conditional binding stays; an unconditional one is added");
    assert!(after.grants(VIEWER_ROLE, ANTHROPIC));
}

#[test]
fn an_unreadable_key_policy_blocks_before_a_blind_write() {
    let mut key = good_key();
    key.iam_policy = None;
    let plan = plan(with_key(key));
    assert_eq!(blocking_ids(&plan), ["GCP-06"]);
    let fix = not_passing(&plan, "GCP-06").fix.clone().unwrap();
    assert!(fix.contains("roles/cloudkms.admin") && fix.contains(&format!("--member {CALLER}")), "{fix}");
    assert!(plan.document.is_none());
    assert_eq!(plan.document_name, Some("Key IAM policy"));
}

#[test]
fn a_look_alike_anthropic_principal_is_named() {
    let mut key = good_key();
    let policy = key.iam_policy.as_mut().unwrap();
    policy.bindings.push(binding(
        ENCRYPTER_DECRYPTER_ROLE,
        &["serviceAccount:anthropic-cmek-client@some-other-project.iam.gserviceaccount.com", "user:ops@anthropic.com"],
    ));
    policy
        .bindings
        .push(binding(VIEWER_ROLE, &["serviceAccount:anthropic-reporting@cmek-sandbox.iam.gserviceaccount.com"]));
    let plan = plan(with_key(key));
    let found = checks_with(&plan, "ANT-11");
    assert_eq!(found.len(), 2, "{}", describe(&plan));
    assert!(found.iter().all(|c| c.status == CheckStatus::Warn && c.severity == Severity::Critical && !c.blocking));
    assert!(found[0].fix.as_ref().unwrap().contains("remove-iam-policy-binding"));
}

#[test]
fn a_deny_policy_is_reported() {
    let mut f = converged();
    f.deny_policy = Some("deny policy cmek-guard denies cloudkms.googleapis.com/cryptoKeyVersions.useToEncrypt".into());
    let plan = plan(f);
    let c = not_passing(&plan, "GCP-06");
    assert_eq!((c.status, c.blocking), (CheckStatus::Warn, false));
    assert!(c.fix.as_ref().unwrap().contains("exceptionPrincipals"));
    // The deny policy overrides the binding: validation is not retried for minutes as if the
    // binding were still propagating.
    assert_eq!(plan.validation(), Some(None), "{}", describe(&plan));
    assert!(matches!(super::plan(converged()).validation(), Some(Some(_))), "without one, the wait stays");
}

#[test]
fn domain_restricted_sharing_blocks_a_planned_grant_and_warns_otherwise() {
    let seen = "constraints/iam.allowedPolicyMemberDomains is enforced on project cmek-sandbox";
    let mut fresh = sandbox();
    fresh.domain_restriction = Some(seen.into());
    let plan_fresh = plan(fresh);
    assert_eq!(blocking_ids(&plan_fresh), ["GCP-07"], "the permanent key ring must not be made for nothing");
    assert!(not_passing(&plan_fresh, "GCP-07").fix.as_ref().unwrap().contains("iam.managed.allowedPolicyMembers"));
    let mut done = converged();
    done.domain_restriction = Some(seen.into());
    let plan_done = plan(done);
    assert!(blocking_ids(&plan_done).is_empty());
    assert_eq!(not_passing(&plan_done, "GCP-07").status, CheckStatus::Warn);
}

#[test]
fn a_vpc_service_controls_perimeter_blocks() {
    let mut f = sandbox();
    f.vpc_service_controls = Some("SECURITY_POLICY_VIOLATED (vpcServiceControlsUniqueIdentifier: 4ZVVb1e2)".into());
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["GCP-08"]);
    assert!(not_passing(&plan, "GCP-08").fix.as_ref().unwrap().contains("ingress"));
}

#[test]
fn answers_about_another_key_are_refused() {
    let f = sandbox();
    let other = GcpKeyName { key: "other".into(), ..key_name() };
    let a = SetupAnswers::new(GcpAnswers { key: Some(other), ..GcpAnswers::default() });
    let err = crate::plan::build(&a, &setup(f, None, Vec::new())).unwrap_err();
    assert!(matches!(&err, PlanError::Cloud { message, .. } if message.contains("nothing was changed")), "{err}");
    // Answers without a key (the project came from the environment) plan the facts' key.
    let plain = SetupAnswers::new(GcpAnswers::default());
    assert!(crate::plan::build(&plain, &setup(sandbox(), None, Vec::new())).is_ok());
}

#[test]
fn another_clouds_answers_are_a_provider_mismatch() {
    let a = SetupAnswers::new(crate::plan::azure::AzureAnswers::default());
    let err = crate::plan::build(&a, &setup(sandbox(), None, Vec::new())).unwrap_err();
    assert!(matches!(err, PlanError::ProviderMismatch { .. }), "{err}");
}

#[test]
fn the_outcome_names_the_key_once_it_exists() {
    use crate::plan::CloudFacts;
    assert_eq!(sandbox().outcome().key(), None);
    let outcome = converged().outcome();
    assert_eq!(outcome.key().as_deref(), Some(KEY_NAME));
    assert_eq!(outcome.key_label(), "Cloud KMS key");
    let journal = converged().journal();
    assert!(journal.iter().any(|(k, v)| *k == "gcp_key" && v == KEY_NAME));
}

#[test]
fn odd_facts_never_panic() {
    let mut key = good_key();
    key.purpose = String::new();
    key.algorithm = None;
    key.protection_level = Some(String::new());
    key.primary = Some(crate::model::gcp::GcpVersionFacts {
        name: String::new(),
        state: VersionState::Other,
        state_name: "IMPORT_FAILED".into(),
        destroy_time: Some("not a time".into()),
    });
    key.versions = vec![crate::model::gcp::GcpVersionFacts {
        name: "no-slash".into(),
        state: VersionState::DestroyScheduled,
        state_name: "DESTROY_SCHEDULED".into(),
        destroy_time: Some("yesterday".into()),
    }];
    key.rotation_period = Some("ninety days".into());
    key.destroy_scheduled_duration = Some("99999999999999999999999s".into());
    key.labels = (0..200).map(|i| (format!("k{i}"), "v".to_string())).collect();
    key.iam_policy = Some(GcpIamPolicy {
        version: -1,
        etag: String::new(),
        bindings: vec![GcpBinding {
            role: String::new(),
            members: vec![String::new(), ":".into(), "@".into()],
            condition: None,
        }],
    });
    let plan = plan(with_key(key));
    assert!(!plan.blocking_failures().is_empty());
    let _ = describe(&plan);
}
