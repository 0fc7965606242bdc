//! Google credentials: Application Default Credentials resolved the way `google-cloud-auth`'s
//! default builder does (AIP-4110), but reading the environment through a lookup function, or a
//! fixed bearer token (the sandbox). Also who the credential is and the project it names.
//!
//! ADC order: 1. the JSON file named by GOOGLE_APPLICATION_CREDENTIALS (a service account key, an
//! authorized user, an impersonated service account or an `external_account`: workload identity
//! federation), an unreadable one being an error, not a fall-through; 2. gcloud's ADC file
//! (`$CLOUDSDK_CONFIG/application_default_credentials.json`, else
//! `~/.config/gcloud/application_default_credentials.json`); 3. the metadata server. The file is
//! read once, here, and handed to the official builder of its `type`. The credentials' own retries
//! are off (their default): a failed token request fails the call, and `crate::retry` decides.

use std::path::PathBuf;

use axum::http::Extensions; // the `http` crate the Google credential traits are written in
use google_cloud_auth::credentials::{
    CacheableResource, Credentials, CredentialsProvider, EntityTag, external_account, external_account_authorized_user,
    impersonated, mds, service_account, user_account,
};
use google_cloud_auth::errors::CredentialsError;
use google_cloud_gax::retry_policy::NeverRetry;
use reqwest::header::{AUTHORIZATION, HeaderMap, HeaderValue};
use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;

use super::error::{GcpError, GcpErrorKind};
use cmek_core::model::gcp::GcpCallerIdentity;

/// Reads one environment variable (tests pass a map; the CLI passes `std::env::var`).
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The universe every credential is pinned to, so building the client never asks the metadata
/// server which universe it is in (the one network call ADC would otherwise make up front).
const UNIVERSE: &str = "googleapis.com";

pub(crate) const SOURCE_GCLOUD_ADC: &str = "gcloud application-default credentials";
pub(crate) const SOURCE_METADATA: &str = "metadata server";
pub(crate) const SOURCE_SANDBOX: &str = "sandbox token";

/// What the credential is made from, who it is, and the project it names (if any). Resolving
/// reads the environment and the credentials file only; the SDK credential is made later, by
/// [`Recipe::build`], inside the async runtime (Google's credentials start a token-cache task).
pub(crate) struct Resolved {
    pub recipe: Recipe,
    /// A token known in advance (the sandbox's), scrubbed from any text kept from the network.
    pub redact: Option<SecretString>,
    /// `project` is the credential's own (a key's `project_id`, an ADC file's `quota_project_id`).
    pub identity: GcpCallerIdentity,
}

/// How to make the SDK credential. Holds secrets (a token, a key file's contents): no Debug.
pub(crate) struct Recipe {
    source: Source,
    /// GOOGLE_CLOUD_QUOTA_PROJECT, which wins over a file's `quota_project_id`.
    quota_project: Option<String>,
}

enum Source {
    Token(SecretString),
    /// A credentials file's JSON, its `type` already checked.
    File {
        json: Value,
        what: &'static str,
    },
    Metadata,
}

impl Recipe {
    /// The official credential (needs a tokio runtime). Pinned to Google's universe (user
    /// accounts always are) so that no universe look-up happens; token requests are not retried
    /// here (`crate::retry` retries the call).
    pub(crate) fn build(&self) -> Result<Credentials, GcpError> {
        macro_rules! build {
            ($builder:expr) => {{
                match &self.quota_project {
                    Some(q) => $builder.with_quota_project_id(q).build(),
                    None => $builder.build(),
                }
            }};
        }
        let (built, what) = match &self.source {
            Source::Token(token) => {
                return Ok(Credentials::from(StaticToken { token: token.clone(), tag: EntityTag::new() }));
            }
            Source::Metadata => (
                build!(mds::Builder::default().with_universe_domain(UNIVERSE).with_retry_policy(NeverRetry)),
                "the metadata server's credentials",
            ),
            Source::File { json, what } => {
                let json = json.clone();
                let built = match json["type"].as_str().unwrap_or_default() {
                    "service_account" => build!(service_account::Builder::new(json).with_universe_domain(UNIVERSE)),
                    "authorized_user" => build!(user_account::Builder::new(json).with_retry_policy(NeverRetry)),
                    "impersonated_service_account" => build!(
                        impersonated::Builder::new(json).with_universe_domain(UNIVERSE).with_retry_policy(NeverRetry)
                    ),
                    "external_account" => build!(
                        external_account::Builder::new(json)
                            .with_universe_domain(UNIVERSE)
                            .with_retry_policy(NeverRetry)
                    ),
                    _ => build!(
                        external_account_authorized_user::Builder::new(json)
                            .with_universe_domain(UNIVERSE)
                            .with_retry_policy(NeverRetry)
                    ),
                };
                (built, *what)
            }
        };
        built.map_err(|e| credential_error(format!("{what} cannot be used: {e}")))
    }
}

/// The credential types `Recipe::build` knows.
const FILE_TYPES: [&str; 5] = [
    "service_account",
    "authorized_user",
    "impersonated_service_account",
    "external_account",
    "external_account_authorized_user",
];

fn non_empty(env: EnvLookup<'_>, name: &str) -> Option<String> {
    env(name).filter(|v| !v.trim().is_empty())
}

/// A fixed bearer token, for the sandbox.
pub(crate) fn static_token(token: &SecretString) -> Resolved {
    Resolved {
        recipe: Recipe { source: Source::Token(token.clone()), quota_project: None },
        redact: Some(token.clone()),
        identity: GcpCallerIdentity { principal: None, source: SOURCE_SANDBOX.to_string(), project: None },
    }
}

/// Application Default Credentials, the environment read through `env`. Makes no network call.
pub(crate) fn adc(env: EnvLookup<'_>) -> Result<Resolved, GcpError> {
    let quota_project = non_empty(env, "GOOGLE_CLOUD_QUOTA_PROJECT");
    if let Some(path) = non_empty(env, "GOOGLE_APPLICATION_CREDENTIALS") {
        let path = PathBuf::from(path);
        let json = read_json(&path).map_err(|why| {
            credential_error(format!(
                "GOOGLE_APPLICATION_CREDENTIALS names {}, which {why}; point it at a service account key or a \
                 workload identity federation configuration, or unset it",
                path.display()
            ))
        })?;
        return from_json(json, quota_project, FromFile::Env);
    }
    if let Some(path) = gcloud_adc_path(env) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                let json = serde_json::from_str(&text).map_err(|e| {
                    credential_error(format!(
                        "gcloud's application-default credentials ({}) are not valid JSON ({e}); run `gcloud auth \
                         application-default login` again",
                        path.display()
                    ))
                })?;
                return from_json(json, quota_project, FromFile::Gcloud);
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => {
                return Err(credential_error(format!(
                    "gcloud's application-default credentials ({}) cannot be read: {e}",
                    path.display()
                )));
            }
        }
    }
    Ok(Resolved {
        recipe: Recipe { source: Source::Metadata, quota_project },
        redact: None,
        identity: GcpCallerIdentity { principal: None, source: SOURCE_METADATA.to_string(), project: None },
    })
}

/// gcloud's ADC file: under CLOUDSDK_CONFIG when set (gcloud honours it), else under HOME
/// (APPDATA on Windows), as AIP-4113 has it.
fn gcloud_adc_path(env: EnvLookup<'_>) -> Option<PathBuf> {
    const FILE: &str = "application_default_credentials.json";
    if let Some(dir) = non_empty(env, "CLOUDSDK_CONFIG") {
        return Some(PathBuf::from(dir).join(FILE));
    }
    if cfg!(windows) {
        non_empty(env, "APPDATA").map(|d| PathBuf::from(d).join("gcloud").join(FILE))
    } else {
        non_empty(env, "HOME").map(|d| PathBuf::from(d).join(".config/gcloud").join(FILE))
    }
}

/// The file's JSON object, or why it is not usable (for the message).
fn read_json(path: &std::path::Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot be read ({e})"))?;
    let json: Value = serde_json::from_str(&text).map_err(|e| format!("is not valid JSON ({e})"))?;
    if json.is_object() { Ok(json) } else { Err("is not a JSON object".to_string()) }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FromFile {
    Env,
    Gcloud,
}

/// A credentials file's recipe (its `type` checked) and who it says it is.
fn from_json(json: Value, quota_project: Option<String>, file: FromFile) -> Result<Resolved, GcpError> {
    let what = match file {
        FromFile::Env => "the credentials file named by GOOGLE_APPLICATION_CREDENTIALS",
        FromFile::Gcloud => "gcloud's application-default credentials",
    };
    match json["type"].as_str().unwrap_or_default() {
        "" => {
            return Err(credential_error(format!("{what} has no `type` field: it is not a Google credentials file")));
        }
        known if FILE_TYPES.contains(&known) => {}
        other => {
            return Err(credential_error(format!(
                "{what} is of type `{}`, which cmek cannot use (expected one of {})",
                cmek_core::text::escape_controls(other),
                FILE_TYPES.join(", ")
            )));
        }
    }
    let identity = identity_of(&json, file);
    Ok(Resolved { recipe: Recipe { source: Source::File { json, what }, quota_project }, redact: None, identity })
}

/// Who a credentials file says it is, where it came from, and the project it names.
fn identity_of(json: &Value, file: FromFile) -> GcpCallerIdentity {
    let text = |field: &str| json[field].as_str().filter(|s| !s.is_empty()).map(str::to_string);
    let impersonated = text("service_account_impersonation_url").and_then(|url| impersonated_email(&url));
    let (principal, project, kind) = match json["type"].as_str().unwrap_or_default() {
        "service_account" => (
            text("client_email").map(|e| format!("serviceAccount:{e}")),
            text("project_id").or_else(|| text("quota_project_id")),
            "service account key",
        ),
        "external_account" => (
            impersonated.map(|e| format!("serviceAccount:{e}")),
            text("quota_project_id"),
            "external account: workload identity federation",
        ),
        "impersonated_service_account" => (
            impersonated.map(|e| format!("serviceAccount:{e}")),
            text("quota_project_id"),
            "impersonated service account",
        ),
        "external_account_authorized_user" => {
            (None, text("quota_project_id"), "external account authorized user: workforce identity federation")
        }
        // An end user's ADC file does not name the user.
        _ => (None, text("quota_project_id"), "authorized user"),
    };
    let source = match file {
        FromFile::Env => format!("GOOGLE_APPLICATION_CREDENTIALS ({kind})"),
        FromFile::Gcloud => SOURCE_GCLOUD_ADC.to_string(),
    };
    let clean = |s: String| cmek_core::text::escape_controls(&s).into_owned();
    GcpCallerIdentity { principal: principal.map(clean), source, project: project.map(clean) }
}

/// `https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/EMAIL:generateAccessToken`
/// -> `EMAIL`.
fn impersonated_email(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/serviceAccounts/")?;
    let email = rest.split(':').next()?.trim_end_matches('/');
    (!email.is_empty()).then(|| email.to_string())
}

fn credential_error(message: String) -> GcpError {
    GcpError::new(GcpErrorKind::Unauthenticated, "credentials", cmek_core::text::escape_controls(&message))
}

/// A fixed bearer token (the sandbox's). Never formatted: Debug shows `***`.
struct StaticToken {
    token: SecretString,
    tag: EntityTag,
}

impl std::fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("StaticToken(***)")
    }
}

impl CredentialsProvider for StaticToken {
    async fn headers(&self, extensions: Extensions) -> Result<CacheableResource<HeaderMap>, CredentialsError> {
        if extensions.get::<EntityTag>() == Some(&self.tag) {
            return Ok(CacheableResource::NotModified);
        }
        let mut value = HeaderValue::from_str(&format!("Bearer {}", self.token.expose_secret()))
            .map_err(|_| CredentialsError::from_msg(false, "the access token is not a valid HTTP header value"))?;
        value.set_sensitive(true);
        let mut headers = HeaderMap::new();
        headers.insert(AUTHORIZATION, value);
        Ok(CacheableResource::New { entity_tag: self.tag.clone(), data: headers })
    }

    async fn universe_domain(&self) -> Option<String> {
        Some(UNIVERSE.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &tempfile::TempDir, name: &str, json: Value) -> String {
        let path = dir.path().join(name);
        std::fs::write(&path, json.to_string()).unwrap();
        path.to_string_lossy().into_owned()
    }

    /// A throwaway RSA key, only for the builder to parse (never used to sign anything here).
    const TEST_KEY: &str = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----\n";

    #[tokio::test]
    async fn a_service_account_key_names_its_principal_and_project() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            &dir,
            "sa.json",
            serde_json::json!({
                "type": "service_account",
                "project_id": "cmek-prod-1234",
                "private_key_id": "abc",
                "private_key": TEST_KEY,
                "client_email": "deployer@cmek-prod-1234.iam.gserviceaccount.com",
                "client_id": "1",
                "token_uri": "https://oauth2.googleapis.com/token"
            }),
        );
        let env = |name: &str| (name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| path.clone());
        let resolved = adc(&env).unwrap();
        assert_eq!(
            resolved.identity,
            GcpCallerIdentity {
                principal: Some("serviceAccount:deployer@cmek-prod-1234.iam.gserviceaccount.com".into()),
                source: "GOOGLE_APPLICATION_CREDENTIALS (service account key)".into(),
                project: Some("cmek-prod-1234".into()),
            }
        );
        resolved.recipe.build().expect("the official builder takes the key");
    }

    #[tokio::test]
    async fn an_external_account_is_workload_identity_federation() {
        let dir = tempfile::tempdir().unwrap();
        let token = write(&dir, "oidc-token", serde_json::json!("unused"));
        let path = write(
            &dir,
            "wif.json",
            serde_json::json!({
                "type": "external_account",
                "audience": "//iam.googleapis.com/projects/123/locations/global/workloadIdentityPools/ci/providers/gh",
                "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
                "token_url": "https://sts.googleapis.com/v1/token",
                "service_account_impersonation_url": "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/ci@p-123456.iam.gserviceaccount.com:generateAccessToken",
                "credential_source": {"file": token}
            }),
        );
        let env = |name: &str| (name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| path.clone());
        let resolved = adc(&env).unwrap();
        assert_eq!(
            resolved.identity.source,
            "GOOGLE_APPLICATION_CREDENTIALS (external account: workload identity federation)"
        );
        assert_eq!(resolved.identity.principal.as_deref(), Some("serviceAccount:ci@p-123456.iam.gserviceaccount.com"));
        assert_eq!(resolved.identity.project, None);
        resolved.recipe.build().expect("the official builder takes the configuration");
    }

    #[tokio::test]
    async fn gcloud_adc_then_the_metadata_server() {
        let dir = tempfile::tempdir().unwrap();
        write(
            &dir,
            "application_default_credentials.json",
            serde_json::json!({
                "type": "authorized_user", "client_id": "id", "client_secret": "s", "refresh_token": "r",
                "quota_project_id": "my-quota-project"
            }),
        );
        let config = dir.path().to_string_lossy().into_owned();
        let env = |name: &str| (name == "CLOUDSDK_CONFIG").then(|| config.clone());
        let resolved = adc(&env).unwrap();
        resolved.recipe.build().expect("the official builder takes the file");
        let identity = resolved.identity;
        assert_eq!(identity.source, SOURCE_GCLOUD_ADC);
        assert_eq!((identity.principal, identity.project.as_deref()), (None, Some("my-quota-project")));

        let empty = tempfile::tempdir().unwrap();
        let home = empty.path().to_string_lossy().into_owned();
        let env = |name: &str| (name == "HOME").then(|| home.clone());
        let resolved = adc(&env).unwrap();
        assert_eq!(resolved.identity.source, SOURCE_METADATA);
        resolved.recipe.build().expect("no call is made to build it");
    }

    #[test]
    fn a_missing_or_foreign_credentials_file_is_an_error_naming_it_not_a_fall_through() {
        let env = |name: &str| (name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| "/nonexistent/sa.json".to_string());
        let e = adc(&env).err().unwrap();
        assert_eq!(e.kind, GcpErrorKind::Unauthenticated);
        assert!(e.message.contains("/nonexistent/sa.json"), "{e}");

        let dir = tempfile::tempdir().unwrap();
        let path = write(&dir, "gdch.json", serde_json::json!({"type": "gdch_service_account"}));
        let env = |name: &str| (name == "GOOGLE_APPLICATION_CREDENTIALS").then(|| path.clone());
        let e = adc(&env).err().unwrap();
        assert!(e.message.contains("gdch_service_account") && e.message.contains("external_account"), "{e}");
    }

    #[test]
    fn the_impersonated_email_is_read_from_the_url() {
        assert_eq!(
            impersonated_email(
                "https://iamcredentials.googleapis.com/v1/projects/-/serviceAccounts/a@b.iam.gserviceaccount.com:generateAccessToken"
            )
            .as_deref(),
            Some("a@b.iam.gserviceaccount.com")
        );
        assert_eq!(impersonated_email("https://example.com/"), None);
    }
}
