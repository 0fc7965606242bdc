//! Where AWS calls go: the standard chain with the flags' profile and endpoint, or the sandbox's
//! emulator with its static credentials (never the environment).

use cmek_core::model::aws::AwsRegion;
use cmek_sandbox::aws::AwsCredentials;

use crate::cli::connect::Reach;
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

/// The settings every region's client is made from (the runtime fills in the region).
pub fn settings(reach: &Reach<'_>) -> AwsSettings {
    match reach {
        Reach::Real { clouds, .. } => AwsSettings {
            region: None,
            profile: clouds.aws.aws_profile.clone().filter(|p| !p.is_empty()),
            endpoint_url: clouds.aws.aws_endpoint.clone().filter(|e| !e.is_empty()),
            static_credentials: None,
        },
        Reach::Sandbox(s) => AwsSettings {
            region: None,
            profile: None,
            endpoint_url: Some(s.aws_endpoint.clone()),
            static_credentials: Some(s.aws_credentials.clone().into()),
        },
    }
}

/// The settings for one region (for callers that connect a client themselves).
pub fn settings_in(reach: &Reach<'_>, region: &AwsRegion) -> AwsSettings {
    AwsSettings { region: Some(region.clone()), ..settings(reach) }
}
