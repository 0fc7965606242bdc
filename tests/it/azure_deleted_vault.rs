//! The Azure emulator's vault soft delete over HTTPS: DELETE moves the vault (keys and all) to
//! the subscription's deletedVaults in Azure's wire shape, the provider reads them, purge is
//! refused under purge protection, a plain create of the name is refused, and recovery
//! (`createMode: recover`, what `az keyvault recover` sends) brings the vault and its keys back.

use cmek_sandbox::azure::roles::{CONTRIBUTOR, KEY_VAULT_READER};
use cmek_sandbox::azure::{CUSTOMER_OBJECT_ID, LOCATION, RunningAzure, SUBSCRIPTION_ID, SeedAzureKey, VAULT_NAME};
use serde_json::{Value, json};

use super::azure_emulator::{credential, emulator, http, key_client};

fn arm(az: &RunningAzure, path: &str) -> String {
    format!("https://management.azure.com:{}{path}?api-version=2023-07-01", az.port())
}

fn vault_path() -> String {
    format!(
        "/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/{VAULT_NAME}"
    )
}

async fn send(az: &RunningAzure, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let token = credential(az, &az.customer())
        .get_token(&["https://management.azure.com/.default"], None)
        .await
        .unwrap()
        .token
        .secret()
        .to_string();
    let mut request = http(az).request(method, arm(az, path)).bearer_auth(token);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, serde_json::from_str(&response.text().await.unwrap()).unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_deleted_vault_lists_as_deleted_and_recovers_with_its_keys() {
    use reqwest::Method;
    let az = emulator().await;
    az.seed_key(SeedAzureKey::cmek("anthropic-cmek")).unwrap();
    let keys = key_client(&az, &az.customer());
    let kid = keys.get_key("anthropic-cmek", None).await.unwrap().into_model().unwrap().key.unwrap().kid;

    let (status, _) = send(&az, Method::DELETE, &vault_path(), None).await;
    assert_eq!(status, 200);
    let (status, err) = send(&az, Method::GET, &vault_path(), None).await;
    assert_eq!((status, err["error"]["code"].as_str()), (404, Some("ResourceNotFound")));
    assert!(keys.get_key("anthropic-cmek", None).await.is_err(), "the data plane is gone with the vault");

    let list = format!("/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.KeyVault/deletedVaults");
    let (status, err) = send(&az, Method::GET, &list, None).await;
    assert_eq!(status, 403, "a resource-group Owner cannot read the subscription's bin: {err}");
    assert!(err["error"]["message"].as_str().unwrap().contains("Microsoft.KeyVault/deletedVaults/read"));
    az.add_role_assignment(&format!("/subscriptions/{SUBSCRIPTION_ID}"), KEY_VAULT_READER, CUSTOMER_OBJECT_ID);
    let (status, listed) = send(&az, Method::GET, &list, None).await;
    assert_eq!(status, 200, "{listed}");
    let deleted = &listed["value"][0];
    assert_eq!(
        deleted["id"],
        format!(
            "/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.KeyVault/locations/{LOCATION}/deletedVaults/{VAULT_NAME}"
        )
    );
    assert_eq!(deleted["type"], "Microsoft.KeyVault/deletedVaults");
    let p = &deleted["properties"];
    assert_eq!(p["vaultId"], vault_path());
    assert_eq!(p["location"], LOCATION);
    assert_eq!(p["purgeProtectionEnabled"], true);
    let day = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    assert_eq!((day(&p["scheduledPurgeDate"]) - day(&p["deletionDate"])).num_days(), 90);

    let one = format!(
        "/subscriptions/{SUBSCRIPTION_ID}/providers/Microsoft.KeyVault/locations/{LOCATION}/deletedVaults/{VAULT_NAME}"
    );
    let (status, got) = send(&az, Method::GET, &one, None).await;
    assert_eq!((status, &got), (200, deleted));
    az.add_role_assignment(&format!("/subscriptions/{SUBSCRIPTION_ID}"), CONTRIBUTOR, CUSTOMER_OBJECT_ID);
    let (status, err) = send(&az, Method::POST, &format!("{one}/purge"), None).await;
    assert_eq!(status, 409, "purge protection is on: {err}");

    let create = json!({ "location": LOCATION, "properties": { "sku": { "family": "A", "name": "standard" } } });
    let (status, err) = send(&az, Method::PUT, &vault_path(), Some(create)).await;
    assert_eq!((status, err["error"]["code"].as_str()), (409, Some("ConflictError")));

    let recover = json!({ "location": LOCATION, "properties": { "createMode": "recover" } });
    let (status, vault) = send(&az, Method::PUT, &vault_path(), Some(recover.clone())).await;
    assert_eq!(status, 200, "{vault}");
    assert_eq!(vault["properties"]["enablePurgeProtection"], true);
    let back = keys.get_key("anthropic-cmek", None).await.unwrap().into_model().unwrap();
    assert_eq!(back.key.unwrap().kid, kid, "the key comes back with the vault");
    let (_, listed) = send(&az, Method::GET, &list, None).await;
    assert_eq!(listed["value"], json!([]));
    let (status, _) = send(&az, Method::PUT, &vault_path(), Some(recover)).await;
    assert_eq!(status, 404, "nothing left to recover");
}
