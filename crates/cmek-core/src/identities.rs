//! The published Anthropic identities and egress ranges, shipped in `assets/` and pinned here.
//!
//! These are the only principals `cmek` grants by default. Anything else needs a loudly named
//! override flag at the edge; this module never reads the environment.

use std::sync::OnceLock;

use serde::Deserialize;

const IDENTITIES_JSON: &str = include_str!("../../../assets/anthropic-identities.json");

#[derive(Debug, Clone, Deserialize)]
pub struct AnthropicIdentities {
    pub source: String,
    pub aws: AwsIdentities,
    pub gcp: GcpIdentities,
    pub azure: AzureIdentities,
    pub egress: Egress,
    pub regions: Regions,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AwsIdentities {
    pub account_id: String,
    pub role_arn: String,
    pub claude_platform_on_aws_service_principal: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct GcpIdentities {
    pub service_account: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AzureIdentities {
    pub app_client_id: String,
    pub app_display_name: String,
    pub key_vault_crypto_user_role_id: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Egress {
    pub current: Vec<ipnet::IpNet>,
    pub retired: Vec<ipnet::IpNet>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Regions {
    pub aws: Vec<String>,
    pub gcp: Vec<String>,
    pub azure: Vec<String>,
}

/// The identities compiled into this binary.
pub fn published() -> &'static AnthropicIdentities {
    static CELL: OnceLock<AnthropicIdentities> = OnceLock::new();
    // The asset is compiled in and covered by a unit test, so a parse failure is a build defect.
    CELL.get_or_init(|| serde_json::from_str(IDENTITIES_JSON).expect("assets/anthropic-identities.json is valid"))
}

impl AwsIdentities {
    /// The region recommended for new keys.
    pub fn default_region(&self) -> &str {
        published().regions.aws.first().map(String::as_str).unwrap_or("us-east-2")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_asset_holds_the_published_values() {
        let ids = published();
        assert_eq!(ids.aws.role_arn, "arn:aws:iam::915198916910:role/anthropic-cmek-client-us");
        assert_eq!(ids.aws.account_id, "915198916910");
        assert_eq!(ids.azure.app_client_id, "8635ae1a-3e5d-44e8-a4ed-e0f614466f87");
        assert_eq!(ids.egress.current[0].to_string(), "160.79.104.0/21");
        assert_eq!(ids.egress.retired.len(), 5);
        assert_eq!(ids.aws.default_region(), "us-east-2");
    }
}
