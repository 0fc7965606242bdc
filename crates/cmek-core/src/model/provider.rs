//! Which cloud key-management service a key lives in.

use std::fmt;
use std::str::FromStr;

use super::ParseError;

/// The three clouds the Claude Platform accepts customer-managed keys from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProviderKind {
    Aws,
    Gcp,
    Azure,
}

impl ProviderKind {
    pub const ALL: [ProviderKind; 3] = [ProviderKind::Aws, ProviderKind::Gcp, ProviderKind::Azure];

    pub fn as_str(self) -> &'static str {
        match self {
            ProviderKind::Aws => "aws",
            ProviderKind::Gcp => "gcp",
            ProviderKind::Azure => "azure",
        }
    }

    /// The human name, as the cloud vendors write it.
    pub fn display_name(self) -> &'static str {
        match self {
            ProviderKind::Aws => "AWS KMS",
            ProviderKind::Gcp => "Google Cloud KMS",
            ProviderKind::Azure => "Azure Key Vault",
        }
    }
}

impl fmt::Display for ProviderKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ProviderKind {
    type Err = ParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "aws" => Ok(ProviderKind::Aws),
            "gcp" | "google" => Ok(ProviderKind::Gcp),
            "azure" => Ok(ProviderKind::Azure),
            _ => Err(ParseError::new("provider", s, "expected one of aws, gcp, azure")),
        }
    }
}
