//! What an Azure run leaves, as its report names it: the key's id and Anthropic's service principal.

use crate::run::CloudOutcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AzureOutcome {
    /// The key id (`kid`, with its version) the run created, or the existing key's.
    pub key_id: Option<String>,
    /// The object id of Anthropic's service principal, created by the run or found.
    pub service_principal: Option<String>,
}

impl CloudOutcome for AzureOutcome {
    fn key(&self) -> Option<String> {
        self.key_id.clone()
    }

    fn key_label(&self) -> &'static str {
        "Vault key"
    }
}
