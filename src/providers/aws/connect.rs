//! `AwsProvider::connect`: resolve region, credentials and endpoint through aws-config's standard
//! chains (with our overrides) and build the KMS and STS clients.
//!
//! Nothing here calls AWS: a bad credential or endpoint shows up on the first call, as an
//! `AwsError` of kind `Credentials` or `Network`. Secrets are handed to the SDK, never formatted.

use std::fmt;
use std::time::Duration;

use aws_config::default_provider::region::DefaultRegionChain;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::Credentials;
use secrecy::ExposeSecret;

use super::error::{AwsError, AwsErrorKind};
use super::settings::{AwsSettings, DEFAULT_REGION, StaticCredentials};
use cmek_core::model::aws::{AwsRegion, KmsKeyArn};

/// The operation name `connect` reports its own failures under.
const CONNECT: &str = "aws:Connect";

/// Connecting (TCP + TLS) to a KMS or STS endpoint; generous for slow proxies, short enough that
/// a wrong `--aws-endpoint` is reported quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One attempt of one call, including reading the answer.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// One call (one attempt: retries are `crate::retry`'s).
const OPERATION_TIMEOUT: Duration = Duration::from_secs(60);

/// A connection to AWS KMS and STS in one region (calls on a key ARN go to the ARN's region).
pub struct AwsProvider {
    sdk_config: SdkConfig,
    region: AwsRegion,
    kms: aws_sdk_kms::Client,
    sts: aws_sdk_sts::Client,
    /// The endpoint override in force (settings or `AWS_ENDPOINT_URL`), without user info.
    endpoint_override: Option<String>,
}

/// A KMS client for one region, with the endpoint it calls (for error messages).
pub(super) struct KmsTarget {
    pub client: aws_sdk_kms::Client,
    pub endpoint: String,
}

impl AwsProvider {
    /// Resolves the configuration; the region is `settings.region`, else the standard chain's
    /// (for `settings.profile` if given), else `us-east-2`.
    pub async fn connect(settings: &AwsSettings) -> Result<AwsProvider, AwsError> {
        if let Some(url) = &settings.endpoint_url {
            check_endpoint_url(url)?;
        }
        let region = resolve_region(settings).await?;
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(region.as_str().to_string()))
            // Retries are `crate::retry`'s, under the one retry policy: the SDK would retry a CreateKey
            // whose answer was lost and make a second key.
            .retry_config(RetryConfig::disabled())
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(url) = &settings.endpoint_url {
            loader = loader.endpoint_url(url);
        }
        if let Some(creds) = &settings.static_credentials {
            loader = loader.credentials_provider(sdk_credentials(creds));
        }
        let sdk_config = loader.load().await;
        let endpoint_override = sdk_config.endpoint_url().map(redact_endpoint);
        let kms = aws_sdk_kms::Client::new(&sdk_config);
        let sts = aws_sdk_sts::Client::new(&sdk_config);
        Ok(AwsProvider { sdk_config, region, kms, sts, endpoint_override })
    }

    /// The region calls go to (unless a key ARN names another one).
    pub fn region(&self) -> &AwsRegion {
        &self.region
    }

    /// The endpoint a service is called at, as shown in error messages.
    pub(super) fn endpoint(&self, service: &str, region: &str) -> String {
        match &self.endpoint_override {
            Some(url) => url.clone(),
            None => format!("https://{service}.{region}.amazonaws.com"),
        }
    }

    pub(super) fn sts(&self) -> (&aws_sdk_sts::Client, String) {
        (&self.sts, self.endpoint("sts", self.region.as_str()))
    }

    /// The KMS client for `key`: KMS is regional, so a key ARN in another region is looked up
    /// in that region rather than reported missing.
    pub(super) fn kms_for(&self, key: &str) -> KmsTarget {
        match key.parse::<KmsKeyArn>() {
            Ok(arn) if arn.region != self.region => {
                let config =
                    aws_sdk_kms::config::Builder::from(&self.sdk_config).region(Region::new(arn.region.to_string()));
                KmsTarget {
                    client: aws_sdk_kms::Client::from_conf(config.build()),
                    endpoint: self.endpoint("kms", arn.region.as_str()),
                }
            }
            _ => self.kms(),
        }
    }

    /// The KMS client for this provider's region.
    pub(super) fn kms(&self) -> KmsTarget {
        KmsTarget { client: self.kms.clone(), endpoint: self.endpoint("kms", self.region.as_str()) }
    }
}

impl fmt::Debug for AwsProvider {
    // The SDK config holds the credentials provider: show only what identifies the connection.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AwsProvider")
            .field("region", &self.region)
            .field("endpoint_override", &self.endpoint_override)
            .finish_non_exhaustive()
    }
}

async fn resolve_region(settings: &AwsSettings) -> Result<AwsRegion, AwsError> {
    if let Some(region) = &settings.region {
        return Ok(region.clone());
    }
    let mut chain = DefaultRegionChain::builder();
    if let Some(profile) = &settings.profile {
        chain = chain.profile_name(profile);
    }
    let (value, source) = match chain.build().region().await {
        Some(found) => (found.to_string(), "the AWS_REGION variable or the profile's `region`"),
        None => (DEFAULT_REGION.to_string(), "the built-in default"),
    };
    value.parse().map_err(|e| {
        AwsError::new(AwsErrorKind::InvalidInput, CONNECT, format!("the region from {source} is not usable: {e}"))
    })
}

fn sdk_credentials(creds: &StaticCredentials) -> Credentials {
    Credentials::new(
        creds.access_key_id.clone(),
        creds.secret_access_key.expose_secret().to_string(),
        creds.session_token.as_ref().map(|t| t.expose_secret().to_string()),
        None,
        "cmek-static-credentials",
    )
}

fn check_endpoint_url(url: &str) -> Result<(), AwsError> {
    let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if ok {
        Ok(())
    } else {
        Err(AwsError::new(
            AwsErrorKind::InvalidInput,
            CONNECT,
            format!(
                "the AWS endpoint `{}` is not an http(s) URL; pass e.g. --aws-endpoint http://127.0.0.1:5000",
                redact_endpoint(url)
            ),
        ))
    }
}

/// The endpoint without user info, query or fragment, which could carry secrets.
fn redact_endpoint(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) => {
            // Both only fail for URLs that cannot have user info, which is then already absent.
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.set_query(None);
            u.set_fragment(None);
            u.to_string().trim_end_matches('/').to_string()
        }
        Err(_) => "<not a URL>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_shown_without_user_info() {
        assert_eq!(redact_endpoint("http://user:pw@127.0.0.1:5000/?token=x"), "http://127.0.0.1:5000");
        assert_eq!(redact_endpoint("https://kms.us-east-2.amazonaws.com"), "https://kms.us-east-2.amazonaws.com");
        assert_eq!(redact_endpoint("no url at all secret"), "<not a URL>");
    }

    #[test]
    fn endpoint_must_be_http() {
        assert!(check_endpoint_url("http://127.0.0.1:5000").is_ok());
        assert!(check_endpoint_url("https://kms.example").is_ok());
        let e = check_endpoint_url("127.0.0.1:5000").unwrap_err();
        assert_eq!(e.kind, AwsErrorKind::InvalidInput);
        assert!(e.message.contains("--aws-endpoint"), "{e}");
    }

    #[tokio::test]
    async fn region_override_wins_and_arns_elsewhere_get_their_region() {
        let settings = AwsSettings {
            region: Some("us-west-2".parse().unwrap()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..AwsSettings::default()
        };
        let p = AwsProvider::connect(&settings).await.unwrap();
        assert_eq!(p.region().as_str(), "us-west-2");
        let other = p.kms_for("arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        assert_eq!(other.client.config().region().map(|r| r.as_ref()), Some("us-east-1"));
        let same = p.kms_for("alias/anthropic-cmek");
        assert_eq!(same.client.config().region().map(|r| r.as_ref()), Some("us-west-2"));
        assert_eq!(same.endpoint, "http://127.0.0.1:9");
    }
}
