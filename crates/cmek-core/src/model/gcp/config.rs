//! The fields of a Google Cloud `provider_config`: only the key's resource name (`key_name`), which
//! can never be changed once registered.

use super::GcpKeyName;
use crate::model::{KeyCoordinates, ProviderConfig, ProviderKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpKeyConfig {
    pub key_name: String,
}

impl GcpKeyConfig {
    /// The fields of a GCP configuration; `None` for another provider's or one without `key_name`.
    pub fn read(config: &ProviderConfig) -> Option<Self> {
        if !config.is(ProviderKind::Gcp) {
            return None;
        }
        Some(Self { key_name: config.text("key_name")?.to_string() })
    }

    pub fn for_key(name: &GcpKeyName) -> Self {
        Self { key_name: name.to_string() }
    }

    pub fn to_config(&self) -> ProviderConfig {
        ProviderConfig::new(ProviderKind::Gcp).with("key_name", Some(&self.key_name))
    }

    /// The key it names, when `key_name` parses.
    pub fn key(&self) -> Option<GcpKeyName> {
        GcpKeyName::parse(&self.key_name).ok()
    }

    /// `project/location/ring/key` and its named parts; a name that does not parse is shown as it is.
    pub fn coordinates(&self) -> KeyCoordinates {
        let Some(key) = self.key() else { return KeyCoordinates::raw("key_name", &self.key_name) };
        KeyCoordinates {
            summary: format!("{}/{}/{}/{}", key.project, key.location, key.key_ring, key.key),
            fields: vec![
                ("project", key.project),
                ("location", key.location),
                ("key_ring", key.key_ring),
                ("key", key.key),
                ("key_name", self.key_name.clone()),
            ],
        }
    }

    /// Whether two configurations name the same key (resource names compare exactly: Cloud KMS
    /// ids are case-sensitive).
    pub fn same_key(&self, other: &Self) -> bool {
        self.key_name == other.key_name
    }
}
