//! The Azure credential chain (`azure_identity` 1.0 has none): the official credential types,
//! tried in a documented order, the first that yields a token wins and is remembered.
//!
//! Order: 1. an explicit client secret from the settings; 2. a client secret from the
//! environment (AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET); 3. workload identity
//! federation (AZURE_FEDERATED_TOKEN_FILE with AZURE_TENANT_ID and AZURE_CLIENT_ID);
//! 4. managed identity (App Service / Functions when IDENTITY_ENDPOINT and IDENTITY_HEADER are
//! set, else the VM's IMDS; AZURE_CLIENT_ID selects a user-assigned identity); 5. the Azure CLI
//! (`az login`). The environment is read through a lookup function, never mutated.
//!
//! Like the SDKs' DefaultAzureCredential, a source the user configured explicitly (1-3) that fails
//! ends the chain with its error: falling through to an ambient identity (managed identity, the
//! CLI's login) would act as someone else without saying so, and in the sandbox could reach a
//! real account.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use azure_core::credentials::{AccessToken, Secret, TokenCredential, TokenRequestOptions};
use azure_core::error::ErrorKind;
use azure_identity::{
    AzureCliCredential, AzureCliCredentialOptions, ClientAssertionCredentialOptions, ClientSecretCredential,
    ClientSecretCredentialOptions, ManagedIdentityCredential, ManagedIdentityCredentialOptions, UserAssignedId,
    WorkloadIdentityCredential, WorkloadIdentityCredentialOptions,
};
use secrecy::ExposeSecret;

use super::settings::AzureSettings;
use super::transport::credential_options;

/// Reads one environment variable (tests pass a map; the CLI passes `std::env::var`).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// One link of the chain: a name for messages and the official credential.
struct Link {
    source: &'static str,
    credential: Arc<dyn TokenCredential>,
    /// Configured explicitly (a secret or a federated token file): its failure ends the chain.
    explicit: bool,
}

/// The sources the user configures explicitly, as opposed to ambient ones.
const EXPLICIT_SOURCES: [&str; 3] = [
    "client secret (settings)",
    "client secret (AZURE_CLIENT_SECRET)",
    "workload identity (AZURE_FEDERATED_TOKEN_FILE)",
];

/// The chain itself, usable wherever an official client wants a `TokenCredential`.
///
/// Each scope (ARM, Graph, Key Vault) gets its own instances of the links: an official
/// credential's token cache holds one lock over every scope while it fetches a token, so tokens
/// for different services asked for together would otherwise arrive one after another.
pub struct CredentialChain {
    links: Vec<Link>,
    /// Sources that were configured but refused at construction, with why (reported on failure).
    skipped: Vec<String>,
    /// Builds the links again (same settings, same environment) for another scope.
    build: Box<dyn Fn() -> (Vec<Link>, Vec<String>) + Send + Sync>,
    /// The links of each scope after the first asked for (which uses `links`).
    by_scope: Mutex<HashMap<String, Arc<Vec<Link>>>>,
    /// The scope that uses `links`.
    first_scope: Mutex<Option<String>>,
    /// Index of the link that last produced a token (tried first next time).
    chosen: Mutex<Option<usize>>,
}

impl std::fmt::Debug for CredentialChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CredentialChain").field("sources", &self.sources()).finish_non_exhaustive()
    }
}

fn non_empty(env: EnvLookup<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

impl CredentialChain {
    /// Builds the links that apply to `settings` and `env`, in the documented order. A link whose
    /// configuration is rejected up front (e.g. a malformed tenant id) is left out with a log line.
    pub fn new(settings: &AzureSettings, http: &reqwest::Client, env: EnvLookup<'_>) -> Self {
        // What the links read from the environment, kept so that each scope's links are the same.
        let seen: HashMap<&'static str, String> =
            ENV_READ.iter().filter_map(|name| non_empty(env, name).map(|v| (*name, v))).collect();
        let (settings, http) = (settings.clone(), http.clone());
        let build = move || build_links(&settings, &http, &|name: &str| seen.get(name).cloned());
        let (links, skipped) = build();
        Self {
            links,
            skipped,
            build: Box::new(build),
            by_scope: Mutex::new(HashMap::new()),
            first_scope: Mutex::new(None),
            chosen: Mutex::new(None),
        }
    }

    /// The links that fetch tokens for `scopes`: the first scope asked for uses the links built
    /// at construction, every other scope its own.
    fn links_for(&self, scopes: &[&str]) -> Option<Arc<Vec<Link>>> {
        let key = scopes.join(" ");
        {
            let mut first = self.first_scope.lock().ok()?;
            match first.as_deref() {
                None => {
                    *first = Some(key);
                    return None;
                }
                Some(f) if f == key => return None,
                Some(_) => {}
            }
        }
        let mut by_scope = self.by_scope.lock().ok()?;
        Some(by_scope.entry(key).or_insert_with(|| Arc::new((self.build)().0)).clone())
    }

    /// The sources in the order they are tried, for `doctor` and error messages.
    pub fn sources(&self) -> Vec<&'static str> {
        self.links.iter().map(|l| l.source).collect()
    }

    /// The source that produced the last token, if any.
    pub fn chosen_source(&self) -> Option<&'static str> {
        let chosen = self.chosen.lock().ok().and_then(|c| *c)?;
        self.links.get(chosen).map(|l| l.source)
    }
}

/// The environment variables the links read.
const ENV_READ: [&str; 6] = [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_FEDERATED_TOKEN_FILE",
    "IDENTITY_ENDPOINT",
    "IDENTITY_HEADER",
];

/// The links that apply to `settings` and `env`, in the documented order, and the sources refused
/// up front (e.g. a malformed tenant id), each with a log line.
fn build_links(settings: &AzureSettings, http: &reqwest::Client, env: EnvLookup<'_>) -> (Vec<Link>, Vec<String>) {
    let options = || credential_options(settings, http);
    let mut links = Vec::new();
    let mut skipped = Vec::new();
    let mut push = |source: &'static str, made: azure_core::Result<Arc<dyn TokenCredential>>| match made {
        Ok(credential) => links.push(Link { source, credential, explicit: EXPLICIT_SOURCES.contains(&source) }),
        Err(e) => {
            tracing::debug!(source, error = %e, "azure credential source skipped");
            skipped.push(format!("{source}: {e}"));
        }
    };
    if let Some(s) = &settings.static_client_secret {
        push(
            "client secret (settings)",
            client_secret(&s.tenant_id, &s.client_id, s.client_secret.expose_secret(), options()),
        );
    }
    let tenant = non_empty(env, "AZURE_TENANT_ID");
    let client = non_empty(env, "AZURE_CLIENT_ID");
    if let (Some(t), Some(c), Some(secret)) = (&tenant, &client, non_empty(env, "AZURE_CLIENT_SECRET")) {
        push("client secret (AZURE_CLIENT_SECRET)", client_secret(t, c, &secret, options()));
    }
    if let (Some(t), Some(c), Some(file)) = (&tenant, &client, non_empty(env, "AZURE_FEDERATED_TOKEN_FILE")) {
        let wi = WorkloadIdentityCredentialOptions {
            credential_options: ClientAssertionCredentialOptions { client_options: options() },
            client_id: Some(c.clone()),
            tenant_id: Some(t.clone()),
            token_file_path: Some(PathBuf::from(file)),
        };
        push("workload identity (AZURE_FEDERATED_TOKEN_FILE)", as_dyn(WorkloadIdentityCredential::new(Some(wi))));
    }
    let mi = ManagedIdentityCredentialOptions {
        user_assigned_id: client.clone().map(UserAssignedId::ClientId),
        client_options: options(),
    };
    let mi_source = if non_empty(env, "IDENTITY_ENDPOINT").is_some() && non_empty(env, "IDENTITY_HEADER").is_some() {
        "managed identity (IDENTITY_ENDPOINT)"
    } else {
        "managed identity (IMDS)"
    };
    push(mi_source, as_dyn(ManagedIdentityCredential::new(Some(mi))));
    let cli = AzureCliCredentialOptions { tenant_id: tenant.clone(), ..Default::default() };
    push("Azure CLI (az login)", as_dyn(AzureCliCredential::new(Some(cli))));
    (links, skipped)
}

fn as_dyn<T: TokenCredential + 'static>(
    made: azure_core::Result<Arc<T>>,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    made.map(|c| c as Arc<dyn TokenCredential>)
}

fn client_secret(
    tenant: &str,
    client: &str,
    secret: &str,
    client_options: azure_core::http::ClientOptions,
) -> azure_core::Result<Arc<dyn TokenCredential>> {
    let options = ClientSecretCredentialOptions { client_options };
    as_dyn(ClientSecretCredential::new(tenant, client.to_string(), Secret::new(secret.to_string()), Some(options)))
}

#[async_trait::async_trait]
impl TokenCredential for CredentialChain {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let own = self.links_for(scopes);
        let links = own.as_deref().unwrap_or(&self.links);
        let chosen = self.chosen.lock().ok().and_then(|c| *c);
        let order: Vec<usize> = chosen.into_iter().chain((0..links.len()).filter(|i| Some(*i) != chosen)).collect();
        let mut failures = self.skipped.clone();
        for index in order {
            let Some(link) = links.get(index) else { continue };
            match link.credential.get_token(scopes, options.clone()).await {
                Ok(token) => {
                    if let Ok(mut c) = self.chosen.lock() {
                        *c = Some(index);
                    }
                    return Ok(token);
                }
                Err(e) if link.explicit => {
                    return Err(azure_core::Error::with_message(
                        ErrorKind::Credential,
                        format!(
                            "the configured Azure credential ({}) was refused: {e}; fix or unset it (other sources \
                             such as managed identity or `az login` are not tried in its place)",
                            link.source
                        ),
                    ));
                }
                Err(e) => failures.push(format!("{}: {e}", link.source)),
            }
        }
        let tried =
            if failures.is_empty() { "no credential source is configured".to_string() } else { failures.join("; ") };
        Err(azure_core::Error::with_message(ErrorKind::Credential, format!("no Azure credential worked ({tried})")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::azure::settings::StaticClientSecret;

    #[test]
    fn sources_follow_the_documented_order_and_only_configured_ones_appear() {
        let settings = AzureSettings {
            static_client_secret: Some(StaticClientSecret {
                tenant_id: "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f".into(),
                client_id: "c0ffee00-1111-4222-8333-444455556666".into(),
                client_secret: "s3cret-value".into(),
            }),
            ..Default::default()
        };
        let http = reqwest::Client::new();
        let token_file = tempfile::NamedTempFile::new().unwrap();
        let token_path = token_file.path().to_string_lossy().into_owned();
        let env = |name: &str| match name {
            "AZURE_TENANT_ID" => Some("5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f".to_string()),
            "AZURE_CLIENT_ID" => Some("c0ffee00-1111-4222-8333-444455556666".to_string()),
            "AZURE_CLIENT_SECRET" => Some("another-secret".to_string()),
            "AZURE_FEDERATED_TOKEN_FILE" => Some(token_path.clone()),
            "IDENTITY_ENDPOINT" => Some("http://localhost:42356/msi/token".to_string()),
            "IDENTITY_HEADER" => Some("h".to_string()),
            _ => None,
        };
        let chain = CredentialChain::new(&settings, &http, &env);
        assert_eq!(
            chain.sources(),
            vec![
                "client secret (settings)",
                "client secret (AZURE_CLIENT_SECRET)",
                "workload identity (AZURE_FEDERATED_TOKEN_FILE)",
                "managed identity (IDENTITY_ENDPOINT)",
                "Azure CLI (az login)",
            ]
        );
        assert!(!format!("{chain:?}").contains("s3cret"));
        assert_eq!(chain.chosen_source(), None);

        // A federated token file that does not exist: skipped, and the reason is kept.
        let missing_file = |name: &str| match name {
            "AZURE_FEDERATED_TOKEN_FILE" => Some("/nonexistent/cmek-token".to_string()),
            other => env(other),
        };
        let chain = CredentialChain::new(&AzureSettings::default(), &http, &missing_file);
        assert!(!chain.sources().contains(&"workload identity (AZURE_FEDERATED_TOKEN_FILE)"));
        assert!(chain.skipped.iter().any(|s| s.starts_with("workload identity")), "{:?}", chain.skipped);

        let bare = CredentialChain::new(&AzureSettings::default(), &http, &|_| None);
        assert_eq!(bare.sources(), vec!["managed identity (IMDS)", "Azure CLI (az login)"]);
    }
}
