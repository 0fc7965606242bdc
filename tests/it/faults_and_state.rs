//! Injected transient faults (the client still converges) and state that survives a restart.

use reqwest::Method;
use secrecy::SecretString;

use cmek::platform::auth::Credential;
use cmek::platform::types::CreateExternalKey;
use cmek::platform::{Client, ClientConfig};
use cmek_core::model::aws::AwsKeyConfig;
use cmek_sandbox::faults::Faults;
use cmek_sandbox::platform::PlatformSandboxConfig;
use cmek_sandbox::platform::test_api::{ADMIN_KEY, AWS_ARN, Api};

fn config() -> PlatformSandboxConfig {
    PlatformSandboxConfig::new(SecretString::from(ADMIN_KEY))
}

fn client(api: &Api) -> Client {
    Client::new(ClientConfig::new(api.sandbox.base_url.clone(), Credential::AdminKey(SecretString::from(ADMIN_KEY))))
        .unwrap()
}

#[tokio::test]
async fn busy_answers_are_injected_and_the_client_gets_through() {
    let faults = Faults { error_share: 0.5 };
    let api = Api::start_with(PlatformSandboxConfig { faults, ..config() }).await;

    let mut statuses = Vec::new();
    for _ in 0..6 {
        statuses.push(api.call(Method::GET, "/v1/organizations/me", None).await.status);
    }
    assert!(statuses.contains(&200), "{statuses:?}");
    assert!(statuses.iter().any(|s| [429, 529, 500].contains(s)), "some requests fail transiently: {statuses:?}");

    let c = client(&api);
    for _ in 0..10 {
        c.organization().await.expect("retries get through every injected fault");
        c.all_workspaces(false).await.expect("retries get through every injected fault");
    }
}

#[tokio::test]
async fn state_saved_from_one_sandbox_restores_another() {
    let first = Api::start().await;
    let created = client(&first)
        .create_external_key(
            &CreateExternalKey {
                provider_config: AwsKeyConfig { kms_arn: AWS_ARN.into(), region: None }.to_config(),
                display_name: Some("kept across restarts".into()),
                geo: None,
                user_profile_id: None,
            },
            &cmek_core::clouds::same_key,
        )
        .await
        .unwrap();
    let saved = first.sandbox.state();
    let text = serde_json::to_string(&saved).unwrap();
    drop(first);

    let restored = serde_json::from_str(&text).unwrap();
    let second = Api::start_with(PlatformSandboxConfig { initial: Some(restored), ..config() }).await;
    let keys = client(&second).all_external_keys().await.unwrap();
    assert_eq!(keys.len(), 1);
    assert_eq!(keys[0].id, created.id);
    assert_eq!(second.sandbox.state(), saved, "nothing is lost or changed by a restart");
}
