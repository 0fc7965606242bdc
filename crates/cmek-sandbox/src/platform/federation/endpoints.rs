//! What a client, or a client's test, needs for OAuth and federation against a sandbox, as plain
//! data: the organisation, the seeded rules and service accounts, the CI variables `cmek sandbox`
//! prints (with the identity token), Ada's user_oauth tokens, and the issuer's signing key, so a
//! test in another process (through the endpoints file) can mint identity tokens as well.

use secrecy::{ExposeSecret, SecretString};

use super::model::SigningKey;
use super::oidc::{IdentityClaims, Issuer};
use crate::SandboxError;
use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct FederationSandboxEndpoints {
    /// The organisation UUID (`ANTHROPIC_ORGANIZATION_ID`).
    pub organization_id: String,
    pub organization_name: String,
    /// The sandbox's own OIDC issuer (`{base_url}oidc`); `/.well-known/openid-configuration` and
    /// `/jwks` below it.
    pub issuer_url: String,
    /// The audience the seeded rules require (`https://api.anthropic.com`).
    pub audience: String,
    /// The rule for the admin service account `cmek-ci` (scope `org:admin`).
    pub admin_rule_id: String,
    pub admin_service_account_id: String,
    /// The rule for the developer service account `dev-bot` (no `org:admin`).
    pub developer_rule_id: String,
    pub developer_service_account_id: String,
    /// The federation variables a CI job gets in this world.
    pub ci: CiExports,
    /// Ada's `ant auth login --scope org:admin` (always there unless a test removed it).
    pub user_oauth: Option<UserOauthEndpoints>,
    /// The issuer's RSA key (PKCS#8 DER, base64) and its `kid`: for `mint_identity_token`.
    pub signing_key: SecretString,
    pub signing_key_id: String,
}

/// What `cmek sandbox` prints for federation (`ANTHROPIC_*`).
#[derive(Debug, Clone)]
pub struct CiExports {
    pub federation_rule_id: String,
    pub organization_id: String,
    /// The service account that rule's tokens act as (for messages; printed only as a note).
    pub target_service_account_id: String,
    /// Printed only when the scenario sets it.
    pub service_account_id: Option<String>,
    /// Printed only when the scenario sets it.
    pub workspace_id: Option<String>,
    /// The identity token (written to the file `ANTHROPIC_IDENTITY_TOKEN_FILE` names).
    pub identity_token: SecretString,
    /// False in the `wif-*` scenarios: `ANTHROPIC_ADMIN_KEY` is not printed, so `cmek`
    /// authenticates with the federation variables.
    pub admin_key_exported: bool,
}

/// A user_oauth login's tokens, as `credentials/<profile>.json` holds them.
#[derive(Debug, Clone)]
pub struct UserOauthEndpoints {
    pub account_email: String,
    pub client_id: String,
    pub scope: String,
    pub workspace_id: Option<String>,
    pub access_token: SecretString,
    pub refresh_token: SecretString,
    /// Epoch seconds.
    pub expires_at: i64,
}

impl FederationSandboxEndpoints {
    /// An identity token signed by the sandbox's issuer, as its CI provider would give a job.
    pub fn mint_identity_token(&self, claims: &IdentityClaims) -> Result<SecretString, SandboxError> {
        let key = SigningKey {
            kid: self.signing_key_id.clone(),
            pkcs8: Secret::new(self.signing_key.expose_secret().into()),
        };
        mint(&key, &self.issuer_url, claims)
    }
}

pub(super) fn mint(key: &SigningKey, issuer_url: &str, claims: &IdentityClaims) -> Result<SecretString, SandboxError> {
    let fail = |message: String| SandboxError::Config { what: "OIDC issuer", message };
    Issuer::load(key).and_then(|issuer| issuer.sign(issuer_url, claims)).map(SecretString::from).map_err(fail)
}
