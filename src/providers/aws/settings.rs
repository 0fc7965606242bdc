//! How to reach AWS: region, profile, endpoint and credential overrides (plain data, no SDK types).
//!
//! Everything left `None` falls back to the standard AWS chains, so a default `AwsSettings` behaves
//! like the AWS CLI would on the same machine.

use secrecy::SecretString;

use cmek_core::model::aws::AwsRegion;

/// The region used when neither the settings nor the standard chain name one: the region the CMEK
/// guides recommend.
pub const DEFAULT_REGION: &str = "us-east-2";

/// Overrides for [`super::AwsProvider::connect`]; `None` means "use the standard chain".
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Else the chain's region (env, profile, IMDS), else [`DEFAULT_REGION`].
    pub region: Option<AwsRegion>,
    /// `--aws-profile`: the shared config/credentials profile to use.
    pub profile: Option<String>,
    /// `--aws-endpoint` (the SDK also honours `AWS_ENDPOINT_URL`): moto or the sandbox.
    pub endpoint_url: Option<String>,
    /// Fixed credentials instead of the chain (tests, and the sandbox calling KMS as Anthropic).
    pub static_credentials: Option<StaticCredentials>,
}

/// An access key pair. `Debug` shows the key id only: the secret parts are `SecretString`s.
#[derive(Debug, Clone)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    pub session_token: Option<SecretString>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let creds = StaticCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SecretString::from("wJalrXUtnFEMI-secret"),
            session_token: Some(SecretString::from("session-token-secret")),
        };
        let settings = AwsSettings { static_credentials: Some(creds), ..AwsSettings::default() };
        let shown = format!("{settings:?}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        assert!(!shown.contains("wJalrXUtnFEMI-secret"), "{shown}");
        assert!(!shown.contains("session-token-secret"), "{shown}");
    }
}
