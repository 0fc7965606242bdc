//! The GCP rules on representative facts, through the whole report (ranking, validation mapping,
//! catalogue texts): which ids fail, which stay unknown, what the fixes say. The complete reports
//! of a few telling keys are snapshots.

use std::collections::BTreeMap;

use super::{GcpDoctorFacts, GcpKeyLookup, KmsApi};
use crate::doctor::{
    CloudDiagnosis, DoctorFacts, Finding, Report, Status, Target, Validation, ValidationFacts, evaluate,
};
use crate::model::OrgUuid;
use crate::model::gcp::{
    ENCRYPTER_DECRYPTER_ROLE, GcpBinding, GcpIamPolicy, GcpKeyConfig, GcpKeyFacts, GcpKeyName, GcpKeyRingFacts,
    GcpVersionFacts, VIEWER_ROLE, VersionState, org_label_key,
};
use crate::plan::{RegisteredKey, Severity};

const KEY: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";
const ORG: &str = "8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
const ANTHROPIC: &str = "serviceAccount:anthropic-cmek-client-us@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";
const DESTROY_TIME: &str = "2026-12-22T09:00:00Z";
const DENIED: &str = "PERMISSION_DENIED: Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource \
                      'projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek' \
                      (or it may not exist).";
const PERIMETER: &str = "PERMISSION_DENIED: Request is prohibited by organization's policy. \
                         vpcServiceControlsUniqueIdentifier: 8yKvB2cYzQ9w [reason: SECURITY_POLICY_VIOLATED]";

fn org() -> OrgUuid {
    ORG.parse().unwrap()
}

fn name() -> GcpKeyName {
    GcpKeyName::parse(KEY).unwrap()
}

fn version(n: u32, state: VersionState, destroy_time: Option<&str>) -> GcpVersionFacts {
    let state_name = match state {
        VersionState::Enabled => "ENABLED",
        VersionState::Disabled => "DISABLED",
        VersionState::DestroyScheduled => "DESTROY_SCHEDULED",
        VersionState::Destroyed => "DESTROYED",
        VersionState::PendingGeneration => "PENDING_GENERATION",
        VersionState::Other => "IMPORT_FAILED",
    };
    GcpVersionFacts {
        name: format!("{KEY}/cryptoKeyVersions/{n}"),
        state,
        state_name: state_name.into(),
        destroy_time: destroy_time.map(str::to_string),
    }
}

fn binding(role: &str, members: &[&str]) -> GcpBinding {
    GcpBinding { role: role.into(), members: members.iter().map(|m| m.to_string()).collect(), condition: None }
}

fn policy(bindings: Vec<GcpBinding>) -> GcpIamPolicy {
    GcpIamPolicy { version: 3, etag: "BwYk1a2b3c4=".into(), bindings }
}

/// What the guide asks for: HSM, enabled, labelled, rotating, both bindings beside the customer's.
fn healthy_key() -> GcpKeyFacts {
    GcpKeyFacts {
        name: KEY.into(),
        purpose: "ENCRYPT_DECRYPT".into(),
        protection_level: Some("HSM".into()),
        algorithm: Some("GOOGLE_SYMMETRIC_ENCRYPTION".into()),
        primary: Some(version(2, VersionState::Enabled, None)),
        versions: vec![version(1, VersionState::Enabled, None), version(2, VersionState::Enabled, None)],
        labels: BTreeMap::from([(org_label_key(&org()), "true".to_string()), ("team".into(), "payments".into())]),
        rotation_period: Some("7776000s".into()),
        next_rotation_time: Some("2027-03-01T00:00:00Z".into()),
        destroy_scheduled_duration: Some("2592000s".into()),
        iam_policy: Some(policy(vec![
            binding("roles/cloudkms.admin", &["group:kms-admins@example.com"]),
            binding(ENCRYPTER_DECRYPTER_ROLE, &["user:ada@example.com", ANTHROPIC]),
            binding(VIEWER_ROLE, &[ANTHROPIC]),
        ])),
    }
}

/// The key as created in the console with nothing done for Anthropic: SOFTWARE, no label, no
/// rotation, only the customer's binding.
fn bare_key() -> GcpKeyFacts {
    GcpKeyFacts {
        protection_level: Some("SOFTWARE".into()),
        labels: BTreeMap::new(),
        rotation_period: None,
        next_rotation_time: None,
        iam_policy: Some(policy(vec![binding("roles/cloudkms.admin", &["group:kms-admins@example.com"])])),
        ..healthy_key()
    }
}

fn lookup(key: Option<GcpKeyFacts>) -> GcpKeyLookup {
    GcpKeyLookup {
        api: KmsApi::Enabled,
        key_ring: Ok(Some(GcpKeyRingFacts { name: name().key_ring_name(), iam_policy: Some(policy(Vec::new())) })),
        crypto_key: Ok(key),
        project_policy: Ok(policy(vec![binding("roles/owner", &["user:ada@example.com"])])),
        ..GcpKeyLookup::new(name())
    }
}

fn registered(key_name: &str, attached: bool) -> RegisteredKey {
    RegisteredKey {
        id: "ekey_01gcp".into(),
        display_name: None,
        attached,
        config: GcpKeyConfig { key_name: key_name.into() }.to_config(),
        attached_compartments: Vec::new(),
    }
}

fn facts(gcp: GcpDoctorFacts, validation: ValidationFacts) -> DoctorFacts {
    let reg = registered(KEY, true);
    DoctorFacts {
        target: Target { selector: "external_key", external_key_id: Some(reg.id.clone()), ..Target::default() },
        org: Ok(org()),
        platform_auth_refused: false,
        cmek_not_enabled: None,
        registered: Some(reg.clone()),
        all_registered: vec![reg],
        workspace: None,
        validation,
        cloud: CloudDiagnosis::Inspected(Box::new(gcp)),
    }
}

fn report(l: GcpKeyLookup, validation: ValidationFacts) -> Report {
    evaluate(&facts(GcpDoctorFacts::read(l), validation))
}

fn passed() -> ValidationFacts {
    ValidationFacts::Done(Validation { ok: true, error: None })
}

fn failed(error: &str) -> ValidationFacts {
    ValidationFacts::Done(Validation { ok: false, error: Some(error.into()) })
}

fn not_run() -> ValidationFacts {
    ValidationFacts::NotRun("--no-validate".into())
}

fn ids(report: &Report, status: Status) -> Vec<&'static str> {
    let mut ids: Vec<&str> = report.findings.iter().filter(|f| f.status == status).map(|f| f.id).collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The one finding `id` with `status`.
fn finding<'a>(report: &'a Report, id: &str, status: Status) -> &'a Finding {
    let found: Vec<&Finding> = report.findings.iter().filter(|f| f.id == id && f.status == status).collect();
    assert_eq!(found.len(), 1, "{id} {status:?} in {:#?}", report.findings);
    found[0]
}

#[test]
fn a_healthy_validated_key_passes_with_the_audit_logs_as_a_note() {
    let r = report(lookup(Some(healthy_key())), passed());
    assert_eq!(ids(&r, Status::Fail), Vec::<&str>::new(), "{r:#?}");
    assert_eq!(ids(&r, Status::Warn), Vec::<&str>::new());
    assert_eq!(ids(&r, Status::Unknown), Vec::<&str>::new(), "a healthy key is all green");
    assert_eq!(ids(&r, Status::Info), ["GCP-10"], "the audit logs are a note: doctor cannot read them");
    let pass = ids(&r, Status::Pass);
    for id in [
        "GCP-01", "GCP-02", "GCP-03", "GCP-04", "GCP-05", "GCP-06", "GCP-07", "GCP-08", "GCP-09", "GCP-11", "ANT-11",
        "ANT-12", "ANT-13",
    ] {
        assert!(pass.contains(&id), "{id} passes: {pass:?}");
    }
    let audit = finding(&r, "GCP-10", Status::Info);
    assert!(audit.fix.as_deref().unwrap().contains("gcloud projects get-iam-policy cmek-sandbox --format=json"));
    assert_eq!(r.exit_code(), 0);
    insta::assert_json_snapshot!("healthy", r);
}

#[test]
fn nothing_done_for_anthropic_fails_the_bindings_and_label_and_the_validation_points_at_the_grant() {
    let r = report(lookup(Some(bare_key())), failed(DENIED));
    assert_eq!(ids(&r, Status::Fail), ["ANT-06", "GCP-06", "GCP-09"], "{r:#?}");
    let grant = finding(&r, "GCP-06", Status::Fail);
    assert!(grant.explains_validation);
    let fix = grant.fix.as_deref().unwrap();
    assert!(fix.starts_with(&format!("cmek setup --provider gcp --key {KEY}")), "{fix}");
    for role in [ENCRYPTER_DECRYPTER_ROLE, VIEWER_ROLE] {
        assert!(
            fix.contains(&format!(
                "gcloud kms keys add-iam-policy-binding anthropic-cmek --keyring anthropic-cmek --location \
                 us-central1 --project cmek-sandbox --member {ANTHROPIC} --role {role}"
            )),
            "{fix}"
        );
    }
    assert!(grant.terraform.as_deref().unwrap().contains("google_kms_crypto_key_iam_member"));
    let label = finding(&r, "GCP-09", Status::Fail);
    assert!(label.fix.as_deref().unwrap().contains(&format!("--update-labels={}=true", org_label_key(&org()))));
    assert_eq!(finding(&r, "GCP-11", Status::Warn).severity, Severity::Low);
    assert!(finding(&r, "GCP-03", Status::Info).observed.as_deref().unwrap().contains("HSM is recommended"));
    assert_eq!(r.findings[0].id, "GCP-06", "the explaining cause leads");
    assert_eq!(r.exit_code(), 1);
    insta::assert_json_snapshot!("nothing_done", r);
}

#[test]
fn a_refusal_with_both_bindings_in_place_is_a_wait_not_a_missing_grant() {
    let r = report(lookup(Some(healthy_key())), failed(DENIED));
    let grant = finding(&r, "GCP-06", Status::Warn);
    assert!(grant.explains_validation, "{grant:?}");
    assert!(
        grant
            .fix
            .as_deref()
            .unwrap()
            .contains("--attachment-point=cloudresourcemanager.googleapis.com/projects/cmek-sandbox")
    );
    assert!(!r.findings.iter().any(|f| f.id == "GCP-06" && f.status == Status::Pass), "the verdict replaces the pass");
}

#[test]
fn bindings_only_on_the_ring_or_project_are_the_wrong_scope_and_conditional_ones_do_not_count() {
    let mut key = healthy_key();
    key.iam_policy = Some(policy(vec![GcpBinding {
        condition: Some(
            serde_json::json!({"title": "office hours", "expression": "request.time.getHours('UTC') < 18"}),
        ),
        ..binding(ENCRYPTER_DECRYPTER_ROLE, &[ANTHROPIC])
    }]));
    let mut l = lookup(Some(key));
    l.key_ring = Ok(Some(GcpKeyRingFacts {
        name: name().key_ring_name(),
        iam_policy: Some(policy(vec![binding(ENCRYPTER_DECRYPTER_ROLE, &[ANTHROPIC])])),
    }));
    l.project_policy = Ok(policy(vec![binding(VIEWER_ROLE, &[ANTHROPIC])]));
    let r = report(l.clone(), not_run());
    let scope = finding(&r, "GCP-06", Status::Warn);
    let observed = scope.observed.as_deref().unwrap();
    assert!(
        observed.contains(
            "roles/cloudkms.cryptoKeyEncrypterDecrypter is bound on key ring anthropic-cmek instead of the key (the \
             wrong scope)"
        ),
        "{observed}"
    );
    assert!(observed.contains("its binding on the key has a condition, which does not count"), "{observed}");
    assert!(
        observed.contains("roles/cloudkms.viewer is bound on project cmek-sandbox instead of the key"),
        "{observed}"
    );
    assert_eq!(r.exit_code(), 0, "inherited grants work: reported, not fatal");

    l.project_policy = Ok(policy(Vec::new()));
    let r = report(l, not_run());
    let missing = finding(&r, "GCP-06", Status::Fail);
    assert!(missing.observed.as_deref().unwrap().contains("roles/cloudkms.viewer is not bound on the key"));
}

#[test]
fn an_anthropic_looking_member_that_is_not_the_published_one_is_ant_11() {
    let mut key = healthy_key();
    let odd = "serviceAccount:anthropic-cmek-client@gcp-anthropic-cmek-clients.iam.gserviceaccount.com";
    key.iam_policy.as_mut().unwrap().bindings.push(binding(ENCRYPTER_DECRYPTER_ROLE, &[odd]));
    key.iam_policy
        .as_mut()
        .unwrap()
        .bindings
        .push(binding(VIEWER_ROLE, &["serviceAccount:anthropic-app@acme.iam.gserviceaccount.com"]));
    let r = report(lookup(Some(key)), not_run());
    let f = finding(&r, "ANT-11", Status::Fail);
    assert_eq!(f.severity, Severity::Critical);
    assert!(f.observed.as_deref().unwrap().contains(odd), "{f:?}");
    assert!(!f.observed.as_deref().unwrap().contains("anthropic-app@acme"), "a customer's own account is not flagged");
    assert!(f.fix.as_deref().unwrap().contains("gcloud kms keys remove-iam-policy-binding anthropic-cmek"));
}

#[test]
fn unusable_versions_are_critical_with_the_command_and_the_date_they_become_permanent() {
    let mut key = healthy_key();
    key.primary = Some(version(3, VersionState::DestroyScheduled, Some(DESTROY_TIME)));
    key.versions = vec![
        version(1, VersionState::Destroyed, None),
        version(2, VersionState::Disabled, None),
        version(3, VersionState::DestroyScheduled, Some(DESTROY_TIME)),
    ];
    let r = report(
        lookup(Some(key)),
        failed(&format!(
            "FAILED_PRECONDITION: {KEY}/cryptoKeyVersions/3 is not enabled, current state is: DESTROY_SCHEDULED."
        )),
    );
    let primary = finding(&r, "GCP-04", Status::Fail);
    assert_eq!(primary.severity, Severity::Critical);
    assert!(primary.explains_validation);
    assert!(primary.observed.as_deref().unwrap().contains("it becomes permanent on 2026-12-22T09:00:00Z"));
    assert!(primary.fix.as_deref().unwrap().starts_with("gcloud kms keys versions restore 3 --key anthropic-cmek"));
    let older = finding(&r, "GCP-05", Status::Fail);
    let observed = older.observed.as_deref().unwrap();
    assert!(observed.contains("version 2 is DISABLED") && observed.contains("version 1 is DESTROYED"), "{observed}");
    assert_eq!(
        older.fix.as_deref(),
        Some(
            "gcloud kms keys versions enable 2 --key anthropic-cmek --keyring anthropic-cmek --location us-central1 \
             --project cmek-sandbox"
        )
    );
    assert_eq!(r.findings[0].id, "GCP-04");
    insta::assert_json_snapshot!("unusable_versions", r);
}

#[test]
fn a_disabled_older_version_named_by_validation_is_gcp_05_and_a_destroyed_one_alone_is_a_warning() {
    let mut key = healthy_key();
    key.versions[0] = version(1, VersionState::Disabled, None);
    let text = format!("FAILED_PRECONDITION: {KEY}/cryptoKeyVersions/1 is not enabled, current state is: DISABLED.");
    let r = report(lookup(Some(key.clone())), failed(&text));
    assert!(finding(&r, "GCP-05", Status::Fail).explains_validation);
    assert!(r.findings.iter().filter(|f| f.id == "GCP-04").all(|f| f.status == Status::Pass));

    key.versions[0] = version(1, VersionState::Destroyed, None);
    let r = report(lookup(Some(key)), not_run());
    assert!(finding(&r, "GCP-05", Status::Warn).observed.as_deref().unwrap().contains("version 1 is DESTROYED"));

    let mut none = healthy_key();
    none.primary = None;
    none.versions = vec![version(1, VersionState::Disabled, None)];
    let r = report(lookup(Some(none)), not_run());
    assert!(
        finding(&r, "GCP-04", Status::Fail)
            .fix
            .as_deref()
            .unwrap()
            .contains("gcloud kms keys versions create --key anthropic-cmek")
    );
}

#[test]
fn a_multi_region_or_foreign_location_is_gcp_02_with_ant_12_after_it() {
    for (location, says) in [("us", "multi-region"), ("europe-west1", "outside the US")] {
        let mut l = lookup(Some(healthy_key()));
        l.key = GcpKeyName::new("cmek-sandbox", location, "anthropic-cmek", "anthropic-cmek").unwrap();
        let r = report(l, not_run());
        let f = finding(&r, "GCP-02", Status::Fail);
        assert!(f.observed.as_deref().unwrap().contains(says), "{f:?}");
        assert!(f.fix.as_deref().unwrap().contains("locations/us-central1/keyRings/anthropic-cmek"), "{f:?}");
        let ant = finding(&r, "ANT-12", Status::Fail);
        assert!(ant.symptom);
        let at = |id| r.findings.iter().position(|f| f.id == id).unwrap();
        assert!(at("GCP-02") < at("ANT-12"), "{location}");
    }
}

#[test]
fn a_disabled_api_leads_and_the_key_checks_say_why_they_are_unknown() {
    let text = "PERMISSION_DENIED: Cloud Key Management Service (KMS) API has not been used in project 123456789012 \
                before or it is disabled. [reason: SERVICE_DISABLED]";
    let mut l = lookup(None);
    l.api = KmsApi::Disabled(text.into());
    l.key_ring = Err(text.into());
    l.crypto_key = Err(text.into());
    let r = report(l, failed(text));
    assert_eq!(r.findings[0].id, "GCP-01");
    assert!(r.findings[0].explains_validation);
    assert_eq!(
        r.findings[0].fix.as_deref(),
        Some("gcloud services enable cloudkms.googleapis.com --project cmek-sandbox")
    );
    for id in ["GCP-03", "GCP-04", "GCP-06", "GCP-09"] {
        assert!(finding(&r, id, Status::Unknown).observed.as_deref().unwrap().contains("SERVICE_DISABLED"), "{id}");
    }
}

#[test]
fn a_perimeter_and_domain_restricted_sharing_fail_from_what_doctor_was_refused() {
    let drs = "FAILED_PRECONDITION: One or more users named in the policy do not belong to a permitted customer.";
    let mut l = lookup(Some(bare_key()));
    l.refusals = vec![PERIMETER.into(), drs.into()];
    let r = report(l, failed("DEADLINE_EXCEEDED: validation timed out after 30 s"));
    let perimeter = finding(&r, "GCP-08", Status::Fail);
    assert!(perimeter.observed.as_deref().unwrap().contains("8yKvB2cYzQ9w"));
    assert!(perimeter.explains_validation, "a timeout points at the network path");
    assert!(perimeter.terraform.as_deref().unwrap().contains("ingress_from"));
    assert!(ids(&r, Status::Fail).contains(&"ANT-07"));
    let sharing = finding(&r, "GCP-07", Status::Fail);
    assert!(
        sharing.fix.as_deref().unwrap().contains("iam.allowedPolicyMemberDomains --project cmek-sandbox --effective")
    );
    insta::assert_json_snapshot!("perimeter_and_sharing", r);
}

#[test]
fn without_a_validation_perimeters_and_sharing_are_unknown_and_an_enforced_constraint_warns() {
    let mut l = lookup(Some(bare_key()));
    let r = report(l.clone(), not_run());
    assert_eq!(finding(&r, "GCP-08", Status::Unknown).severity, Severity::High);
    assert!(finding(&r, "GCP-07", Status::Unknown).fix.is_some());
    l.domain_restriction =
        Some("constraints/iam.allowedPolicyMemberDomains is enforced on project cmek-sandbox".into());
    let r = report(l, not_run());
    assert!(finding(&r, "GCP-07", Status::Warn).observed.as_deref().unwrap().contains("is enforced"));
}

#[test]
fn a_missing_key_or_ring_is_ant_13_and_a_different_registration_is_named() {
    let r = report(lookup(None), not_run());
    let f = finding(&r, "ANT-13", Status::Fail);
    assert!(f.observed.as_deref().unwrap().contains("key ring anthropic-cmek holds no key anthropic-cmek"), "{f:?}");
    let mut l = lookup(None);
    l.key_ring = Ok(None);
    let r = report(l, not_run());
    assert!(
        finding(&r, "ANT-13", Status::Fail)
            .observed
            .as_deref()
            .unwrap()
            .contains("has no key ring anthropic-cmek in us-central1")
    );

    let mut f = facts(GcpDoctorFacts::read(lookup(Some(healthy_key()))), not_run());
    f.registered = Some(registered(&KEY.replace("us-central1", "us-east5"), false));
    let r = evaluate(&f);
    let ant13 = finding(&r, "ANT-13", Status::Fail);
    assert!(
        ant13
            .observed
            .as_deref()
            .unwrap()
            .contains("ekey_01gcp registers key_name projects/cmek-sandbox/locations/us-east5")
    );
    assert!(ant13.fix.as_deref().unwrap().starts_with("delete ekey_01gcp while it is unattached"));
}

#[test]
fn another_organisations_label_is_gen_04() {
    let mut key = healthy_key();
    key.labels.insert("anthropic-org-0a0a0a0a-0b0b-4c0c-8d0d-0e0e0e0e0e0e".into(), "true".into());
    let r = report(lookup(Some(key)), not_run());
    assert!(finding(&r, "GEN-04", Status::Warn).observed.as_deref().unwrap().contains("anthropic-org-0a0a0a0a"));
    assert!(ids(&r, Status::Pass).contains(&"GCP-09"));
}

#[test]
fn external_keys_and_other_purposes_are_gcp_03() {
    let mut key = healthy_key();
    key.protection_level = Some("EXTERNAL".into());
    key.purpose = "ASYMMETRIC_DECRYPT".into();
    let r = report(lookup(Some(key)), not_run());
    let fails: Vec<&Finding> = r.findings.iter().filter(|f| f.id == "GCP-03" && f.status == Status::Fail).collect();
    assert_eq!(fails.len(), 2, "purpose and protection level: {fails:?}");
    assert!(fails.iter().all(|f| f.fix.as_deref().unwrap().contains("cmek setup --provider gcp --key")));
}

#[test]
fn google_cloud_that_cannot_be_read_is_unknown_everywhere_never_pass_or_fail() {
    let r = evaluate(&facts(GcpDoctorFacts::unreadable("no Google credentials"), not_run()));
    for n in 1..=11 {
        let id = format!("GCP-{n:02}");
        let f: Vec<&Finding> = r.findings.iter().filter(|f| f.id == id).collect();
        assert!(!f.is_empty() && f.iter().all(|f| f.status == Status::Unknown), "{id}: {f:?}");
        assert!(f[0].observed.as_deref().unwrap().contains("no Google credentials"));
    }
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn the_planners_facts_become_doctors_lookup() {
    let mut setup = crate::plan::gcp::fixtures::sandbox();
    setup.key = Some(healthy_key());
    setup.vpc_service_controls = Some(PERIMETER.into());
    let l = GcpKeyLookup::from_setup_facts(&setup);
    assert_eq!(l.api, KmsApi::Enabled);
    assert_eq!(l.refusals, [PERIMETER]);
    assert!(matches!(&l.crypto_key, Ok(Some(k)) if k.name == KEY));
    let r = report(l, not_run());
    assert!(ids(&r, Status::Fail).contains(&"GCP-08"));

    setup.api_disabled = Some("SERVICE_DISABLED".into());
    let l = GcpKeyLookup::from_setup_facts(&setup);
    assert!(matches!(l.api, KmsApi::Disabled(_)) && l.crypto_key.is_err());
}

#[test]
fn the_cloud_names_the_resolved_key_and_finds_its_registration() {
    use crate::doctor::CloudDoctorFacts;
    let gcp = GcpDoctorFacts::read(lookup(Some(healthy_key())));
    assert_eq!(gcp.resolved_key().as_deref(), Some(KEY));
    let all = [registered(&KEY.replace("anthropic-cmek/cryptoKeys", "other/cryptoKeys"), false), registered(KEY, true)];
    assert!(gcp.registration(&all).is_some_and(|r| r.attached));
    assert_eq!(GcpDoctorFacts::unreadable("x").resolved_key(), None);
}

#[test]
fn a_key_named_without_its_project_takes_the_credentials_or_says_how_to_name_one() {
    use super::GcpDoctorKeyInProject;
    use crate::doctor::CloudKeyRef;
    let parts = GcpDoctorKeyInProject {
        location: "us-central1".into(),
        key_ring: "anthropic-cmek".into(),
        key: "anthropic-cmek".into(),
    };
    assert_eq!(parts.in_project(Some("cmek-sandbox")).unwrap().to_string(), KEY);
    let why = parts.in_project(None).unwrap_err();
    assert!(why.contains("--gcp-project") && why.contains("CLOUDSDK_CORE_PROJECT"), "{why}");
    assert!(parts.in_project(Some("Not A Project!")).is_err());
    assert!(parts.describe().contains("credential's project"), "{}", parts.describe());
}
