//! The sandbox's Azure scenarios as plans, snapshotted as the reviewer reads them.

use super::*;

#[test]
fn the_seeded_sandbox_with_nothing_done() {
    let facts = setup(sandbox(), Some(workspace()), Vec::new());
    let plan = crate::plan::build(&answers_for_production(), &facts).unwrap();
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.action.kind()).collect();
    assert_eq!(
        kinds,
        [
            "consent_service_principal",
            "update_vault_network",
            "enable_purge_protection",
            "create_azure_key",
            "assign_azure_role",
            "register_key",
            "attach"
        ]
    );
    for kind in ["consent_service_principal", "create_azure_key", "assign_azure_role", "register_key", "attach"] {
        assert_eq!(state(&plan, kind), StepState::Planned, "{kind}");
    }
    assert!(plan.document.is_none() && plan.document_name.is_none(), "no key policy on Azure");
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_fully_set_up_rerun_changes_nothing() {
    let mut ws = workspace();
    ws.external_key_id = Some("ekey_01azure".into());
    let facts = setup(converged(), Some(ws), vec![registration(TENANT, true)]);
    let plan = crate::plan::build(&answers_for_production(), &facts).unwrap();
    assert!(!plan.changes_anything(), "{}", describe(&plan));
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    for s in plan.steps.iter().filter(|s| s.action.kind() != "validate") {
        assert!(matches!(s.state, StepState::AlreadyDone(_)), "{} is {:?}", s.action.kind(), s.state);
    }
    assert!(plan.checks.iter().all(|c| c.status == CheckStatus::Pass), "{}", describe(&plan));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn an_access_policy_vault_is_advised_never_switched() {
    let mut f = sandbox();
    f.vault.rbac_authorization = None;
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-01"]);
    let fix = checks_with(&plan, "AZ-01")[0].fix.clone().unwrap();
    assert!(fix.contains(
        "az keyvault update --name cmek-sandbox --resource-group cmek-sandbox --enable-rbac-authorization true"
    ));
    assert!(fix.contains("cuts off"), "{fix}");
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn public_access_disabled_and_not_approved_blocks() {
    let mut f = sandbox();
    f.vault.public_network_access = Some("Disabled".into());
    f.vault.network_default_action = Some("Allow".into());
    f.vault.ip_rules = Vec::new();
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-03"]);
    let fix = checks_with(&plan, "AZ-03")[0].fix.clone().unwrap();
    assert!(fix.contains("--azure-allow-public-access"), "{fix}");
    assert!(fix.contains("--public-network-access Enabled --default-action Deny"), "{fix}");
    assert!(fix.contains("--ip-address 160.79.104.0/21"), "{fix}");
    assert!(
        matches!(state(&plan, "update_vault_network"), StepState::Gated(how) if how.contains("--azure-allow-public-access"))
    );
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn public_access_disabled_and_approved_is_opened_behind_a_default_deny_firewall() {
    let mut f = sandbox();
    f.vault.public_network_access = Some("Disabled".into());
    f.vault.network_default_action = Some("Allow".into());
    f.vault.ip_rules = vec!["203.0.113.10".into()];
    let mut a = answers();
    az(&mut a).allow_public_access = true;
    let plan = crate::plan::build(&a, &setup(f, None, Vec::new())).unwrap();
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    let step = plan.step("update_vault_network").unwrap();
    assert_eq!(step.state, StepState::Planned);
    assert!(matches!(
        step.action.cloud_step::<AzureStep>().unwrap(),
        AzureStep::UpdateVaultNetwork { enable_public_access: true, default_deny: true, add_ip_rules, remove_ip_rules, .. }
            if add_ip_rules == &["160.79.104.0/21"] && remove_ip_rules.is_empty()
    ));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_firewall_without_the_range_and_with_a_retired_address_is_fixed() {
    let mut f = sandbox();
    f.vault.ip_rules = vec!["203.0.113.10/32".into(), "34.162.46.92".into(), "160.79.104.0/24".into()];
    let plan = plan(f);
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    let step = plan.step("update_vault_network").unwrap();
    assert_eq!(step.state, StepState::Planned);
    assert!(matches!(
        step.action.cloud_step::<AzureStep>().unwrap(),
        AzureStep::UpdateVaultNetwork { enable_public_access: false, default_deny: false, add_ip_rules, remove_ip_rules, .. }
            if add_ip_rules == &["160.79.104.0/21"] && remove_ip_rules == &["34.162.46.92"]
    ));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_role_at_the_wrong_scope_is_named_and_the_right_one_planned() {
    let mut f = converged();
    f.role_assignments = vec![
        assignment(&format!("{VAULT_ID}/keys/anthropic-cmek-old"), CRYPTO_USER_GUID),
        assignment(&VAULT_ID.replace("vaults/cmek-sandbox", "vaults/cmek-other"), CRYPTO_USER_GUID),
    ];
    let plan = plan(f);
    assert_eq!(state(&plan, "assign_azure_role"), StepState::Planned);
    let observed = checks_with(&plan, "AZ-07")[0].observed.clone().unwrap();
    assert!(observed.contains("wrong scope") && observed.contains("anthropic-cmek-old"), "{observed}");
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_key_too_small_blocks() {
    let mut f = converged();
    f.key.as_mut().unwrap().key_size = Some(2048);
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-09"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_key_with_the_wrong_ops_blocks() {
    let mut f = converged();
    f.key.as_mut().unwrap().key_ops = vec!["encrypt".into(), "decrypt".into()];
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-09"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_missing_tag_is_merged_in() {
    let mut f = converged();
    let key = f.key.as_mut().unwrap();
    key.tags = BTreeMap::from([("cost-center".into(), "4711".into()), ("owner".into(), "Platform Team".into())]);
    let plan = plan(f);
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    let fix = checks_with(&plan, "AZ-10")[0].fix.clone().unwrap();
    assert!(fix.contains(&format!("--tags {ORG_TAG}=true cost-center=4711 'owner=Platform Team'")), "{fix}");
    assert!(matches!(step_of(&plan, "merge_azure_key_tags"), AzureStep::MergeKeyTags { kept: 2, .. }));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn an_expired_key_blocks() {
    let mut f = converged();
    f.key.as_mut().unwrap().expires = Some(NOW - 3 * DAY);
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-11"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn a_registered_config_in_another_tenant_blocks() {
    let other = "a9d3e5f1-8b2c-4d6e-9f01-23456789abcd";
    let plan = crate::plan::build(&answers(), &setup(converged(), None, vec![registration(other, false)])).unwrap();
    assert_eq!(blocking_ids(&plan), ["AZ-13"]);
    let c = checks_with(&plan, "AZ-13").into_iter().find(|c| c.status == CheckStatus::Fail).unwrap();
    assert!(c.observed.as_ref().unwrap().contains(other) && c.observed.as_ref().unwrap().contains(TENANT));
    assert!(matches!(state(&plan, "register_key"), StepState::Gated(_)));
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn signed_in_to_another_tenant_blocks() {
    let mut f = sandbox();
    f.caller.tenant_id = "a9d3e5f1-8b2c-4d6e-9f01-23456789abcd".into();
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-13"]);
    insta::assert_snapshot!(describe(&plan));
}

#[test]
fn purge_protection_off_gates_its_switch_and_the_attach() {
    let mut f = sandbox();
    f.vault.purge_protection = None;
    let plan = crate::plan::build(&answers_for_production(), &setup(f, Some(workspace()), Vec::new())).unwrap();
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert!(matches!(state(&plan, "enable_purge_protection"), StepState::Gated(_)));
    assert!(matches!(state(&plan, "attach"), StepState::Gated(_)));
    insta::assert_snapshot!(describe(&plan));
}
