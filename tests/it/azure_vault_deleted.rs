//! `azure-vault-deleted`: the registered key's vault is soft-deleted. `cmek setup` naming it stops
//! with AZ-12 and the recover command, changing nothing; `cmek doctor` fails AZ-12 (critical).

use crate::sandbox_home::SandboxHome;

const SCENARIO: &str = "azure-vault-deleted";

const SETUP: &[&str] = &[
    "setup",
    "--non-interactive",
    "--provider",
    "azure",
    "--azure-vault",
    "cmek-sandbox",
    "--workspace",
    "production",
];

#[test]
fn setup_on_a_deleted_vault_names_az12_and_the_recover_command_and_changes_nothing() {
    let home = SandboxHome::with_scenario(SCENARIO);
    let r = home.cmek(SETUP);
    assert_eq!(r.code, 1, "{r:?}");
    assert!(r.stderr.contains("AZ-12: vault cmek-sandbox was deleted on "), "{r:?}");
    assert!(r.stderr.contains(" and can be recovered until "), "{r:?}");
    assert!(
        r.stderr.contains("az keyvault recover --name cmek-sandbox --resource-group cmek-sandbox (then re-run)"),
        "{r:?}"
    );
    let before = home.state();
    assert_eq!(before["azure"]["deletedVaults"][0]["vault"]["name"], "cmek-sandbox", "saved with the sandbox");
    let again = home.cmek(SETUP);
    assert_eq!(again.code, 1, "{again:?}");
    assert_eq!(home.state(), before, "setup changed nothing");
}

#[test]
fn setup_without_a_vault_named_offers_the_deleted_one_for_recovery() {
    let home = SandboxHome::with_scenario(SCENARIO);
    let r = home.cmek(&["setup", "--non-interactive", "--provider", "azure", "--workspace", "production"]);
    assert_eq!(r.code, 2, "nothing in reach is a usage error: {r:?}");
    assert!(r.stderr.contains("no Key Vault is visible"), "{r:?}");
    assert!(r.stderr.contains("hint: AZ-12: vault cmek-sandbox was deleted on "), "{r:?}");
    assert!(r.stderr.contains("az keyvault recover --name cmek-sandbox --resource-group cmek-sandbox"), "{r:?}");
}
