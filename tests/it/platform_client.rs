//! The product's own Admin API client and wire types against the sandbox: paging helpers, typed
//! errors, and the client's types reading the emulator's answers (the two keep separate types).

use secrecy::SecretString;

use cmek::platform::types::{CreateExternalKey, ExternalKey, UpdateWorkspace, Workspace};
use cmek::platform::{Client, ClientConfig, Credential, PlatformError};
use cmek_core::model::aws::AwsKeyConfig;
use cmek_sandbox::platform::seed;
use cmek_sandbox::platform::test_api::{ADMIN_KEY, AWS_ARN, Api};

fn client(api: &Api, key: &str) -> Client {
    let mut cfg = ClientConfig::new(api.sandbox.base_url.clone(), Credential::AdminKey(SecretString::from(key)));
    cfg.max_retries = 0;
    Client::new(cfg).unwrap()
}

/// The emulator's own value as the client's type, read from the JSON the emulator serves for it
/// (the two sides keep separate wire types on purpose).
fn as_client<T: serde::de::DeserializeOwned>(served: &impl serde::Serialize) -> T {
    serde_json::from_value(serde_json::to_value(served).unwrap()).unwrap()
}

fn aws_key() -> CreateExternalKey {
    CreateExternalKey {
        provider_config: AwsKeyConfig { kms_arn: AWS_ARN.into(), region: None }.to_config(),
        display_name: Some("client".into()),
        geo: None,
        user_profile_id: None,
    }
}

#[tokio::test]
async fn the_platform_client_reads_and_pages_the_sandbox() {
    let api = Api::start().await;
    let client = client(&api, ADMIN_KEY);
    assert_eq!(client.organization().await.unwrap(), as_client(&api.sandbox.org));
    // More keys than the default page size, so following `next_page` is needed.
    for _ in 0..23 {
        client.create_external_key(&aws_key(), &cmek_core::clouds::same_key).await.unwrap();
    }
    let keys = client.all_external_keys().await.unwrap();
    assert_eq!(keys.len(), 23);
    let workspaces = client.all_workspaces(false).await.unwrap();
    assert_eq!(workspaces, as_client::<Vec<Workspace>>(&api.sandbox.workspaces));
    let production = client.get_workspace(seed::PRODUCTION.id).await.unwrap();
    assert_eq!(production.compartment_id, seed::PRODUCTION.compartment_id);
}

#[tokio::test]
async fn the_platform_client_gets_typed_errors_with_request_ids() {
    let api = Api::start().await;
    let client = client(&api, ADMIN_KEY);
    let key = client.create_external_key(&aws_key(), &cmek_core::clouds::same_key).await.unwrap();
    let attach = UpdateWorkspace { external_key_id: Some(key.id.clone()), ..UpdateWorkspace::default() };
    match client.update_workspace(seed::STAGING.id, &attach).await {
        Err(PlatformError::Api { status, kind, message, request_id, .. }) => {
            assert_eq!((status, kind.as_str()), (400, "invalid_request_error"));
            assert!(message.starts_with("NoAwsEndpoint:"), "{message}");
            assert!(request_id.is_some_and(|id| id.starts_with("req_")));
        }
        other => panic!("expected a 400, got {other:?}"),
    }
    match client.get_external_key("ekey_missing").await {
        Err(PlatformError::Api { status: 404, kind, .. }) => assert_eq!(kind, "not_found_error"),
        other => panic!("expected a 404, got {other:?}"),
    }
    match self::client(&api, "sk-ant-admin01-wrong").organization().await {
        Err(PlatformError::Api { status: 401, kind, .. }) => assert_eq!(kind, "authentication_error"),
        other => panic!("expected a 401, got {other:?}"),
    }
}

/// What the emulator's own tests check against its own wire types, checked against the client's:
/// a created key and a seeded workspace, read from the emulator's raw JSON.
#[tokio::test]
async fn the_clients_wire_types_read_the_emulators_answers() {
    let api = Api::start().await;
    let created = api
        .post(
            "/v1/organizations/external_keys",
            serde_json::json!({"provider_config": {"type": "aws", "kms_arn": AWS_ARN}, "display_name": "primary"}),
        )
        .await
        .ok()
        .clone();
    let typed: ExternalKey = serde_json::from_value(created).unwrap();
    assert_eq!(typed.display_name.as_deref(), Some("primary"));
    let production = api.get(&format!("/v1/organizations/workspaces/{}", seed::PRODUCTION.id)).await.ok().clone();
    let typed: Workspace = serde_json::from_value(production).unwrap();
    assert_eq!(typed, as_client::<Workspace>(&api.sandbox.workspaces[0]));
}
