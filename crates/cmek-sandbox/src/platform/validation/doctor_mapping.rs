//! The sentences the sandbox's Azure validation produces, verbatim, are the ones doctor maps to
//! its AZ ids: the emulator and the diagnosis must not drift apart.

use cmek_core::doctor::azure::validation_text::{causes, is_rbac_refusal};

use super::azure_messages as say;

fn ids(text: &str) -> Vec<&'static str> {
    causes(text).into_iter().map(|c| c.id).collect()
}

const KEY: &str = "https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek";
const TENANT: &str = "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f";

#[test]
fn each_maps_to_its_az_id() {
    assert_eq!(ids(&say::sp_missing(TENANT, KEY)), ["AZ-06"]);
    let issuer =
        "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/a/, found https://sts.windows.net/b/.";
    assert_eq!(ids(&say::invalid_issuer(TENANT, KEY, issuer)), ["AZ-13"]);
    let rbac = say::forbidden_by_rbac("Microsoft.KeyVault/vaults/keys/read", TENANT, KEY);
    assert_eq!(ids(&rbac), ["AZ-08", "AZ-07"]);
    assert!(is_rbac_refusal(&rbac));
    assert_eq!(ids(&say::forbidden_by_policy("get", TENANT, KEY)), ["AZ-01"]);
    assert_eq!(ids(&say::forbidden_by_firewall("160.79.104.10", KEY)), ["AZ-04"]);
    assert_eq!(ids(&say::forbidden_by_connection(KEY)), ["AZ-03"]);
    assert_eq!(ids(&say::unsupported_key(KEY, "RSA", Some(2048))), ["AZ-09"]);
    assert_eq!(ids(&say::missing_ops(KEY, &["encrypt".into()])), ["AZ-09"]);
    assert_eq!(ids(&say::disabled(KEY)), ["AZ-11"]);
    assert_eq!(ids(&say::expired(KEY, 1)), ["AZ-11"]);
    assert_eq!(ids(&say::not_yet_valid(KEY, 1)), ["AZ-11"]);
    assert_eq!(ids(&say::org_tag(KEY, "o", None)), ["AZ-10"]);
    assert_eq!(ids(&say::key_not_found(KEY)), ["AZ-12"]);
    assert_eq!(ids(&say::timeout(KEY, std::time::Duration::from_secs(30))), ["ANT-07"]);
    let tenant_unknown = say::sign_in_refused(TENANT, KEY, "AADSTS90002: Tenant 'x' not found.");
    assert_eq!(ids(&tenant_unknown), ["AZ-13"]);
}

#[test]
fn fixes_are_az_commands_for_the_vault_and_key_in_the_text() {
    let fix = |text: &str, id: &str| causes(text).into_iter().find(|c| c.id == id).unwrap().fix.unwrap();
    assert_eq!(
        fix(&say::disabled(KEY), "AZ-11"),
        "`az keyvault key set-attributes --vault-name cmek-sandbox --name anthropic-cmek --enabled true`"
    );
    assert!(
        fix(&say::forbidden_by_firewall("160.79.104.10", KEY), "AZ-04")
            .contains("az keyvault network-rule add --name cmek-sandbox --ip-address 160.79.104.0/21")
    );
    assert!(
        fix(&say::key_not_found(KEY), "AZ-12")
            .contains("az keyvault key recover --vault-name cmek-sandbox --name anthropic-cmek")
    );
    assert!(
        fix(&say::sp_missing(TENANT, KEY), "AZ-06")
            .contains("az ad sp create --id 8635ae1a-3e5d-44e8-a4ed-e0f614466f87")
    );
    assert!(fix(&say::forbidden_by_rbac("x", TENANT, KEY), "AZ-07").contains("/keys/anthropic-cmek"));
}
