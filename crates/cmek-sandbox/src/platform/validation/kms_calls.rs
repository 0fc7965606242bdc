//! The validator's AWS calls (DescribeKey, GetKeyPolicy, Encrypt, Decrypt, STS AssumeRole)
//! through the official AWS SDK clients, pointed at the backend's endpoint (the built-in emulator
//! or an external stand-in such as moto) in one region, with fixed credentials.
//!
//! The clients are configured from plain values only: nothing is read from this process's
//! environment or AWS profiles, so the host's AWS settings cannot change how Anthropic's calls
//! are made. Timeouts and retries are those of the SDK's standard mode, bounded.

use std::collections::{BTreeMap, HashMap};
use std::time::Duration;

use aws_credential_types::Credentials;
use aws_sdk_kms::config::retry::RetryConfig;
use aws_sdk_kms::config::timeout::TimeoutConfig;
use aws_sdk_kms::config::{BehaviorVersion, Region};
use aws_sdk_kms::primitives::{Blob, DateTime as SdkDateTime};
use aws_sdk_kms::types::KeyMetadata;
use secrecy::{ExposeSecret, SecretString};

use super::kms_failure::{KmsFailure, KmsFailureKind};
use crate::aws::AwsCredentials;
use cmek_core::model::aws::{AwsAccountId, AwsKeyDescription, AwsKeyState, AwsRegion, KmsKeyArn, KmsKeyId};

/// The operation name the client set-up reports its own failures under.
const CONNECT: &str = "aws:Connect";
/// Connecting to the endpoint: short, so a wrong endpoint is reported quickly.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// One attempt of one call, reading the answer included.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(30);
/// One call, all retries included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(90);
/// The only key policy name KMS supports.
const POLICY_NAME: &str = "default";

/// KMS and STS clients for one endpoint, region and identity.
pub struct KmsCalls {
    kms: aws_sdk_kms::Client,
    sts: aws_sdk_sts::Client,
    /// The endpoint without user info, as failures name it.
    endpoint: String,
}

impl KmsCalls {
    /// Clients for `endpoint_url` in `region`, calling with `credentials`. Makes no call.
    pub fn new(endpoint_url: &str, region: &AwsRegion, credentials: &AwsCredentials) -> Result<Self, KmsFailure> {
        check_endpoint_url(endpoint_url)?;
        let credentials = Credentials::new(
            credentials.access_key_id.clone(),
            credentials.secret_access_key.expose_secret().to_string(),
            credentials.session_token.as_ref().map(|t| t.expose_secret().to_string()),
            None,
            "cmek-sandbox-validation",
        );
        let region = Region::new(region.as_str().to_string());
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(CONNECT_TIMEOUT)
            .operation_attempt_timeout(ATTEMPT_TIMEOUT)
            .operation_timeout(OPERATION_TIMEOUT)
            .build();
        let kms = aws_sdk_kms::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(region.clone())
            .endpoint_url(endpoint_url)
            .credentials_provider(credentials.clone())
            .retry_config(RetryConfig::standard())
            .timeout_config(timeouts.clone())
            .interceptor(crate::traffic::MarkInternal)
            .build();
        let sts = aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(region)
            .endpoint_url(endpoint_url)
            .credentials_provider(credentials)
            .retry_config(RetryConfig::standard())
            .timeout_config(timeouts)
            .interceptor(crate::traffic::MarkInternal)
            .build();
        Ok(Self {
            kms: aws_sdk_kms::Client::from_conf(kms),
            sts: aws_sdk_sts::Client::from_conf(sts),
            endpoint: redact_endpoint(endpoint_url),
        })
    }

    pub async fn describe_key(&self, key: &str) -> Result<AwsKeyDescription, KmsFailure> {
        const OP: &str = "kms:DescribeKey";
        let out = self.kms.describe_key().key_id(key).send().await.map_err(|e| self.failed(OP, e))?;
        let meta = out.key_metadata().ok_or_else(|| {
            KmsFailure::new(KmsFailureKind::Other, OP, format!("KMS returned no key metadata for `{key}`"))
        })?;
        key_description(meta, OP)
    }

    /// The key policy, verbatim.
    pub async fn get_key_policy(&self, key: &str) -> Result<String, KmsFailure> {
        const OP: &str = "kms:GetKeyPolicy";
        let out = self
            .kms
            .get_key_policy()
            .key_id(key)
            .policy_name(POLICY_NAME)
            .send()
            .await
            .map_err(|e| self.failed(OP, e))?;
        out.policy().map(str::to_string).ok_or_else(|| {
            KmsFailure::new(KmsFailureKind::Other, OP, format!("KMS returned no policy for key `{key}`"))
        })
    }

    /// Encrypt under `key` in `context` (an empty context is sent as none, which is what KMS means by it).
    pub async fn encrypt(
        &self,
        key: &str,
        plaintext: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, KmsFailure> {
        const OP: &str = "kms:Encrypt";
        let out = self
            .kms
            .encrypt()
            .key_id(key)
            .plaintext(Blob::new(plaintext))
            .set_encryption_context(sdk_context(context))
            .send()
            .await
            .map_err(|e| self.failed(OP, e))?;
        out.ciphertext_blob().map(|b| b.as_ref().to_vec()).ok_or_else(|| {
            KmsFailure::new(KmsFailureKind::Other, OP, format!("KMS returned no ciphertext for key `{key}`"))
        })
    }

    /// Decrypt with `key` named (a ciphertext of another key is refused) in `context`.
    pub async fn decrypt(
        &self,
        key: &str,
        ciphertext: &[u8],
        context: &BTreeMap<String, String>,
    ) -> Result<Vec<u8>, KmsFailure> {
        const OP: &str = "kms:Decrypt";
        let out = self
            .kms
            .decrypt()
            .key_id(key)
            .ciphertext_blob(Blob::new(ciphertext))
            .set_encryption_context(sdk_context(context))
            .send()
            .await
            .map_err(|e| self.failed(OP, e))?;
        out.plaintext().map(|b| b.as_ref().to_vec()).ok_or_else(|| {
            KmsFailure::new(KmsFailureKind::Other, OP, format!("KMS returned no plaintext for key `{key}`"))
        })
    }

    /// STS AssumeRole: a session of `role_arn` named `session_name`, as temporary credentials.
    pub async fn assume_role(&self, role_arn: &str, session_name: &str) -> Result<AwsCredentials, KmsFailure> {
        const OP: &str = "sts:AssumeRole";
        let out = self
            .sts
            .assume_role()
            .role_arn(role_arn)
            .role_session_name(session_name)
            .send()
            .await
            .map_err(|e| KmsFailure::from_sdk(OP, &self.endpoint, e))?;
        let creds = out.credentials().ok_or_else(|| {
            KmsFailure::new(KmsFailureKind::Other, OP, format!("STS returned no credentials for role `{role_arn}`"))
        })?;
        Ok(AwsCredentials {
            access_key_id: creds.access_key_id().to_string(),
            secret_access_key: SecretString::from(creds.secret_access_key().to_string()),
            session_token: Some(SecretString::from(creds.session_token().to_string())),
        })
    }

    fn failed<E>(
        &self,
        operation: &'static str,
        err: aws_sdk_kms::error::SdkError<E, aws_sdk_kms::config::http::HttpResponse>,
    ) -> KmsFailure
    where
        E: aws_sdk_kms::error::ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        KmsFailure::from_sdk(operation, &self.endpoint, err)
    }
}

fn sdk_context(context: &BTreeMap<String, String>) -> Option<HashMap<String, String>> {
    if context.is_empty() { None } else { Some(context.iter().map(|(k, v)| (k.clone(), v.clone())).collect()) }
}

/// DescribeKey's `KeyMetadata` as the domain's key description; a value that does not parse is
/// a failure naming it, never silently replaced.
fn key_description(meta: &KeyMetadata, operation: &'static str) -> Result<AwsKeyDescription, KmsFailure> {
    let unexpected = |what: &str, value: &str, why: String| {
        KmsFailure::new(KmsFailureKind::Other, operation, format!("KMS returned an unexpected {what} `{value}`: {why}"))
    };
    let arn_text = meta
        .arn()
        .ok_or_else(|| KmsFailure::new(KmsFailureKind::Other, operation, "KMS returned key metadata without an ARN"))?;
    let arn: KmsKeyArn = arn_text.parse().map_err(|e| unexpected("key ARN", arn_text, format!("{e}")))?;
    let key_id: KmsKeyId = meta.key_id().parse().map_err(|e| unexpected("key id", meta.key_id(), format!("{e}")))?;
    let account: AwsAccountId = match meta.aws_account_id() {
        Some(a) => a.parse().map_err(|e| unexpected("account id", a, format!("{e}")))?,
        None => arn.account.clone(),
    };
    let state = match meta.key_state() {
        Some(s) => AwsKeyState::from_kms(s.as_str()),
        // Older answers carry only the `Enabled` flag.
        None if meta.enabled() => AwsKeyState::Enabled,
        None => AwsKeyState::Disabled,
    };
    Ok(AwsKeyDescription {
        region: arn.region.clone(),
        arn,
        key_id,
        account,
        state,
        spec: meta.key_spec().map(|s| s.as_str().to_string()).unwrap_or_default(),
        usage: meta.key_usage().map(|u| u.as_str().to_string()).unwrap_or_default(),
        origin: meta.origin().map(|o| o.as_str().to_string()).unwrap_or_default(),
        multi_region: meta.multi_region().unwrap_or(false),
        description: meta.description().unwrap_or_default().to_string(),
        creation_date: meta.creation_date().and_then(to_chrono),
        deletion_date: meta.deletion_date().and_then(to_chrono),
        manager: meta.key_manager().map(|m| m.as_str().to_string()).unwrap_or_default(),
    })
}

fn to_chrono(t: &SdkDateTime) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

fn check_endpoint_url(url: &str) -> Result<(), KmsFailure> {
    let ok = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some());
    if ok {
        return Ok(());
    }
    Err(KmsFailure::new(
        KmsFailureKind::Other,
        CONNECT,
        format!(
            "the AWS endpoint `{}` is not an http(s) URL; pass e.g. --aws-endpoint http://127.0.0.1:5000",
            redact_endpoint(url)
        ),
    ))
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
    use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};

    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    #[test]
    fn metadata_becomes_a_description_and_odd_values_are_named() {
        let meta = KeyMetadata::builder()
            .key_id("1234abcd-12ab-34cd-56ef-1234567890ab")
            .arn(ARN)
            .key_state(KeyState::PendingDeletion)
            .key_spec(KeySpec::SymmetricDefault)
            .key_usage(KeyUsageType::EncryptDecrypt)
            .build()
            .unwrap();
        let d = key_description(&meta, "kms:DescribeKey").unwrap();
        assert_eq!(
            (d.arn.to_string().as_str(), d.account.as_str(), d.region.as_str()),
            (ARN, "111122223333", "us-east-2")
        );
        assert_eq!(
            (d.state, d.spec.as_str(), d.multi_region),
            (AwsKeyState::PendingDeletion, "SYMMETRIC_DEFAULT", false)
        );
        let odd = KeyMetadata::builder().key_id("k").arn("arn:aws:kms:nowhere").build().unwrap();
        let e = key_description(&odd, "kms:DescribeKey").unwrap_err();
        assert!(e.message.contains("arn:aws:kms:nowhere"), "{e}");
    }

    #[test]
    fn endpoints_are_checked_and_shown_without_user_info() {
        assert_eq!(redact_endpoint("http://user:pw@127.0.0.1:5000/?token=x"), "http://127.0.0.1:5000");
        assert!(check_endpoint_url("http://127.0.0.1:5000").is_ok());
        let e = check_endpoint_url("127.0.0.1:5000").unwrap_err();
        assert_eq!(e.operation, CONNECT);
        assert!(e.message.contains("is not an http(s) URL"), "{e}");
    }
}
