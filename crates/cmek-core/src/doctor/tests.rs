//! The doctor's rules on representative facts: which ids fail, which stay unknown, which finding
//! explains a failed validation, and the exit code.

use chrono::{TimeZone, Utc};

use super::*;
use crate::doctor::aws::{AwsDoctorFacts, AwsKeyLookup};
use crate::doctor::azure::AzureDoctorFacts;
use crate::model::OrgUuid;
use crate::model::aws::AwsKeyConfig;
use crate::model::aws::{AwsCallerIdentity, AwsKeyDescription, AwsKeyFacts, AwsKeyState};
use crate::model::azure::{AzureKeyConfig, RoleAssignmentFacts};
use crate::plan::{RegisteredKey, WorkspaceFacts};
use crate::policy::aws::test_fixtures::{COMPARTMENT_B, CUSTOMER_ACCOUNT, KEY_ARN, ORG, fixture_text};

fn aws_key(policy: &str, state: AwsKeyState) -> AwsKeyFacts {
    AwsKeyFacts {
        description: AwsKeyDescription { state, ..AwsKeyDescription::sample() },
        policy: policy.to_string(),
        aliases: vec!["alias/anthropic-cmek".parse().unwrap()],
        rotation_enabled: Some(true),
        tags: Vec::new(),
    }
}

fn registered(kms_arn: &str) -> RegisteredKey {
    RegisteredKey {
        id: "ekey_01doctor".into(),
        display_name: None,
        attached: true,
        config: AwsKeyConfig { kms_arn: kms_arn.into(), region: None }.to_config(),
        attached_compartments: Vec::new(),
    }
}

fn aws_facts(key: AwsKeyFacts, validation: ValidationFacts) -> DoctorFacts {
    DoctorFacts {
        target: Target { selector: "external_key", ..Target::default() },
        org: Ok(ORG.parse::<OrgUuid>().unwrap()),
        platform_auth_refused: false,
        cmek_not_enabled: None,
        registered: Some(registered(KEY_ARN)),
        all_registered: vec![registered(KEY_ARN)],
        workspace: None,
        validation,
        cloud: CloudDiagnosis::Inspected(Box::new(AwsDoctorFacts(Ok(Box::new(AwsKeyLookup {
            asked: KEY_ARN.into(),
            caller: Ok(AwsCallerIdentity {
                account: CUSTOMER_ACCOUNT.parse().unwrap(),
                arn: format!("arn:aws:iam::{CUSTOMER_ACCOUNT}:user/admin"),
                user_id: "AIDAEXAMPLE".into(),
            }),
            key: Some(key),
        }))))),
    }
}

fn passed() -> ValidationFacts {
    ValidationFacts::Done(Validation { ok: true, error: None })
}

fn failed(error: &str) -> ValidationFacts {
    ValidationFacts::Done(Validation { ok: false, error: Some(error.into()) })
}

fn ids(report: &Report, status: Status) -> Vec<&'static str> {
    let mut ids: Vec<&str> = report.findings.iter().filter(|f| f.status == status).map(|f| f.id).collect();
    ids.sort();
    ids.dedup();
    ids
}

#[test]
fn a_correct_validated_key_passes_and_exits_0() {
    let report = evaluate(&aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed()));
    assert_eq!(ids(&report, Status::Fail), Vec::<&str>::new(), "{report:#?}");
    assert!(ids(&report, Status::Pass).contains(&"AWS-12"), "a passing validation shows no RCP denies Anthropic");
    // What doctor cannot see (alarms) and validation's expected noise are notes: all green.
    assert_eq!(ids(&report, Status::Unknown), Vec::<&str>::new());
    assert_eq!(ids(&report, Status::Warn), Vec::<&str>::new());
    assert_eq!(ids(&report, Status::Info), ["AWS-15", "AWS-16"]);
    assert_eq!(report.summary().root_cause, None);
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn policy_problems_get_their_catalogue_ids() {
    for (fixture, expected) in [
        ("console-wizard.json", "AWS-08"),
        ("missing-org-condition.json", "AWS-07"),
        ("placeholder-left.json", "ANT-04"),
        ("explicit-deny-source-ip.json", "AWS-13"),
    ] {
        let report = evaluate(&aws_facts(aws_key(fixture_text(fixture), AwsKeyState::Enabled), passed()));
        assert!(ids(&report, Status::Fail).contains(&expected), "{fixture}: {:?}", ids(&report, Status::Fail));
        let f = report.findings.iter().find(|f| f.id == expected && f.status == Status::Fail).unwrap();
        assert!(
            f.why.is_some() && f.fix.is_some() && f.terraform.is_some(),
            "{fixture}: why, fix and Terraform: {f:?}"
        );
        assert_eq!(report.exit_code(), 1, "{fixture}");
    }
}

#[test]
fn a_workspace_outside_the_pinned_compartments_is_ant_05() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.workspace = Some(WorkspaceFacts {
        id: "wrkspc_b".into(),
        name: "b".into(),
        compartment: COMPARTMENT_B.parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).unwrap(),
        just_created: false,
    });
    let report = evaluate(&facts);
    // The shared key-policy rules also name the attach-time requests that would be denied (AWS-05).
    assert!(ids(&report, Status::Fail).contains(&"ANT-05"), "{report:#?}");
    assert_eq!(report.exit_code(), 1);
}

#[test]
fn key_state_and_registration_problems() {
    let report = evaluate(&aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Disabled), passed()));
    assert_eq!(ids(&report, Status::Fail), ["AWS-01"]);

    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.registered = Some(registered("arn:aws:kms:us-east-2:111122223333:alias/anthropic-cmek"));
    assert_eq!(ids(&evaluate(&facts), Status::Fail), ["AWS-04"]);
    facts.registered = Some(registered("arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"));
    let report = evaluate(&facts);
    assert_eq!(ids(&report, Status::Fail), ["ANT-13"]);
    let f = report.findings.iter().find(|f| f.id == "ANT-13").unwrap();
    assert!(f.observed.as_deref().unwrap().contains("region us-west-2 vs us-east-2"), "{f:?}");
}

#[test]
fn the_validation_text_names_the_finding_that_explains_it() {
    let error = "AccessDenied: User: arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/validation is not \
                 authorized to perform: kms:Encrypt on resource: arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-\
                 34cd-56ef-1234567890ab with an explicit deny in a resource control policy";
    let report = evaluate(&aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), failed(error)));
    assert_eq!(ids(&report, Status::Fail), ["ANT-06", "AWS-12"], "{report:#?}");
    let rcp: Vec<&Finding> = report.findings.iter().filter(|f| f.id == "AWS-12").collect();
    assert_eq!(rcp.len(), 1, "the unknown prediction is replaced by the platform's verdict");
    assert!(rcp[0].explains_validation);
    assert_eq!(report.validation.as_ref().unwrap().explained_by, ["AWS-12"]);
    assert_eq!(report.findings[0].id, "AWS-12", "the explaining finding ranks first among equals");
    assert_eq!(report.summary().explains_validation, ["AWS-12"]);
}

#[test]
fn a_timeout_is_ant_07() {
    let report = evaluate(&aws_facts(
        aws_key(fixture_text("correct.json"), AwsKeyState::Enabled),
        failed("validation timed out after 30 s"),
    ));
    assert!(ids(&report, Status::Fail).contains(&"ANT-07"), "{report:#?}");
}

#[test]
fn a_source_that_cannot_be_read_is_unknown_never_pass_or_fail() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.cloud =
        CloudDiagnosis::Inspected(Box::new(AwsDoctorFacts(Err("AccessDeniedException: kms:DescribeKey".into()))));
    let report = evaluate(&facts);
    for id in ["AWS-01", "AWS-02", "AWS-03", "AWS-04", "AWS-05", "AWS-07", "AWS-08"] {
        let f: Vec<&Finding> = report.findings.iter().filter(|f| f.id == id).collect();
        assert!(f.iter().all(|f| f.status == Status::Unknown), "{id}: {f:?}");
        assert!(f[0].observed.as_deref().unwrap().contains("kms:DescribeKey"));
    }
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn a_refused_admin_credential_is_ant_01_and_exit_3() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.org = Err("401 authentication_error: invalid x-api-key".into());
    facts.platform_auth_refused = true;
    facts.validation = ValidationFacts::NotRun("the Admin API could not be used".into());
    let report = evaluate(&facts);
    assert!(ids(&report, Status::Fail).contains(&"ANT-01"));
    assert_eq!(report.exit_code(), 3);
}

#[test]
fn an_organisation_without_cmek_is_ant_02_not_a_refused_credential() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    assert!(ids(&evaluate(&facts), Status::Pass).contains(&"ANT-02"));
    facts.cmek_not_enabled = Some("403 permission_error: CMEK is not enabled for organization".into());
    let report = evaluate(&facts);
    assert!(ids(&report, Status::Fail).contains(&"ANT-02"), "{report:#?}");
    assert!(ids(&report, Status::Pass).contains(&"ANT-01"));
    assert_eq!(report.exit_code(), 1);
}

mod azure {
    use super::*;
    use crate::plan::azure::AzureFacts;

    const KEY_SCOPE: &str = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/\
                             providers/Microsoft.KeyVault/vaults/cmek-sandbox/keys/anthropic-cmek";

    fn facts(azure: AzureFacts, registered_tenant: Option<&str>, validation: ValidationFacts) -> DoctorFacts {
        let reg = registered_tenant.map(|t| RegisteredKey {
            id: "ekey_01azure".into(),
            display_name: None,
            attached: false,
            config: AzureKeyConfig {
                vault_uri: "https://cmek-sandbox.vault.azure.net".into(),
                key_name: "anthropic-cmek".into(),
                tenant_id: t.into(),
                client_id: None,
            }
            .to_config(),
            attached_compartments: Vec::new(),
        });
        DoctorFacts {
            target: Target { selector: "cloud_key", ..Target::default() },
            org: Ok(ORG.parse::<OrgUuid>().unwrap()),
            platform_auth_refused: false,
            cmek_not_enabled: None,
            all_registered: reg.iter().cloned().collect(),
            registered: reg,
            workspace: None,
            validation,
            cloud: inspected(Ok(Box::new(azure)), None),
        }
    }

    fn inspected(
        facts: Gathered<Box<AzureFacts>>,
        deleted_vault: Option<crate::model::azure::DeletedVaultFacts>,
    ) -> CloudDiagnosis {
        CloudDiagnosis::Inspected(Box::new(AzureDoctorFacts { facts, deleted_vault }))
    }

    #[test]
    fn nothing_done_fails_consent_and_role_and_passes_az_16_without_a_deny() {
        let report =
            evaluate(&facts(crate::plan::azure::fixtures::sandbox(), None, ValidationFacts::NotRun("no".into())));
        let fails = ids(&report, Status::Fail);
        assert!(fails.contains(&"AZ-06") && fails.contains(&"AZ-07"), "{fails:?}");
        let az16 = report.findings.iter().find(|f| f.id == "AZ-16").unwrap();
        assert_eq!(az16.status, Status::Pass, "{az16:?}");
        for f in &report.findings {
            let o = f.observed.as_deref().unwrap_or_default();
            assert!(!o.contains("the plan "), "doctor does not speak of a plan: {f:?}");
        }
    }

    #[test]
    fn forbidden_by_rbac_with_the_role_assigned_is_propagation() {
        let mut azure = crate::plan::azure::fixtures::sandbox();
        let sp = crate::model::azure::ServicePrincipalFacts {
            object_id: "7d3e2a1b-5555-4666-8777-888899990000".into(),
            app_id: crate::identities::published().azure.app_client_id.clone(),
            display_name: Some("Anthropic CMEK".into()),
        };
        azure.role_assignments = vec![RoleAssignmentFacts {
            id: format!("{KEY_SCOPE}/providers/Microsoft.Authorization/roleAssignments/1"),
            scope: KEY_SCOPE.into(),
            role_definition_id: format!(
                "/providers/Microsoft.Authorization/roleDefinitions/{}",
                crate::identities::published().azure.key_vault_crypto_user_role_id
            ),
            principal_id: sp.object_id.clone(),
            principal_type: Some("ServicePrincipal".into()),
        }];
        azure.service_principal = Some(sp);
        let error = "ForbiddenByRbac: Caller is not authorized to perform action on resource \
                     https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek";
        let report = evaluate(&facts(azure, Some("5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f"), failed(error)));
        let az08 = report.findings.iter().find(|f| f.id == "AZ-08").expect("AZ-08");
        assert!(az08.explains_validation && az08.status == Status::Warn, "{az08:?}");
        assert!(report.findings.iter().filter(|f| f.id == "AZ-07").all(|f| f.status == Status::Pass));
    }

    fn deny() -> crate::model::azure::PolicyDenialFacts {
        crate::model::azure::PolicyDenialFacts {
            assignment_id: "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/\
                            Microsoft.Authorization/policyAssignments/deny-kv-public-network"
                .into(),
            display_name: "Key Vaults must disable public network access".into(),
            scope: "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox".into(),
            definition_id: "/providers/Microsoft.Authorization/policyDefinitions/405c5871-3e91-4644-8a63-58e19d68ff5b"
                .into(),
            definition_reference_id: None,
        }
    }

    fn az16(azure: AzureFacts) -> Finding {
        let report = evaluate(&facts(azure, None, ValidationFacts::NotRun("no".into())));
        report.findings.into_iter().find(|f| f.id == "AZ-16").expect("AZ-16")
    }

    #[test]
    fn a_deny_assignment_fails_az_16_on_a_closed_vault_and_warns_on_an_open_one() {
        let mut azure = crate::plan::azure::fixtures::sandbox();
        azure.policy_denials = Some(vec![deny()]);
        let open = az16(azure.clone());
        assert_eq!(open.status, Status::Warn, "{open:?}");

        azure.vault.public_network_access = Some("Disabled".into());
        let closed = az16(azure);
        assert_eq!((closed.status, closed.severity), (Status::Fail, crate::plan::Severity::High), "{closed:?}");
        assert!(closed.is_serious_failure());
        let observed = closed.observed.as_deref().unwrap();
        assert!(observed.contains("Key Vaults must disable public network access"), "{observed}");
        let fix = closed.fix.as_deref().unwrap();
        assert!(fix.contains("az policy exemption create --name cmek-anthropic --policy-assignment"), "{fix}");
    }

    #[test]
    fn unreadable_assignments_are_unknown_and_say_why() {
        let mut azure = crate::plan::azure::fixtures::sandbox();
        azure.policy_denials = None;
        azure.policy_unread = Some("arm:policyAssignments/read failed (AuthorizationFailed): no access".into());
        let f = az16(azure);
        assert_eq!(f.status, Status::Unknown, "{f:?}");
        assert!(f.observed.as_deref().unwrap().contains("AuthorizationFailed"), "{f:?}");
        assert!(f.fix.as_deref().unwrap().starts_with("az policy assignment list --scope"), "{f:?}");
    }

    #[test]
    fn a_registration_in_another_tenant_is_az_13() {
        let report = evaluate(&facts(
            crate::plan::azure::fixtures::sandbox(),
            Some("9e4d7c3b-1a2f-4b5c-8d6e-7f8091a2b3c4"),
            ValidationFacts::NotRun("--no-validate".into()),
        ));
        let az13: Vec<&Finding> = report.findings.iter().filter(|f| f.id == "AZ-13").collect();
        assert!(az13.iter().any(|f| f.status == Status::Fail), "{az13:?}");
    }

    #[test]
    fn a_deleted_vault_fails_az12_critical_with_the_recover_command_and_leaves_the_rest_unknown() {
        let mut f = facts(crate::plan::azure::fixtures::sandbox(), None, ValidationFacts::NotRun("no".into()));
        let deleted = Some(crate::model::azure::DeletedVaultFacts {
            name: "cmek-sandbox".into(),
            vault_id: "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/cmek-sandbox".into(),
            location: "eastus2".into(),
            deletion_date: Some("2026-11-20T09:00:00Z".into()),
            scheduled_purge_date: Some("2027-02-18T09:00:00Z".into()),
            purge_protection: Some(true),
        });
        f.cloud = inspected(Err("vault cmek-sandbox is not in reach".into()), deleted);
        let report = evaluate(&f);
        assert_eq!(ids(&report, Status::Fail), ["AZ-12"]);
        let az12 = report.findings.iter().find(|x| x.id == "AZ-12").unwrap();
        assert_eq!(az12.severity, crate::plan::Severity::Critical);
        assert_eq!(
            az12.observed.as_deref(),
            Some(
                "vault cmek-sandbox was deleted on 2026-11-20T09:00:00Z and can be recovered until 2027-02-18T09:00:00Z"
            )
        );
        assert_eq!(
            az12.fix.as_deref(),
            Some("az keyvault recover --name cmek-sandbox --resource-group rg-keys (then re-run `cmek doctor`)")
        );
        assert!(ids(&report, Status::Unknown).contains(&"AZ-01"), "the vault's other checks cannot be read");

        f.cloud = inspected(Err("vault cmek-sandbox is not in reach".into()), None);
        assert!(ids(&evaluate(&f), Status::Fail).is_empty(), "an unreadable vault alone is unknown, not deleted");
    }
}

#[test]
fn dropping_an_attached_workspace_or_the_root_statement_is_critical() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.registered.as_mut().unwrap().attached_compartments = vec![COMPARTMENT_B.parse().unwrap()];
    let report = evaluate(&facts);
    assert_eq!(ids(&report, Status::Fail), ["AWS-14"], "{report:#?}");
    assert_eq!(report.findings[0].severity, crate::plan::Severity::Critical);

    let mut doc: serde_json::Value = serde_json::from_str(fixture_text("correct.json")).unwrap();
    doc["Statement"].as_array_mut().unwrap().retain(|s| s["Sid"] != crate::policy::aws::render::SID_ROOT);
    let report = evaluate(&aws_facts(aws_key(&doc.to_string(), AwsKeyState::Enabled), passed()));
    assert_eq!(ids(&report, Status::Fail), ["AWS-11"], "{report:#?}");
}

#[test]
fn a_registered_key_that_cannot_be_inspected_says_why() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    facts.cloud =
        CloudDiagnosis::None("external key ekey_01doctor is for a provider this version cannot inspect".into());
    let report = evaluate(&facts);
    let f = report.findings.iter().find(|f| f.id == "ANT-13").unwrap();
    assert_eq!(f.status, Status::Unknown);
    assert!(f.observed.as_deref().unwrap().contains("cannot inspect"), "{f:?}");
    assert_eq!(report.exit_code(), 0);
}

#[test]
fn a_validation_run_names_its_cloudtrail_noise_and_a_keyless_workspace_names_the_permanent_step() {
    let mut facts = aws_facts(aws_key(fixture_text("correct.json"), AwsKeyState::Enabled), passed());
    let report = evaluate(&facts);
    let noise = report.findings.iter().find(|f| f.id == "AWS-15").expect("AWS-15 after a validation");
    assert_eq!(noise.severity, crate::plan::Severity::Info);
    assert!(noise.fix.as_deref().unwrap().contains("Y21lay12YWxpZGF0aW9u"), "{noise:?}");
    assert!(!report.findings.iter().any(|f| f.id == "ANT-09"), "no workspace, nothing to attach");

    facts.validation = ValidationFacts::NotRun("--no-validate".into());
    facts.workspace = Some(WorkspaceFacts {
        id: "wrkspc_01new".into(),
        name: "payments".into(),
        compartment: crate::policy::aws::test_fixtures::COMPARTMENT_A.parse().unwrap(),
        external_key_id: None,
        archived: false,
        created_at: Utc.with_ymd_and_hms(2026, 11, 22, 9, 0, 0).unwrap(),
        just_created: true,
    });
    let report = evaluate(&facts);
    assert!(!report.findings.iter().any(|f| f.id == "AWS-15"), "no validation, no noise");
    let permanent = report.findings.iter().find(|f| f.id == "ANT-09").expect("ANT-09 before an attach");
    assert!(permanent.fix.as_deref().unwrap().contains("--confirm-attach wrkspc_01new"), "{permanent:?}");
    assert_eq!(report.exit_code(), 0, "information, not a failure");
}
