//! Azure Policy in the Azure emulator over HTTPS: assignments listed at the vault (inherited from
//! the resource group), the built-in definition, Deny enforced on a vault PATCH with ARM's
//! `RequestDisallowedByPolicy`, and an exemption for the vault lifting it; then the provider's
//! `policy_denials` reading the same world.

use cmek_sandbox::azure::policy::KV_DISABLE_PUBLIC_ACCESS;
use cmek_sandbox::azure::state::PolicyAssignment;
use cmek_sandbox::azure::{LOCATION, RESOURCE_GROUP, RunningAzure, SUBSCRIPTION_ID, VAULT_NAME};
use serde_json::{Value, json};

use super::azure_emulator::{credential, emulator, http};

const POLICY_VERSION: &str = "api-version=2023-04-01";
const EXEMPTION_VERSION: &str = "api-version=2022-07-01-preview";

fn url(az: &RunningAzure, path: &str, query: &str) -> String {
    format!("https://management.azure.com:{}{path}?{query}", az.port())
}

fn rg_path() -> String {
    format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}")
}

fn vault_path() -> String {
    format!("{}/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}", rg_path())
}

fn assignment_id() -> String {
    format!("{}/providers/Microsoft.Authorization/policyAssignments/deny-kv-public", rg_path())
}

/// Public access off on the seeded vault, the built-in assigned at the resource group with `effect`.
pub fn deny_public_at_rg(az: &RunningAzure, effect: Option<&str>, not_scopes: Vec<String>) {
    az.with_state(|s| {
        if let Some(v) = s.vault_mut(VAULT_NAME) {
            v.public_network_access = "Disabled".into();
        }
        s.policy_assignments.push(PolicyAssignment {
            name: "deny-kv-public".into(),
            scope: rg_path(),
            display_name: "Deny Key Vault public access".into(),
            policy_definition_id: format!(
                "/providers/Microsoft.Authorization/policyDefinitions/{KV_DISABLE_PUBLIC_ACCESS}"
            ),
            parameters: effect.map(|e| json!({ "effect": { "value": e } })).unwrap_or(json!({})),
            not_scopes,
            enforcement_mode: "Default".into(),
        });
    });
}

async fn send(az: &RunningAzure, method: reqwest::Method, url: &str, body: Option<Value>) -> (u16, Value) {
    let token = credential(az, &az.customer())
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .unwrap()
        .token
        .secret()
        .to_string();
    let mut request = http(az).request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

fn enable_public() -> Value {
    json!({ "properties": { "publicNetworkAccess": "Enabled" } })
}

#[tokio::test]
async fn a_deny_assignment_refuses_turning_public_access_on_until_the_vault_is_exempted() {
    let az = emulator().await;
    deny_public_at_rg(&az, Some("Deny"), Vec::new());
    let vault_url = url(&az, &vault_path(), "api-version=2023-07-01");

    // Listed at the vault: inherited from the resource group, in ARM's shape.
    let listing = url(
        &az,
        &format!("{}/providers/Microsoft.Authorization/policyAssignments", vault_path()),
        &format!("$filter=atScope()&{POLICY_VERSION}"),
    );
    let (status, listed) = send(&az, reqwest::Method::GET, &listing, None).await;
    assert_eq!(status, 200, "{listed}");
    let a = &listed["value"][0];
    assert_eq!(a["id"], assignment_id());
    assert_eq!(a["properties"]["scope"], rg_path());
    assert_eq!(a["properties"]["parameters"]["effect"]["value"], "Deny");

    let definition = url(
        &az,
        &format!("/providers/Microsoft.Authorization/policyDefinitions/{KV_DISABLE_PUBLIC_ACCESS}"),
        POLICY_VERSION,
    );
    let (status, d) = send(&az, reqwest::Method::GET, &definition, None).await;
    assert_eq!(status, 200, "{d}");
    assert_eq!(d["properties"]["displayName"], "Azure Key Vault should disable public network access");
    assert_eq!(d["properties"]["policyRule"]["then"]["effect"], "[parameters('effect')]");

    let (status, err) = send(&az, reqwest::Method::PATCH, &vault_url, Some(enable_public())).await;
    assert_eq!(status, 403, "{err}");
    assert_eq!(err["error"]["code"], "RequestDisallowedByPolicy");
    let message = err["error"]["message"].as_str().unwrap();
    assert!(message.contains(&assignment_id()) && message.contains("Deny Key Vault public access"), "{message}");
    let (_, vault) = send(&az, reqwest::Method::GET, &vault_url, None).await;
    assert_eq!(vault["properties"]["publicNetworkAccess"], "Disabled", "nothing changed");

    let exemption = url(
        &az,
        &format!("{}/providers/Microsoft.Authorization/policyExemptions/cmek-anthropic", vault_path()),
        EXEMPTION_VERSION,
    );
    let body = json!({ "properties": { "policyAssignmentId": assignment_id(), "exemptionCategory": "Waiver",
        "description": "Claude Platform CMEK" } });
    let (status, created) = send(&az, reqwest::Method::PUT, &exemption, Some(body)).await;
    assert_eq!(status, 201, "{created}");

    let (status, vault) = send(&az, reqwest::Method::PATCH, &vault_url, Some(enable_public())).await;
    assert_eq!(status, 200, "{vault}");
    assert_eq!(vault["properties"]["publicNetworkAccess"], "Enabled");
}

#[tokio::test]
async fn audit_effect_and_not_scopes_do_not_refuse() {
    let az = emulator().await;
    deny_public_at_rg(&az, None, Vec::new());
    let vault_url = url(&az, &vault_path(), "api-version=2023-07-01");
    // The definition's default effect is Audit: the write goes through.
    let (status, body) = send(&az, reqwest::Method::PATCH, &vault_url, Some(enable_public())).await;
    assert_eq!(status, 200, "{body}");

    let az = emulator().await;
    deny_public_at_rg(&az, Some("Deny"), vec![vault_path()]);
    let (status, body) =
        send(&az, reqwest::Method::PATCH, &url(&az, &vault_path(), "api-version=2023-07-01"), Some(enable_public()))
            .await;
    assert_eq!(status, 200, "{body}");
}

fn vault_id() -> cmek_core::model::azure::VaultResourceId {
    cmek_core::model::azure::VaultResourceId::parse(&vault_path()).unwrap()
}

#[tokio::test]
async fn the_provider_reports_the_deny_assignment_until_the_vault_is_exempted() {
    let az = emulator().await;
    let azure = super::azure_provider::provider_for(&az);
    assert_eq!(
        azure.policy_denials(&vault_id(), LOCATION).await.unwrap(),
        Vec::new(),
        "the seeded world has no policy"
    );

    deny_public_at_rg(&az, Some("Deny"), Vec::new());
    let denials = azure.policy_denials(&vault_id(), LOCATION).await.unwrap();
    assert_eq!(
        denials,
        vec![cmek_core::model::azure::PolicyDenialFacts {
            assignment_id: assignment_id(),
            display_name: "Deny Key Vault public access".into(),
            scope: rg_path(),
            definition_id: format!("/providers/Microsoft.Authorization/policyDefinitions/{KV_DISABLE_PUBLIC_ACCESS}"),
            definition_reference_id: None,
        }]
    );

    let exemption = url(
        &az,
        &format!("{}/providers/Microsoft.Authorization/policyExemptions/cmek-anthropic", vault_path()),
        EXEMPTION_VERSION,
    );
    let body = json!({ "properties": { "policyAssignmentId": assignment_id(), "exemptionCategory": "Waiver" } });
    assert_eq!(send(&az, reqwest::Method::PUT, &exemption, Some(body)).await.0, 201);
    assert_eq!(azure.policy_denials(&vault_id(), LOCATION).await.unwrap(), Vec::new());
}

#[tokio::test]
async fn audit_and_excluded_assignments_are_not_denials_and_a_reader_without_rights_gets_an_error() {
    let az = emulator().await;
    let azure = super::azure_provider::provider_for(&az);
    deny_public_at_rg(&az, None, Vec::new());
    assert_eq!(azure.policy_denials(&vault_id(), LOCATION).await.unwrap(), Vec::new(), "default effect Audit");

    let az = emulator().await;
    let azure = super::azure_provider::provider_for(&az);
    deny_public_at_rg(&az, Some("Deny"), vec![vault_path()]);
    assert_eq!(azure.policy_denials(&vault_id(), LOCATION).await.unwrap(), Vec::new(), "the vault is in notScopes");

    az.with_state(|s| s.role_assignments.clear());
    let err = azure.policy_denials(&vault_id(), LOCATION).await.unwrap_err();
    assert_eq!(err.code.as_deref(), Some("AuthorizationFailed"), "{err}");
}

const SCENARIO: &str = "azure-policy-deny-public";
const SETUP: &[&str] = &["--azure-allow-public-access", "--workspace", "production"];

/// Adds the exemption `cmek setup` prints to a saved sandbox, through the emulator's ARM (as
/// `az policy exemption create` would), and saves the world again.
async fn exempt_the_vault(world: &super::doctor_support::World, assignment: &str) {
    let path = world.state_file();
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let state: cmek_sandbox::azure::AzureState = serde_json::from_value(doc["azure"].clone()).unwrap();
    let az = cmek_sandbox::azure::start(cmek_sandbox::azure::AzureEmulatorConfig {
        state,
        ..cmek_sandbox::azure::AzureEmulatorConfig::new()
    })
    .await
    .unwrap();
    let exemption = url(
        &az,
        &format!("{}/providers/Microsoft.Authorization/policyExemptions/cmek-anthropic", vault_path()),
        EXEMPTION_VERSION,
    );
    let body = json!({ "properties": { "policyAssignmentId": assignment, "exemptionCategory": "Waiver",
        "description": "Claude Platform CMEK: Anthropic calls Key Vault's public endpoint from 160.79.104.0/21" } });
    let (status, created) = send(&az, reqwest::Method::PUT, &exemption, Some(body)).await;
    assert_eq!(status, 201, "{created}");
    doc["azure"] = serde_json::to_value(az.with_state(|s| s.clone())).unwrap();
    std::fs::write(&path, serde_json::to_string(&doc).unwrap()).unwrap();
}

#[tokio::test]
async fn setup_stops_on_az_16_with_the_exemption_and_succeeds_once_the_vault_is_exempted() {
    let world = super::doctor_support::World::new(SCENARIO);
    let r = world.setup("azure", SETUP);
    assert_eq!(r.code, 1, "{r:?}");
    let doc = r.json();
    let az16 = doc["checks"].as_array().unwrap().iter().find(|c| c["id"] == "AZ-16").cloned().expect("AZ-16");
    assert_eq!(az16["status"], "fail", "{az16}");
    let fix = az16["fix"].as_str().unwrap();
    let assignment =
        format!("{}/providers/Microsoft.Authorization/policyAssignments/deny-kv-public-network", rg_path());
    assert!(
        fix.starts_with(&format!(
            "az policy exemption create --name cmek-anthropic --policy-assignment {assignment} --exemption-category \
             Waiver --scope {} --description",
            vault_path()
        )),
        "{fix}"
    );
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(world.state_file()).unwrap()).unwrap();
    let vault = saved["azure"]["vaults"].as_array().unwrap().iter().find(|v| v["name"] == VAULT_NAME).unwrap().clone();
    assert_eq!(vault["publicNetworkAccess"], "Disabled", "nothing was changed");
    let consented = saved["azure"]["servicePrincipals"]
        .as_array()
        .unwrap()
        .iter()
        .any(|sp| sp["appId"].as_str() == Some(cmek_core::identities::published().azure.app_client_id.as_str()));
    assert!(!consented, "no consent was made");

    let doctor = world.doctor(true, &["--provider", "azure"]);
    assert_eq!(doctor.code, 1, "{doctor:?}");
    assert!(doctor.ids("fail").contains(&"AZ-16".to_string()), "{doctor:?}");

    exempt_the_vault(&world, &assignment).await;
    let r = world.setup("azure", SETUP);
    assert_eq!(r.code, 0, "{r:?}");
    let az16 = r.json()["checks"].as_array().unwrap().iter().find(|c| c["id"] == "AZ-16").cloned().unwrap();
    assert_eq!(az16["status"], "pass", "{az16}");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(world.state_file()).unwrap()).unwrap();
    let vault = saved["azure"]["vaults"].as_array().unwrap().iter().find(|v| v["name"] == VAULT_NAME).unwrap().clone();
    assert_eq!(vault["publicNetworkAccess"], "Enabled", "turned on under the exemption");
}

/// A landing zone's initiative at the subscription (as Azure Landing Zones' "Deny-PublicPaaSEndpoints"
/// assigns it): the Key Vault member with `[parameters('kvEffect')]`, the firewall built-in beside it.
fn landing_zone_initiative(az: &RunningAzure) -> String {
    let subscription = format!("/subscriptions/{SUBSCRIPTION_ID}");
    let set_id =
        format!("{subscription}/providers/Microsoft.Authorization/policySetDefinitions/Deny-PublicPaaSEndpoints");
    let builtin = |g: &str| format!("/providers/Microsoft.Authorization/policyDefinitions/{g}");
    az.with_state(|s| {
        s.policy_set_definitions.push(json!({
            "id": set_id,
            "name": "Deny-PublicPaaSEndpoints",
            "type": "Microsoft.Authorization/policySetDefinitions",
            "properties": {
                "displayName": "Public network access should be disabled for PaaS services",
                "policyType": "Custom",
                "parameters": { "kvEffect": { "type": "String", "defaultValue": "Deny" },
                                "fwEffect": { "type": "String", "defaultValue": "Deny" } },
                "policyDefinitions": [
                    { "policyDefinitionReferenceId": "KeyVaultDenyPaasPublicNetwork",
                      "policyDefinitionId": builtin(KV_DISABLE_PUBLIC_ACCESS),
                      "parameters": { "effect": { "value": "[parameters('kvEffect')]" } } },
                    { "policyDefinitionReferenceId": "KeyVaultDenyPaasPublicIP",
                      "policyDefinitionId": builtin(cmek_sandbox::azure::policy::KV_FIREWALL_ENABLED),
                      "parameters": { "effect": { "value": "[parameters('fwEffect')]" } } }
                ]
            }
        }));
        s.policy_assignments.push(PolicyAssignment {
            name: "Deny-Public-Endpoints".into(),
            scope: subscription.clone(),
            display_name: "Public network access should be disabled for PaaS services".into(),
            policy_definition_id: set_id.clone(),
            parameters: json!({}),
            not_scopes: Vec::new(),
            enforcement_mode: "Default".into(),
        });
    });
    format!("{subscription}/providers/Microsoft.Authorization/policyAssignments/Deny-Public-Endpoints")
}

#[tokio::test]
async fn an_initiative_member_denies_until_that_member_is_exempted() {
    let az = emulator().await;
    let azure = super::azure_provider::provider_for(&az);
    let assignment = landing_zone_initiative(&az);
    let denials = azure.policy_denials(&vault_id(), LOCATION).await.unwrap();
    assert_eq!(denials.len(), 1, "only the public access member: the firewall member is satisfied: {denials:?}");
    assert_eq!(denials[0].assignment_id, assignment);
    assert_eq!(denials[0].definition_reference_id.as_deref(), Some("KeyVaultDenyPaasPublicNetwork"));

    // The seeded vault has public access on: any write is refused while the member applies.
    let vault_url = url(&az, &vault_path(), "api-version=2023-07-01");
    let body = json!({ "properties": { "networkAcls": { "ipRules": [{ "value": "160.79.104.0/21" }] } } });
    let (status, err) = send(&az, reqwest::Method::PATCH, &vault_url, Some(body.clone())).await;
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("RequestDisallowedByPolicy")), "{err}");

    // Exempting another member changes nothing; exempting the Key Vault one lifts it.
    let exemption = |name: &str| {
        url(
            &az,
            &format!("{}/providers/Microsoft.Authorization/policyExemptions/{name}", vault_path()),
            EXEMPTION_VERSION,
        )
    };
    let member = |r: &str| {
        json!({ "properties": { "policyAssignmentId": assignment, "exemptionCategory": "Waiver",
            "policyDefinitionReferenceIds": [r] } })
    };
    let (status, _) =
        send(&az, reqwest::Method::PUT, &exemption("other"), Some(member("KeyVaultDenyPaasPublicIP"))).await;
    assert_eq!(status, 201);
    assert_eq!(azure.policy_denials(&vault_id(), LOCATION).await.unwrap().len(), 1);
    let (status, _) =
        send(&az, reqwest::Method::PUT, &exemption("cmek-anthropic"), Some(member("KeyVaultDenyPaasPublicNetwork")))
            .await;
    assert_eq!(status, 201);
    assert_eq!(azure.policy_denials(&vault_id(), LOCATION).await.unwrap(), Vec::new());
    let (status, vault) = send(&az, reqwest::Method::PATCH, &vault_url, Some(body)).await;
    assert_eq!(status, 200, "{vault}");
}
