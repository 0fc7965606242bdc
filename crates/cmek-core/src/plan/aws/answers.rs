//! What the user asked for in AWS KMS: an existing key, or the region and alias of a new one.

use crate::model::ProviderKind;
use crate::model::aws::{AwsKeyRef, AwsRegion, KmsAliasName};
use crate::run::CloudOutcome;

use super::AwsOutcome;
use crate::plan::CloudAnswers;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsAnswers {
    /// An existing key to use; `None` finds the alias, or creates a key.
    pub key: Option<AwsKeyRef>,
    /// Where to look for the alias and create a key.
    pub region: AwsRegion,
    /// The alias given to a created key, and looked up when no key is named.
    pub alias: KmsAliasName,
    /// Consent to take out grants to Anthropic's account that are not cmek's (AWS-08, e.g. the
    /// console's grant to the whole account) while merging (`--replace-anthropic-grants`).
    pub replace_anthropic_grants: bool,
}

/// The approval id (and the flag) for taking out grants to Anthropic's account that are not cmek's.
pub const REPLACE_ANTHROPIC_GRANTS: &str = "replace_anthropic_grants";

impl Default for AwsAnswers {
    fn default() -> Self {
        Self {
            key: None,
            region: AwsRegion::recommended(),
            alias: KmsAliasName::default_alias(),
            replace_anthropic_grants: false,
        }
    }
}

impl CloudAnswers for AwsAnswers {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Aws
    }

    fn for_workspace(&self, suffix: &str) -> Result<Box<dyn CloudAnswers>, String> {
        if let Some(key) = &self.key {
            return Err(format!(
                "--key {key} names one key, and --key-per-workspace gives each workspace its own: drop --key \
                 (each key is found or created by its alias, {}-<workspace>)",
                self.alias
            ));
        }
        let alias = format!("{}-{suffix}", self.alias).parse::<KmsAliasName>().map_err(|e| e.to_string())?;
        Ok(Box::new(AwsAnswers { alias, ..self.clone() }))
    }

    fn inspecting(&self) -> String {
        format!("AWS KMS in {}", self.region)
    }

    fn key_choice(&self) -> String {
        match &self.key {
            Some(AwsKeyRef::Arn(arn)) => match arn.key_id() {
                Some(id) => format!("{id} in {}, account {}", arn.region, arn.account),
                None => arn.to_string(),
            },
            Some(other) => format!("{other} in {}", self.region),
            None => format!("a new key in {}, alias {}", self.region, self.alias),
        }
    }

    fn flags(&self, outcome: Option<&dyn CloudOutcome>) -> Vec<String> {
        let created = outcome.and_then(|o| o.downcast_ref::<AwsOutcome>()).and_then(|o| o.key_arn.as_ref());
        let mut parts = Vec::new();
        match (created, &self.key) {
            (Some(arn), _) => parts.push(format!("--key {arn}")),
            (None, Some(AwsKeyRef::Arn(arn))) => parts.push(format!("--key {arn}")),
            (None, Some(other)) => {
                parts.push(format!("--key {other}"));
                parts.push(format!("--region {}", self.region));
            }
            (None, None) => {
                parts.push(format!("--region {}", self.region));
                if self.alias.as_str() != KmsAliasName::DEFAULT {
                    parts.push(format!("--alias {}", self.alias));
                }
            }
        }
        if self.replace_anthropic_grants {
            parts.push("--replace-anthropic-grants".to_string());
        }
        parts
    }

    fn consent(&mut self, id: &str, _typed: &str) {
        if id == REPLACE_ANTHROPIC_GRANTS {
            self.replace_anthropic_grants = true;
        }
    }

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("region", serde_json::json!(self.region.to_string()))]
    }
}
