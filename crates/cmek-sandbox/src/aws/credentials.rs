//! An AWS access key pair as the emulator hands it to clients (the customer's and Anthropic's
//! principals) and as the platform emulator calls AWS with it: plain data, the secret parts
//! wrapped so `Debug` shows the key id only.

use secrecy::SecretString;

#[derive(Debug, Clone)]
pub struct AwsCredentials {
    pub access_key_id: String,
    pub secret_access_key: SecretString,
    /// Set for temporary credentials (an STS session).
    pub session_token: Option<SecretString>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_secrets() {
        let creds = AwsCredentials {
            access_key_id: "AKIDEXAMPLE".into(),
            secret_access_key: SecretString::from("wJalrXUtnFEMI-secret"),
            session_token: Some(SecretString::from("session-token-secret")),
        };
        let shown = format!("{creds:?}");
        assert!(shown.contains("AKIDEXAMPLE"), "{shown}");
        assert!(!shown.contains("wJalrXUtnFEMI-secret") && !shown.contains("session-token-secret"), "{shown}");
    }
}
