//! AZ-16: an Azure Policy Deny assignment on public network access against the plan.

use super::*;
use crate::model::azure::PolicyDenialFacts;

const ASSIGNMENT: &str = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/\
Microsoft.Authorization/policyAssignments/deny-kv-public-network";

fn denial() -> PolicyDenialFacts {
    PolicyDenialFacts {
        assignment_id: ASSIGNMENT.into(),
        display_name: "Key Vaults must disable public network access".into(),
        scope: "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox".into(),
        definition_id: "/providers/Microsoft.Authorization/policyDefinitions/405c5871-3e91-4644-8a63-58e19d68ff5b"
            .into(),
        definition_reference_id: None,
    }
}

/// `azure-policy-deny-public`: public access off, the Deny assignment at the resource group.
fn denied_and_disabled() -> AzureFacts {
    let mut f = sandbox();
    f.vault.public_network_access = Some("Disabled".into());
    f.policy_denials = Some(vec![denial()]);
    f
}

fn approved() -> SetupAnswers {
    let mut a = answers_for_production();
    az(&mut a).allow_public_access = true;
    a
}

#[test]
fn turning_public_access_on_under_a_deny_assignment_blocks_with_the_exemption() {
    let plan = crate::plan::build(&approved(), &setup(denied_and_disabled(), Some(workspace()), Vec::new())).unwrap();
    assert_eq!(blocking_ids(&plan), ["AZ-16"], "{}", describe(&plan));
    let c = checks_with(&plan, "AZ-16")[0];
    assert_eq!(c.severity, Severity::High);
    let observed = c.observed.clone().unwrap();
    assert!(observed.contains("Key Vaults must disable public network access") && observed.contains(ASSIGNMENT));
    let fix = c.fix.clone().unwrap();
    assert!(
        fix.starts_with(&format!(
            "az policy exemption create --name cmek-anthropic --policy-assignment {ASSIGNMENT} --exemption-category \
             Waiver --scope {VAULT_ID} --description \"Claude Platform CMEK: Anthropic calls Key Vault's public \
             endpoint from 160.79.104.0/21\""
        )),
        "{fix}"
    );
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn without_approval_both_the_gate_and_the_policy_are_named() {
    let plan = plan(denied_and_disabled());
    assert_eq!(blocking_ids(&plan), ["AZ-03", "AZ-16"], "{}", describe(&plan));
}

#[test]
fn an_enabled_vault_under_a_deny_is_a_warning_unless_the_plan_writes_it() {
    let mut f = sandbox();
    f.policy_denials = Some(vec![denial()]);
    let quiet = plan(f.clone());
    assert!(quiet.blocking_failures().is_empty(), "{}", describe(&quiet));
    assert_eq!(checks_with(&quiet, "AZ-16")[0].status, CheckStatus::Warn);

    // Adding Anthropic's range is a vault write: Policy judges the vault it leaves, public access on.
    f.vault.ip_rules = vec!["203.0.113.10".into()];
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-16"], "{}", describe(&plan));
    assert!(checks_with(&plan, "AZ-16")[0].observed.as_deref().unwrap().contains("vault update"));
}

#[test]
fn unreadable_assignments_warn_only_when_public_access_must_be_turned_on() {
    let mut f = sandbox();
    f.policy_denials = None;
    f.policy_unread = Some("arm:policyAssignments/read failed (AuthorizationFailed): no read".into());
    assert!(checks_with(&plan(f.clone()), "AZ-16").is_empty());
    f.vault.public_network_access = Some("Disabled".into());
    let mut a = answers();
    az(&mut a).allow_public_access = true;
    let plan = crate::plan::build(&a, &setup(f, None, Vec::new())).unwrap();
    let c = checks_with(&plan, "AZ-16")[0];
    assert_eq!(c.status, CheckStatus::Warn);
    assert!(c.observed.as_deref().unwrap().contains("AuthorizationFailed"), "{c:?}");
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
}

#[test]
fn two_assignments_get_two_exemptions() {
    let mut f = denied_and_disabled();
    let mut second = denial();
    second.assignment_id = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/providers/Microsoft.Authorization/\
                            policyAssignments/alz-deny"
        .into();
    f.policy_denials.as_mut().unwrap().push(second);
    let fix = checks_with(&plan(f), "AZ-16")[0].fix.clone().unwrap();
    assert!(fix.contains("--name cmek-anthropic ") && fix.contains("--name cmek-anthropic-2 "), "{fix}");
}

#[test]
fn an_initiative_member_is_named_and_only_it_is_exempted() {
    let mut f = denied_and_disabled();
    f.policy_denials.as_mut().unwrap()[0].definition_reference_id = Some("KeyVaultDenyPaasPublicNetwork".into());
    let c = checks_with(&plan(f), "AZ-16")[0].clone();
    assert!(c.observed.unwrap().contains("initiative member KeyVaultDenyPaasPublicNetwork"));
    let fix = c.fix.unwrap();
    assert!(
        fix.contains(&format!(
            "--policy-assignment {ASSIGNMENT} --policy-definition-reference-ids KeyVaultDenyPaasPublicNetwork \
             --exemption-category Waiver"
        )),
        "{fix}"
    );
}
