//! How the product's clients reach the sandbox: the sandbox hands out plain data (URLs, ports,
//! its CA, the customer's credentials), and this turns it into the providers' settings. The
//! sandbox knows nothing of the providers, so this translation lives on the product side.

use crate::providers::aws::StaticCredentials;
use crate::providers::azure::{AzureEndpoints, AzureSettings, StaticClientSecret};
use cmek_sandbox::AzureSandboxEndpoints;
use cmek_sandbox::aws::AwsCredentials;

impl From<AwsCredentials> for StaticCredentials {
    fn from(c: AwsCredentials) -> Self {
        StaticCredentials {
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: c.session_token,
        }
    }
}

/// The Azure provider's settings for the emulator: its endpoints, its CA, the Azure host names
/// resolved to its loopback port (added to vault URIs), signed in as the customer's principal.
pub fn azure_settings(az: &AzureSandboxEndpoints) -> AzureSettings {
    AzureSettings {
        subscription: None,
        endpoints: AzureEndpoints {
            arm: az.arm.clone(),
            graph: az.graph.clone(),
            authority: az.authority.clone(),
            vault_suffix: format!(":{}", az.port),
        },
        ca_pem: Some(az.ca_pem.clone()),
        resolve_to_loopback: Some(az.port),
        static_client_secret: Some(StaticClientSecret {
            tenant_id: az.tenant_id.clone(),
            client_id: az.client_id.clone(),
            client_secret: az.client_secret.clone(),
        }),
    }
}
