//! The `az` CLI (azure-cli from its own venv, `.test-peers/az`, scripts/install-test-peers.sh; or
//! `CMEK_TEST_AZ_CLI`) with nothing but `cmek sandbox`'s exports and a private config directory:
//! it signs in as the customer's service principal against the emulated Entra ID, reads the key
//! `cmek setup --provider azure` created, finds Anthropic's service principal in Graph and lists
//! the role assignments on the key, all by the real host names through the sandbox's proxy. A
//! missing `az` FAILS the test.

use std::process::Command;

use serde_json::Value;

use crate::foreground::Foreground;
use crate::peers::az_cli;
use crate::sandbox_home::SandboxHome;

const KEY_SCOPE: &str = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/\
                         Microsoft.KeyVault/vaults/cmek-sandbox/keys/anthropic-cmek";

#[test]
fn az_signs_in_reads_the_key_and_lists_its_role_assignments() {
    let home = SandboxHome::new();
    let setup = home.setup(false, "azure", &["--workspace", "production", "--confirm-attach", "production"]);
    assert_eq!(setup.code, 0, "{setup:?}");

    let sandbox = Foreground::start(home.path(), &["sandbox", "--state", home.state_file().to_str().unwrap()]);
    let config = home.path().join("azure-config");
    let az = |args: &[&str]| -> Value {
        let out = Command::new(az_cli())
            .env_clear()
            .env("PATH", std::env::var("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("AZURE_CONFIG_DIR", &config)
            .env("AZURE_CORE_COLLECT_TELEMETRY", "false")
            .envs(&sandbox.exports)
            .args(args)
            .args(["--output", "json"])
            .output()
            .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "az {args:?} failed:\n{stdout}\n{stderr}");
        serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("az {args:?}: {e}: {stdout}"))
    };
    let e = &sandbox.exports;
    let login = az(&[
        "login",
        "--service-principal",
        "--username",
        &e["AZURE_CLIENT_ID"],
        "--password",
        &e["CMEK_SANDBOX_AZURE_CLIENT_SECRET"],
        "--tenant",
        &e["AZURE_TENANT_ID"],
    ]);
    assert_eq!(login[0]["tenantId"], e["AZURE_TENANT_ID"].as_str(), "{login}");
    assert_eq!(login[0]["name"], "cmek-sandbox-subscription", "{login}");

    let key = az(&["keyvault", "key", "show", "--vault-name", "cmek-sandbox", "--name", "anthropic-cmek"]);
    let kid = key["key"]["kid"].as_str().unwrap();
    assert!(kid.starts_with("https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek/"), "{kid}");
    assert_eq!(key["key"]["kty"], "RSA");
    assert_eq!(key["key"]["keyOps"], serde_json::json!(["wrapKey", "unwrapKey"]));
    let org_tag = format!("anthropic-org-{}", cmek_sandbox::platform::seed::ORG_ID);
    assert_eq!(key["tags"][&org_tag], "true", "{key}");

    let app = &cmek_core::identities::published().azure.app_client_id;
    let anthropic = az(&["ad", "sp", "list", "--filter", &format!("appId eq '{app}'")]);
    let anthropic = anthropic[0]["id"].as_str().unwrap().to_string();

    let assignments = az(&["role", "assignment", "list", "--scope", KEY_SCOPE, "--include-inherited"]);
    let assignments = assignments.as_array().unwrap();
    let on_the_key = assignments.iter().find(|a| a["scope"] == KEY_SCOPE).unwrap_or_else(|| panic!("{assignments:?}"));
    assert_eq!(on_the_key["roleDefinitionName"], "Key Vault Crypto User");
    assert_eq!(on_the_key["principalId"], anthropic.as_str());
    // Named through Graph's getByIds, as az names a service principal: by its first name.
    assert_eq!(on_the_key["principalName"], app.as_str(), "{on_the_key}");
    assert!(
        assignments.iter().any(|a| a["roleDefinitionName"] == "Owner"),
        "the customer's, inherited: {assignments:?}"
    );
    assert_eq!(sandbox.interrupt(), 0);
}
