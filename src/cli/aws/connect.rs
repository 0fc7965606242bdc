//! Where AWS calls go: the standard chain with the flags' profile and endpoint, or the sandbox's
//! emulator with its static credentials (never the environment).

use cmek_core::model::aws::AwsRegion;
use cmek_sandbox::aws::AwsCredentials;

use crate::cli::connect::Reach;
use crate::cli::endpoint;
use crate::error::Result;
use crate::providers::aws::{AwsSettings, StaticCredentials};

/// The sandbox hands out its customer's credentials as plain data (it knows nothing of the
/// provider); this is the provider's form of them.
impl From<AwsCredentials> for StaticCredentials {
    fn from(c: AwsCredentials) -> Self {
        StaticCredentials {
            access_key_id: c.access_key_id,
            secret_access_key: c.secret_access_key,
            session_token: c.session_token,
        }
    }
}

/// The settings every region's client is made from (the runtime fills in the region). An
/// endpoint override must be https, or plain http to a loopback address: the session token
/// travels with every call.
pub fn settings(reach: &Reach<'_>) -> Result<AwsSettings> {
    Ok(match reach {
        Reach::Real { clouds, .. } => AwsSettings {
            region: None,
            profile: clouds.aws.aws_profile.clone().filter(|p| !p.is_empty()),
            endpoint_url: match clouds.aws.aws_endpoint.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
                Some(raw) => Some(endpoint::checked(
                    raw,
                    "--aws-endpoint / AWS_ENDPOINT_URL",
                    "the region's own KMS and STS endpoints",
                )?),
                None => None,
            },
            static_credentials: None,
        },
        Reach::Sandbox(s) => AwsSettings {
            region: None,
            profile: None,
            endpoint_url: Some(s.aws_endpoint.clone()),
            static_credentials: Some(s.aws_credentials.clone().into()),
        },
    })
}

/// The settings for one region (for callers that connect a client themselves).
pub fn settings_in(reach: &Reach<'_>, region: &AwsRegion) -> Result<AwsSettings> {
    Ok(AwsSettings { region: Some(region.clone()), ..settings(reach)? })
}
