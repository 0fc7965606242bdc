//! The Azure emulator's ARM and Microsoft Graph surfaces over HTTPS (sandbox CA, real host
//! names resolved to loopback) with tokens from the official `azure_identity` credential:
//! vault properties and their irreversible settings, role assignments and definitions,
//! diagnostic settings, subscription and vault listings, consent to Anthropic's app.

use cmek_sandbox::azure::roles::{KEY_VAULT_ADMINISTRATOR, KEY_VAULT_CRYPTO_USER};
use cmek_sandbox::azure::{CUSTOMER_TENANT, RunningAzure, SUBSCRIPTION_ID, VAULT_NAME};
use serde_json::{Value, json};

use super::azure_emulator::{credential, emulator, http};

const ARM_VERSION: &str = "api-version=2023-07-01";
const AUTH_VERSION: &str = "api-version=2022-04-01";

fn arm_url(az: &RunningAzure, path: &str, version: &str) -> String {
    format!("https://management.azure.com:{}{path}?{version}", az.port())
}

fn vault_path() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    )
}

async fn customer_token(az: &RunningAzure, scope: &str) -> String {
    credential(az, &az.customer()).get_token(&[scope], None).await.unwrap().token.secret().to_string()
}

async fn send(az: &RunningAzure, method: reqwest::Method, url: &str, token: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = http(az).request(method, url).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let text = response.text().await.unwrap();
    (status, serde_json::from_str(&text).unwrap_or(Value::Null))
}

#[tokio::test]
async fn vault_is_seeded_correctly_and_patch_keeps_purge_protection_irreversible() {
    let az = emulator().await;
    let token = customer_token(&az, "https://management.azure.com/.default").await;
    let url = arm_url(&az, &vault_path(), ARM_VERSION);
    let (status, vault) = send(&az, reqwest::Method::GET, &url, &token, None).await;
    assert_eq!(status, 200, "{vault}");
    let p = &vault["properties"];
    assert_eq!(p["enableRbacAuthorization"], true);
    assert_eq!(p["enablePurgeProtection"], true);
    assert_eq!(p["enableSoftDelete"], true);
    assert_eq!(p["publicNetworkAccess"], "Enabled");
    assert_eq!(p["networkAcls"]["defaultAction"], "Deny");
    assert_eq!(p["networkAcls"]["ipRules"][0]["value"], "160.79.104.0/21");
    assert_eq!(p["vaultUri"], "https://cmek-sandbox.vault.azure.net/");
    assert_eq!(p["tenantId"], CUSTOMER_TENANT);
    assert_eq!(p["sku"], json!({ "family": "A", "name": "standard" }));
    assert_eq!(vault["location"], "eastus2");

    let (status, err) = send(
        &az,
        reqwest::Method::PATCH,
        &url,
        &token,
        Some(json!({ "properties": { "enablePurgeProtection": false } })),
    )
    .await;
    assert_eq!(status, 400);
    assert!(err["error"]["message"].as_str().unwrap().contains("irreversible"));

    let patch = json!({ "properties": { "publicNetworkAccess": "Disabled", "networkAcls": { "defaultAction": "Allow", "ipRules": [] } } });
    let (status, vault) = send(&az, reqwest::Method::PATCH, &url, &token, Some(patch)).await;
    assert_eq!(status, 200);
    assert_eq!(vault["properties"]["publicNetworkAccess"], "Disabled");
    assert_eq!(vault["properties"]["enablePurgeProtection"], true);
    assert_eq!(az.state().vaults[0].network_acls.default_action, "Allow");

    // Listings find "the one vault in reach".
    let (_, subs) =
        send(&az, reqwest::Method::GET, &arm_url(&az, "/subscriptions", "api-version=2022-12-01"), &token, None).await;
    assert_eq!(subs["value"][0]["subscriptionId"], SUBSCRIPTION_ID);
    let list = format!("/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.KeyVault/vaults");
    let (_, vaults) = send(&az, reqwest::Method::GET, &arm_url(&az, &list, ARM_VERSION), &token, None).await;
    assert_eq!(vaults["value"].as_array().unwrap().len(), 1);

    // No token, no api-version, the wrong audience.
    let response = http(&az).get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let (status, _) = send(&az, reqwest::Method::GET, &url.replace(ARM_VERSION, ""), &token, None).await;
    assert_eq!(status, 400);
    let vault_token = customer_token(&az, "https://vault.azure.net/.default").await;
    let (status, _) = send(&az, reqwest::Method::GET, &url, &vault_token, None).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn role_assignments_put_list_conflict_delete_and_definitions() {
    let az = emulator().await;
    let token = customer_token(&az, "https://management.azure.com/.default").await;
    let scope = format!("{}/keys/cmek", vault_path());
    let name = "5b0c3a52-1f0e-4d7a-9c1b-0e2f3a4b5c6d";
    let url = arm_url(&az, &format!("{scope}/providers/Microsoft.Authorization/roleAssignments/{name}"), AUTH_VERSION);
    let body = |principal: &str| {
        json!({ "properties": {
            "roleDefinitionId": format!("/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{KEY_VAULT_CRYPTO_USER}"),
            "principalId": principal,
            "principalType": "ServicePrincipal",
        }})
    };
    // Anthropic's service principal does not exist yet.
    let (status, err) =
        send(&az, reqwest::Method::PUT, &url, &token, Some(body("11111111-2222-4333-8444-555555555555"))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (400, Some("PrincipalNotFound")));

    let sp = az.with_state(|s| {
        s.create_service_principal(&cmek_core::identities::published().azure.app_client_id, "anthropic")
    });
    let (status, created) = send(&az, reqwest::Method::PUT, &url, &token, Some(body(&sp))).await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["properties"]["scope"], scope);
    let other = url.replace(name, "6b0c3a52-1f0e-4d7a-9c1b-0e2f3a4b5c6d");
    let (status, err) = send(&az, reqwest::Method::PUT, &other, &token, Some(body(&sp))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("RoleAssignmentExists")));

    let list = |filter: &str| {
        arm_url(
            &az,
            &format!("{scope}/providers/Microsoft.Authorization/roleAssignments"),
            &format!("{AUTH_VERSION}&$filter={filter}"),
        )
    };
    let (_, at_scope) = send(&az, reqwest::Method::GET, &list("atScope()"), &token, None).await;
    // The key-scope assignment plus the customer's two at the resource group.
    assert_eq!(at_scope["value"].as_array().unwrap().len(), 3);
    let (_, mine) = send(&az, reqwest::Method::GET, &list(&format!("principalId eq '{sp}'")), &token, None).await;
    assert_eq!(mine["value"].as_array().unwrap().len(), 1);

    let (status, _) = send(&az, reqwest::Method::DELETE, &url, &token, None).await;
    assert_eq!(status, 200);
    let (_, mine) = send(&az, reqwest::Method::GET, &list(&format!("principalId eq '{sp}'")), &token, None).await;
    assert!(mine["value"].as_array().unwrap().is_empty());

    let def = arm_url(
        &az,
        &format!(
            "/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/{KEY_VAULT_ADMINISTRATOR}"
        ),
        AUTH_VERSION,
    );
    let (status, d) = send(&az, reqwest::Method::GET, &def, &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(d["properties"]["roleName"], "Key Vault Administrator");
}

#[tokio::test]
async fn diagnostic_settings_list_and_put() {
    let az = emulator().await;
    let token = customer_token(&az, "https://management.azure.com/.default").await;
    let base = format!("{}/providers/Microsoft.Insights/diagnosticSettings", vault_path());
    let (status, list) =
        send(&az, reqwest::Method::GET, &arm_url(&az, &base, "api-version=2021-05-01-preview"), &token, None).await;
    assert_eq!(status, 200);
    assert_eq!(list["value"][0]["properties"]["logs"][0]["category"], "AuditEvent");
    let put = json!({ "properties": { "storageAccountId": "/subscriptions/x/sa", "logs": [{ "categoryGroup": "audit", "enabled": true }] } });
    let url = arm_url(&az, &format!("{base}/second"), "api-version=2021-05-01-preview");
    let (status, _) = send(&az, reqwest::Method::PUT, &url, &token, Some(put)).await;
    assert_eq!(status, 200);
    assert_eq!(az.state().vaults[0].diagnostic_settings.len(), 2);
}

#[tokio::test]
async fn graph_consent_creates_the_service_principal_that_enables_anthropic_tokens() {
    let az = emulator().await;
    let app = cmek_core::identities::published().azure.app_client_id.clone();
    let token = customer_token(&az, "https://graph.microsoft.com/.default").await;
    let base = format!("https://graph.microsoft.com:{}/v1.0/servicePrincipals", az.port());
    let lookup = format!("{base}?$filter=appId eq '{app}'");
    let (status, found) = send(&az, reqwest::Method::GET, &lookup, &token, None).await;
    assert_eq!(status, 200);
    assert!(found["value"].as_array().unwrap().is_empty());

    // Without a consent-capable directory role: refused.
    az.with_state(|s| s.principals[0].directory_roles.clear());
    let (status, err) = send(&az, reqwest::Method::POST, &base, &token, Some(json!({ "appId": app }))).await;
    assert_eq!((status, err["error"]["code"].as_str()), (403, Some("Authorization_RequestDenied")));

    az.with_state(|s| s.principals[0].directory_roles = vec!["Cloud Application Administrator".to_string()]);
    let (status, created) = send(&az, reqwest::Method::POST, &base, &token, Some(json!({ "appId": app }))).await;
    assert_eq!(status, 201, "{created}");
    let id = created["id"].as_str().unwrap().to_string();
    let (_, found) = send(&az, reqwest::Method::GET, &lookup, &token, None).await;
    assert_eq!(found["value"][0]["id"], id.as_str());
    let (status, _) = send(&az, reqwest::Method::POST, &base, &token, Some(json!({ "appId": app }))).await;
    assert_eq!(status, 409);

    // By object id, as `az role assignment list` names the principals it lists: ids the
    // directory does not hold are left out, and a types list without servicePrincipal finds none.
    let by_ids = format!("https://graph.microsoft.com:{}/v1.0/directoryObjects/getByIds", az.port());
    let ask = |types: Value| json!({ "ids": [id, "00000000-0000-0000-0000-000000000000", id], "types": types });
    let (status, objects) =
        send(&az, reqwest::Method::POST, &by_ids, &token, Some(ask(json!(["user", "servicePrincipal"])))).await;
    assert_eq!(status, 200, "{objects}");
    let objects = objects["value"].as_array().unwrap();
    assert_eq!(objects.len(), 1, "{objects:?}");
    assert_eq!(objects[0]["@odata.type"], "#microsoft.graph.servicePrincipal");
    assert_eq!(objects[0]["servicePrincipalNames"], json!([app]));
    let (_, users) = send(&az, reqwest::Method::POST, &by_ids, &token, Some(ask(json!(["user"])))).await;
    assert_eq!(users["value"], json!([]));
    let (status, _) = send(&az, reqwest::Method::POST, &by_ids, &token, Some(json!({ "types": ["user"] }))).await;
    assert_eq!(status, 400, "ids are required");
    let (status, _) = send(&az, reqwest::Method::POST, &by_ids, &token, Some(ask(json!("user")))).await;
    assert_eq!(status, 400, "types is a list");

    // Now Anthropic's app gets a token in the customer tenant, with the new object id.
    let anthropic = az.anthropic();
    assert_eq!(anthropic.object_id, id);
    let vault_token = credential(&az, &anthropic).get_token(&["https://vault.azure.net/.default"], None).await.unwrap();
    assert!(!vault_token.token.secret().is_empty());
}

#[tokio::test]
async fn managed_identity_endpoint_needs_its_header() {
    let az = emulator().await;
    let (endpoint, header) = az.managed_identity();
    let url = format!("{endpoint}?api-version=2019-08-01&resource=https://vault.azure.net");
    let response = http(&az).get(&url).send().await.unwrap();
    assert_eq!(response.status(), 401);
    let response = http(&az).get(&url).header("X-IDENTITY-HEADER", header).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert!(body["expires_on"].as_str().unwrap().parse::<i64>().is_ok());
}
