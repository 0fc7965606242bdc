//! A registered key's `provider_config` as the Admin API carries it: the provider's `type` and
//! that provider's own fields. Shared code carries it whole; each cloud's folder reads and writes
//! its fields (`model::<cloud>::config`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::ProviderKind;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderConfig {
    /// `aws`, `gcp`, `azure`: the API's discriminator, verbatim (another value is kept as is).
    #[serde(rename = "type")]
    pub provider: String,
    /// The provider's fields, in the order they were written or received.
    #[serde(flatten)]
    pub fields: Map<String, Value>,
}

impl ProviderConfig {
    pub fn new(provider: ProviderKind) -> Self {
        Self { provider: provider.as_str().to_string(), fields: Map::new() }
    }

    /// Adds a text field (an absent value is not written, as the API omits it).
    pub fn with(mut self, name: &str, value: Option<impl Into<String>>) -> Self {
        if let Some(v) = value {
            self.fields.insert(name.to_string(), Value::String(v.into()));
        }
        self
    }

    /// The provider, when it is one `cmek` knows.
    pub fn kind(&self) -> Option<ProviderKind> {
        self.provider.parse().ok()
    }

    pub fn is(&self, provider: ProviderKind) -> bool {
        self.kind() == Some(provider)
    }

    /// A text field, when present and a string.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.fields.get(name).and_then(Value::as_str)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_reads_and_writes_the_api_shape_in_order() {
        let json = r#"{"type":"aws","kms_arn":"arn:aws:kms:us-east-2:111122223333:key/k","region":"us-east-2"}"#;
        let config: ProviderConfig = serde_json::from_str(json).unwrap();
        assert!(config.is(ProviderKind::Aws));
        assert_eq!(config.text("region"), Some("us-east-2"));
        assert_eq!(serde_json::to_string(&config).unwrap(), json);
        let written = ProviderConfig::new(ProviderKind::Aws)
            .with("kms_arn", Some("arn:aws:kms:us-east-2:111122223333:key/k"))
            .with("region", Some("us-east-2"))
            .with("role_arn", None::<String>);
        assert_eq!(written, config);
        let other: ProviderConfig = serde_json::from_str(r#"{"type":"oci","ocid":"x"}"#).unwrap();
        assert_eq!(other.kind(), None);
    }
}
