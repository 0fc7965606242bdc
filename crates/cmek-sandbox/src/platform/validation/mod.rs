//! Key validation as Anthropic runs it (platform-api.md, section 8): on `POST .../validate` with
//! the organisation in the encryption context, and on attach with the workspace's compartment too.
//!
//! This module picks the provider and enforces the time limit; `aws` does the AWS steps (and
//! hands a policy-enforcing backend to `enforced`, which calls as Anthropic's own session),
//! `azure` the Azure steps as Anthropic's multi-tenant app (`azure_sign_in` first), `gcp` the
//! Google Cloud KMS steps as Anthropic's service account, and `messages` / `azure_messages` /
//! `gcp_messages` hold every failure sentence. The calls go through the official SDK clients:
//! `kms_calls` (+ `kms_failure`) for AWS, `key_vault_calls` (+ `key_vault_failure`) for Azure;
//! for GCP, `cloud_kms_calls` speaks Cloud KMS's REST directly. It never touches the store:
//! callers pass a `Target`.

mod access;
mod aws;
mod azure;
pub mod azure_messages;
mod azure_sign_in;
mod cloud_kms_calls;
#[cfg(test)]
mod doctor_mapping;
mod enforced;
mod gcp;
#[cfg(test)]
mod gcp_doctor_mapping;
pub mod gcp_messages;
mod key_vault_calls;
mod key_vault_failure;
mod kms_calls;
mod kms_failure;
pub mod messages;
mod transient;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::platform::wire::ProviderConfig;

use super::config::{AwsBackend, AzureBackend, GcpBackend};

/// Anthropic waits up to 30 s for a validation round trip (platform-api.md, section 3).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// What is validated, and in which encryption context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub key_id: String,
    pub provider_config: ProviderConfig,
    /// The bare organisation UUID.
    pub org_id: String,
    /// Set when validating for an attach: that workspace's compartment id.
    pub compartment_id: Option<String>,
}

impl Target {
    /// `{"anthropic:org_uuid": ..., "anthropic:compartment_uuid"?: ...}`.
    pub fn context(&self) -> BTreeMap<String, String> {
        let mut context = BTreeMap::from([(messages::ORG_KEY.to_string(), self.org_id.clone())]);
        if let Some(compartment) = &self.compartment_id {
            context.insert(messages::COMPARTMENT_KEY.to_string(), compartment.clone());
        }
        context
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Valid,
    Invalid(String),
    TimedOut(String),
}

/// Runs the validation for `target`, giving up after `limit`.
pub async fn run(
    aws_backend: Option<&AwsBackend>,
    azure_backend: Option<&AzureBackend>,
    gcp_backend: Option<&GcpBackend>,
    limit: Duration,
    target: &Target,
) -> Outcome {
    match &target.provider_config {
        ProviderConfig::Aws(config) => {
            let Some(backend) = aws_backend else {
                return Outcome::Invalid(messages::no_aws_endpoint(&config.kms_arn));
            };
            match tokio::time::timeout(limit, aws::validate(backend, &config.kms_arn, target)).await {
                Ok(Ok(())) => Outcome::Valid,
                Ok(Err(sentence)) => Outcome::Invalid(sentence),
                Err(_) => Outcome::TimedOut(messages::timeout(&config.kms_arn, limit)),
            }
        }
        ProviderConfig::Gcp(config) => {
            let Some(backend) = gcp_backend else {
                return Outcome::Invalid(gcp_messages::no_gcp_endpoint(&config.key_name));
            };
            match tokio::time::timeout(limit, gcp::validate(backend, &config.key_name, target)).await {
                Ok(Ok(())) => Outcome::Valid,
                Ok(Err(sentence)) => Outcome::Invalid(sentence),
                Err(_) => Outcome::TimedOut(gcp_messages::timeout(&config.key_name, limit)),
            }
        }
        ProviderConfig::Azure(config) => {
            let key_id = azure_messages::key_id(&config.vault_uri, &config.key_name);
            let Some(backend) = azure_backend else {
                return Outcome::Invalid(azure_messages::no_azure_endpoint(&key_id));
            };
            match tokio::time::timeout(limit, azure::validate(backend, config, target)).await {
                Ok(Ok(())) => Outcome::Valid,
                Ok(Err(sentence)) => Outcome::Invalid(sentence),
                Err(_) => Outcome::TimedOut(azure_messages::timeout(&key_id, limit)),
            }
        }
    }
}
