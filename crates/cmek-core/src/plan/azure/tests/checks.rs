//! One check or edge at a time: CIDR coverage, tag merge, scope containment, purge confirmation,
//! key validity boundaries, and the inputs that must block.

use super::*;
use crate::plan::azure::access::scope_contains;
use crate::plan::azure::network::{covered, parse_rule};
use crate::plan::{Action, PlanError, Severity};

fn range(text: &str) -> ipnet::IpNet {
    text.parse().unwrap()
}

fn rules(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_rule_covers_the_range_only_when_it_contains_all_of_it() {
    let anthropic = range("160.79.104.0/21");
    assert!(covered(&rules(&["160.79.104.0/21"]), &anthropic));
    assert!(covered(&rules(&["160.79.0.0/16"]), &anthropic), "a wider /16 covers");
    assert!(covered(&rules(&["203.0.113.10", " 160.79.96.0/19 "]), &anthropic));
    assert!(!covered(&rules(&["160.79.104.10"]), &anthropic), "a bare address is a /32");
    assert!(!covered(&rules(&["160.79.104.0/24"]), &anthropic), "a part of the range is not enough");
    assert!(!covered(&rules(&["160.79.112.0/21", "not-an-address"]), &anthropic));
    assert!(!covered(&[], &anthropic));
    assert_eq!(parse_rule("34.162.46.92"), Some(range("34.162.46.92/32")));
    assert_eq!(parse_rule("nonsense"), None);
}

#[test]
fn two_spellings_of_one_range_are_one_rule() {
    use crate::plan::azure::{new_rules, same_rule};
    assert!(same_rule("34.162.46.92", "34.162.46.92/32"));
    assert!(same_rule("2001:db8::1", "2001:DB8:0:0::1/128"), "a bare IPv6 address is a /128");
    assert!(same_rule(" 10.0.0.5/24", "10.0.0.0/24"), "host bits do not make another range");
    assert!(same_rule("Not-An-Address", "not-an-address"));
    assert!(!same_rule("34.162.46.92", "34.162.46.92/31"));
    assert!(!same_rule("2001:db8::1", "2001:db8::1/64"));
    assert!(!same_rule("34.162.46.92", "not-an-address"));
    // An Azure vault that shows an IPv6 rule with its /128 gets no second copy of it.
    assert_eq!(new_rules(&rules(&["2001:db8::1/128"]), &rules(&["2001:db8::1"]), &[]), rules(&["2001:db8::1/128"]));
    assert_eq!(
        new_rules(&rules(&["2001:db8::1", "203.0.113.10"]), &[], &rules(&["2001:DB8::1/128"])),
        rules(&["203.0.113.10"])
    );
}

#[test]
fn default_allow_needs_no_rule_but_retired_addresses_still_go() {
    let mut f = sandbox();
    f.vault.network_default_action = Some("Allow".into());
    f.vault.ip_rules = rules(&["34.162.102.82/32", "203.0.113.10"]);
    let plan = plan(f);
    assert!(checks_with(&plan, "AZ-04").iter().all(|c| c.status == CheckStatus::Pass), "{}", describe(&plan));
    let az05 = checks_with(&plan, "AZ-05");
    assert_eq!(az05.len(), 1);
    assert_eq!((az05[0].status, az05[0].severity), (CheckStatus::ToDo, Severity::Low), "the plan removes it");
    match step_of(&plan, "update_vault_network") {
        AzureStep::UpdateVaultNetwork { add_ip_rules, remove_ip_rules, .. } => {
            assert!(add_ip_rules.is_empty());
            assert_eq!(remove_ip_rules, &["34.162.102.82/32"]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_covered_firewall_leaves_the_network_step_already_done() {
    let mut f = sandbox();
    f.vault.ip_rules = rules(&["160.79.0.0/16"]);
    let plan = plan(f);
    assert!(matches!(state(&plan, "update_vault_network"), StepState::AlreadyDone(_)));
    assert!(checks_with(&plan, "AZ-04").iter().all(|c| c.status == CheckStatus::Pass));
}

#[test]
fn a_firewall_missing_the_range_is_a_non_blocking_fail_fixed_by_the_plan() {
    let mut f = sandbox();
    f.vault.ip_rules = rules(&["203.0.113.10/32"]);
    let plan = plan(f);
    let az04 = checks_with(&plan, "AZ-04")[0];
    assert_eq!(az04.status, CheckStatus::ToDo, "the plan adds the range: to do, not failed");
    assert!(!az04.blocking);
    assert!(az04.observed.as_ref().unwrap().contains("203.0.113.10/32"));
    assert_eq!(state(&plan, "update_vault_network"), StepState::Planned);
}

#[test]
fn tags_are_merged_keeping_the_others_up_to_the_limit() {
    let mut f = converged();
    let mut tags: BTreeMap<String, String> = (1..=14).map(|i| (format!("tag-{i:02}"), format!("v{i}"))).collect();
    f.key.as_mut().unwrap().tags = tags.clone();
    let plan_ok = plan(f.clone());
    assert!(plan_ok.blocking_failures().is_empty(), "{}", describe(&plan_ok));
    let step = plan_ok.step("merge_azure_key_tags").unwrap();
    assert_eq!(step.state, StepState::Planned);
    match step.action.cloud_step::<AzureStep>().unwrap() {
        AzureStep::MergeKeyTags { add, kept, .. } => {
            assert_eq!(*kept, 14);
            assert_eq!(add, &BTreeMap::from([(ORG_TAG.to_string(), "true".to_string())]));
        }
        other => panic!("{other:?}"),
    }

    tags.insert("tag-15".into(), "v15".into());
    f.key.as_mut().unwrap().tags = tags;
    let plan_full = plan(f);
    assert_eq!(blocking_ids(&plan_full), ["AZ-10"]);
    let observed = checks_with(&plan_full, "AZ-10")[0].observed.clone().unwrap();
    assert!(observed.contains("16 tags") && observed.contains("15"), "{observed}");
}

#[test]
fn a_wrong_tag_value_is_replaced_and_not_counted_twice() {
    let mut f = converged();
    let tags: BTreeMap<String, String> = (1..=14).map(|i| (format!("tag-{i:02}"), format!("v{i}"))).collect();
    let key = f.key.as_mut().unwrap();
    key.tags = tags;
    key.tags.insert(ORG_TAG.into(), "false".into());
    let plan = plan(f);
    assert!(plan.blocking_failures().is_empty(), "{}", describe(&plan));
    assert!(checks_with(&plan, "AZ-10")[0].observed.as_ref().unwrap().contains("=false"));
    assert!(matches!(step_of(&plan, "merge_azure_key_tags"), AzureStep::MergeKeyTags { kept: 14, .. }));
}

#[test]
fn a_created_key_carries_the_org_tag() {
    let plan = plan(sandbox());
    match step_of(&plan, "create_azure_key") {
        AzureStep::CreateKey { tags, size, hsm, name, .. } => {
            assert_eq!(tags.get(ORG_TAG).map(String::as_str), Some("true"));
            assert_eq!(tags.get("created-by").map(String::as_str), Some("cmek"));
            assert_eq!((*size, *hsm, name.as_str()), (3072, false, "anthropic-cmek"));
        }
        other => panic!("{other:?}"),
    }
    assert!(plan.step("merge_azure_key_tags").is_none());
}

#[test]
fn scope_containment_is_per_segment_and_ignores_case() {
    let subscription = format!("/subscriptions/{SUBSCRIPTION}");
    let group = format!("{subscription}/resourceGroups/cmek-sandbox");
    for outer in [KEY_SCOPE, VAULT_ID, group.as_str(), subscription.as_str(), "/"] {
        assert!(scope_contains(outer, KEY_SCOPE), "{outer}");
    }
    assert!(scope_contains(&VAULT_ID.to_ascii_uppercase(), KEY_SCOPE));
    assert!(scope_contains(&format!("{}/", VAULT_ID.replace("resourceGroups", "resourcegroups")), KEY_SCOPE));
    assert!(!scope_contains(&format!("{VAULT_ID}/keys/anthropic-cmek-old"), KEY_SCOPE), "a sibling key");
    assert!(!scope_contains(&format!("{VAULT_ID}/keys/anthropic-cme"), KEY_SCOPE), "a name prefix is not a parent");
    assert!(!scope_contains(&format!("{VAULT_ID}2"), KEY_SCOPE), "another vault");
    assert!(!scope_contains(&format!("{KEY_SCOPE}/versions/1"), KEY_SCOPE), "narrower is not wider");
}

#[test]
fn a_role_at_vault_scope_is_enough_but_warned_and_never_duplicated() {
    let mut f = converged();
    f.role_assignments = vec![assignment(&VAULT_ID.to_ascii_lowercase(), CRYPTO_USER_GUID)];
    let plan = plan(f);
    assert!(
        matches!(state(&plan, "assign_azure_role"), StepState::AlreadyDone(why) if why.contains(&VAULT_ID.to_ascii_lowercase()))
    );
    let az07 = checks_with(&plan, "AZ-07");
    assert_eq!(az07[0].status, CheckStatus::Pass);
    assert_eq!((az07[1].status, az07[1].severity), (CheckStatus::Warn, Severity::Low));
    assert_eq!(plan.steps.iter().filter(|s| s.action.kind() == "assign_azure_role").count(), 1);
}

#[test]
fn an_exact_assignment_with_different_case_counts() {
    let mut f = converged();
    f.role_assignments = vec![assignment(&KEY_SCOPE.to_ascii_uppercase(), &CRYPTO_USER_GUID.to_ascii_uppercase())];
    let plan = plan(f);
    assert!(matches!(state(&plan, "assign_azure_role"), StepState::AlreadyDone(_)));
    assert_eq!(checks_with(&plan, "AZ-07").len(), 1, "no least-privilege warning at the key's own scope");
}

#[test]
fn another_role_at_the_key_or_another_principals_role_does_not_count() {
    let mut f = converged();
    let reader = "21090545-7ca7-4776-b22c-e363652d74d2";
    let mut someone_else = assignment(KEY_SCOPE, CRYPTO_USER_GUID);
    someone_else.principal_id = "0b1e7c2d-2222-4333-8444-555566667777".into();
    f.role_assignments = vec![assignment(KEY_SCOPE, reader), someone_else];
    let plan = plan(f);
    assert_eq!(state(&plan, "assign_azure_role"), StepState::Planned);
    match step_of(&plan, "assign_azure_role") {
        AzureStep::AssignRole { scope, role_definition_guid, role_name, principal_id } => {
            assert_eq!(scope, KEY_SCOPE);
            assert_eq!(role_definition_guid, CRYPTO_USER_GUID);
            assert_eq!(role_name, "Key Vault Crypto User");
            assert_eq!(principal_id.as_deref(), Some(SP_OBJECT_ID));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn consent_and_role_for_a_principal_this_run_creates() {
    let plan = plan(sandbox());
    assert!(matches!(
        step_of(&plan, "consent_service_principal"),
        AzureStep::ConsentServicePrincipal { app_id, tenant_id } if app_id == "8635ae1a-3e5d-44e8-a4ed-e0f614466f87" && tenant_id == TENANT
    ));
    let az06 = checks_with(&plan, "AZ-06")[0];
    assert_eq!((az06.status, az06.blocking), (CheckStatus::ToDo, false), "the plan consents: to do, not failed");
    assert!(az06.fix.as_ref().unwrap().contains("az ad sp create --id 8635ae1a-3e5d-44e8-a4ed-e0f614466f87"));
    assert!(matches!(step_of(&plan, "assign_azure_role"), AzureStep::AssignRole { principal_id: None, .. }));
}

#[test]
fn purge_protection_needs_the_vaults_name() {
    let mut f = sandbox();
    f.vault.purge_protection = Some(false);
    f.vault.soft_delete = Some(false);

    let unconfirmed =
        crate::plan::build(&answers_for_production(), &setup(f.clone(), Some(workspace()), vec![])).unwrap();
    assert!(
        matches!(state(&unconfirmed, "enable_purge_protection"), StepState::Gated(how) if how.contains("--confirm-purge-protection cmek-sandbox"))
    );
    assert!(matches!(state(&unconfirmed, "attach"), StepState::Gated(how) if how.contains("purge protection is off")));
    let az02 = checks_with(&unconfirmed, "AZ-02")[0];
    assert_eq!((az02.status, az02.severity, az02.blocking), (CheckStatus::Fail, Severity::Critical, false));
    assert!(az02.observed.as_ref().unwrap().contains("soft delete is off"));

    // A confirmation of something irreversible is exact: another case or a space is refused.
    let mut a = answers_for_production();
    for near in ["CMEK-Sandbox", " cmek-sandbox", "cmek-sandbox "] {
        az(&mut a).confirm_purge_protection = Some(near.into());
        assert!(crate::plan::build(&a, &setup(f.clone(), Some(workspace()), vec![])).is_err(), "{near:?}");
    }
    az(&mut a).confirm_purge_protection = Some("cmek-sandbox".into());
    let confirmed = crate::plan::build(&a, &setup(f.clone(), Some(workspace()), vec![])).unwrap();
    assert_eq!(state(&confirmed, "enable_purge_protection"), StepState::Planned);
    assert_eq!(state(&confirmed, "attach"), StepState::Planned, "purge protection is turned on first");

    az(&mut a).confirm_purge_protection = Some("cmek-prod".into());
    let err = crate::plan::build(&a, &setup(f, Some(workspace()), vec![])).unwrap_err();
    assert!(matches!(&err, PlanError::Cloud { hint: Some(h), .. } if h.contains(VAULT)), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("cmek-prod") && text.contains("cmek-sandbox"), "{text}");
}

#[test]
fn purge_protection_already_on_is_already_done() {
    let plan = plan(sandbox());
    assert!(matches!(state(&plan, "enable_purge_protection"), StepState::AlreadyDone(_)));
}

fn key_plan(edit: impl FnOnce(&mut AzureKeyFacts)) -> Plan {
    let mut f = converged();
    edit(f.key.as_mut().unwrap());
    plan(f)
}

fn az11(plan: &Plan) -> Vec<(CheckStatus, Severity, bool)> {
    checks_with(plan, "AZ-11").iter().map(|c| (c.status, c.severity, c.blocking)).collect()
}

#[test]
fn validity_dates_at_their_boundaries() {
    use CheckStatus::{Fail, Pass, Warn};
    use Severity::{Critical, Low};
    let pass = (Pass, Critical, false);
    assert_eq!(az11(&key_plan(|_| {})), [pass]);
    assert_eq!(az11(&key_plan(|k| k.expires = Some(NOW))), [(Fail, Critical, true)], "expiring now is expired");
    assert_eq!(az11(&key_plan(|k| k.expires = Some(NOW + 1))), [pass, (Warn, Critical, false)]);
    assert_eq!(az11(&key_plan(|k| k.expires = Some(NOW + 30 * DAY))), [pass, (Warn, Critical, false)]);
    assert_eq!(az11(&key_plan(|k| k.expires = Some(NOW + 30 * DAY + 1))), [pass, (Warn, Low, false)]);
    assert_eq!(az11(&key_plan(|k| k.not_before = Some(NOW))), [pass]);
    assert_eq!(az11(&key_plan(|k| k.not_before = Some(NOW + 1))), [(Fail, Critical, true)]);
    assert_eq!(az11(&key_plan(|k| k.enabled = Some(false))), [(Fail, Critical, true)]);

    let soon = key_plan(|k| k.expires = Some(NOW + 1));
    assert!(checks_with(&soon, "AZ-11")[1].observed.as_ref().unwrap().contains("within a day"));
    let far = key_plan(|k| k.expires = Some(NOW + 200 * DAY));
    let warn = checks_with(&far, "AZ-11")[1];
    assert!(warn.observed.as_ref().unwrap().contains("2027-06-10T09:00:00Z"), "{:?}", warn.observed);
    assert!(
        warn.fix
            .as_ref()
            .unwrap()
            .contains("az keyvault key set-attributes --vault-name cmek-sandbox --name anthropic-cmek --expires")
    );
}

#[test]
fn key_type_size_and_ops() {
    let ids = |p: &Plan| blocking_ids(p);
    assert!(ids(&key_plan(|k| k.kty = Some("RSA-HSM".into()))).is_empty());
    assert!(ids(&key_plan(|k| k.key_size = Some(4096))).is_empty());
    assert_eq!(ids(&key_plan(|k| k.key_size = Some(3071))), ["AZ-09"]);
    assert_eq!(
        ids(&key_plan(|k| {
            k.kty = Some("EC".into());
            k.key_size = None;
        })),
        ["AZ-09"]
    );
    assert_eq!(ids(&key_plan(|k| k.key_ops = vec!["wrapKey".into()])), ["AZ-09"]);

    let extra = key_plan(|k| k.key_ops.extend(["encrypt".to_string(), "sign".to_string()]));
    assert!(extra.blocking_failures().is_empty());
    let warn = checks_with(&extra, "AZ-09").into_iter().find(|c| c.status == CheckStatus::Warn).unwrap();
    assert_eq!(warn.severity, Severity::Low);
    assert!(warn.observed.as_ref().unwrap().contains("encrypt, sign"));
}

#[test]
fn a_soft_deleted_key_of_that_name_blocks_the_create() {
    let mut f = sandbox();
    f.key_soft_deleted = Some(true);
    let plan = plan(f);
    assert_eq!(blocking_ids(&plan), ["AZ-12"]);
    assert!(
        checks_with(&plan, "AZ-12")[0]
            .fix
            .as_ref()
            .unwrap()
            .contains("az keyvault key recover --vault-name cmek-sandbox --name anthropic-cmek")
    );
}

#[test]
fn an_hsm_key_needs_a_premium_vault() {
    let mut a = answers();
    az(&mut a).hsm = true;
    let standard = crate::plan::build(&a, &setup(sandbox(), None, vec![])).unwrap();
    assert_eq!(blocking_ids(&standard), ["AZ-09"]);
    let mut f = sandbox();
    f.vault.sku = "premium".into();
    let premium = crate::plan::build(&a, &setup(f, None, vec![])).unwrap();
    assert!(premium.blocking_failures().is_empty(), "{}", describe(&premium));
    assert!(matches!(step_of(&premium, "create_azure_key"), AzureStep::CreateKey { hsm: true, .. }));
}

#[test]
fn the_vault_uri_region_and_tenant_must_be_right() {
    let mut f = sandbox();
    f.vault_uri = None;
    f.vault.uri = "https://cmek-sandbox.vault.azure.cn/".into();
    let no_uri = plan(f);
    assert_eq!(blocking_ids(&no_uri), ["AZ-14"]);
    assert!(checks_with(&no_uri, "AZ-14")[0].observed.as_ref().unwrap().contains("vault.azure.cn"));
    assert!(no_uri.step("register_key").is_none() && no_uri.step("create_azure_key").is_none());

    let mut f = sandbox();
    f.vault.location = "westeurope".into();
    let eu = plan(f);
    assert_eq!(blocking_ids(&eu), ["ANT-12"]);
    assert!(checks_with(&eu, "ANT-12")[0].observed.as_ref().unwrap().contains("westeurope"));

    let mut f = sandbox();
    f.vault.location = "East US 2".into();
    assert!(plan(f).blocking_failures().is_empty());
}

#[test]
fn audit_logging_is_warned_when_absent_or_unknown() {
    for (routed, needle) in [(Some(false), "no diagnostic setting"), (None, "could not be read")] {
        let mut f = sandbox();
        f.vault.audit_event_routed = routed;
        let plan = plan(f);
        let c = checks_with(&plan, "AZ-15")[0];
        assert_eq!((c.status, c.severity), (CheckStatus::Warn, Severity::Medium));
        assert!(c.observed.as_ref().unwrap().contains(needle));
        assert!(c.fix.as_ref().unwrap().contains(&format!("--resource {VAULT_ID}")));
    }
}

#[test]
fn a_registered_config_is_found_despite_case_and_trailing_slash() {
    let mut r = registration(&TENANT.to_ascii_uppercase(), false);
    r.config.fields.insert("vault_uri".into(), "https://CMEK-Sandbox.vault.azure.net/".into());
    r.config.fields.insert("key_name".into(), "Anthropic-CMEK".into());
    let plan = crate::plan::build(&answers(), &setup(converged(), None, vec![r])).unwrap();
    assert_eq!(
        state(&plan, "register_key"),
        StepState::AlreadyDone("the key is already registered as ekey_01azure".into())
    );
}

#[test]
fn a_new_registration_names_the_vaults_tenant_and_a_readable_name() {
    let plan = plan(sandbox());
    match &plan.step("register_key").unwrap().action {
        Action::RegisterKey { target, display_name, existing_id } => {
            let config = crate::model::azure::AzureKeyConfig::read(target.config.as_ref().unwrap()).unwrap();
            assert_eq!(config.vault_uri, "https://cmek-sandbox.vault.azure.net");
            assert_eq!(config.key_name, "anthropic-cmek");
            assert_eq!(config.tenant_id, TENANT);
            assert_eq!(display_name, "anthropic-cmek in cmek-sandbox (Azure Key Vault)");
            assert!(existing_id.is_none());
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(plan.validation(), Some(Some(p)) if p.budget == crate::plan::azure::DEFAULT_RBAC_WAIT));
}

#[test]
fn an_attached_config_in_another_tenant_says_it_cannot_change() {
    let other = "a9d3e5f1-8b2c-4d6e-9f01-23456789abcd";
    let plan = crate::plan::build(&answers(), &setup(converged(), None, vec![registration(other, true)])).unwrap();
    let c = checks_with(&plan, "AZ-13").into_iter().find(|c| c.status == CheckStatus::Fail).unwrap();
    assert!(c.fix.as_ref().unwrap().contains("cannot change"), "{:?}", c.fix);
}

#[test]
fn a_refusal_after_this_run_assigned_the_role_does_not_ask_for_the_role_again() {
    let plan = plan(sandbox());
    assert_eq!(checks_with(&plan, "AZ-07")[0].status, CheckStatus::ToDo, "the plan assigns the role");
    let error = "ForbiddenByRbac: Caller is not authorized to perform action on resource. \
                 Assignment: (not found) Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'";
    let from_the_error = crate::doctor::validation_text::causes(crate::model::ProviderKind::Azure, error);
    assert!(from_the_error.iter().any(|c| c.id == "AZ-07"), "the text alone points at the role: {from_the_error:?}");
    let causes = plan.causes_after_run(crate::model::ProviderKind::Azure, error);
    assert!(causes.iter().all(|c| c.id != "AZ-07"), "this run assigned it: {causes:?}");
}

#[test]
fn a_refusal_still_propagating_does_not_ask_for_a_role_the_plan_saw_in_place() {
    // A re-run while the role assigned by the first run is still on its way: the plan saw it.
    let plan = plan(converged());
    assert_eq!(checks_with(&plan, "AZ-07")[0].status, CheckStatus::Pass, "{}", describe(&plan));
    let error = "ForbiddenByRbac: Caller is not authorized to perform action on resource. \
                 Assignment: (not found) Action: 'Microsoft.KeyVault/vaults/keys/wrap/action'";
    let provider = crate::model::ProviderKind::Azure;
    assert!(crate::doctor::validation_text::is_propagating(provider, error));
    let from_the_error = crate::doctor::validation_text::causes(provider, error);
    assert!(from_the_error.iter().any(|c| c.id == "AZ-07"), "{from_the_error:?}");
    let causes = plan.validation_causes(provider, error);
    assert!(causes.iter().all(|c| c.id != "AZ-07"), "the role is there, not yet arrived: {causes:?}");
    // A refusal that is not propagation still points at it: the plan's view may be stale.
    assert!(plan.not_fixed_by_this_run(from_the_error, false).iter().any(|c| c.id == "AZ-07"));
}

#[test]
fn a_to_do_check_keeps_what_it_is_now_for_doctor() {
    let mut f = sandbox();
    f.vault.ip_rules = rules(&["160.79.104.0/21", "34.162.102.82/32"]);
    let plan = plan(f);
    let az05 = checks_with(&plan, "AZ-05")[0].clone();
    assert_eq!((az05.status, az05.status_now()), (CheckStatus::ToDo, CheckStatus::Warn));
    let az07 = checks_with(&plan, "AZ-07")[0].clone();
    assert_eq!(az07.status_now(), CheckStatus::Fail);
}
