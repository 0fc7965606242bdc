//! Gathers the Azure facts of a `setup` run: the vault (ARM), Anthropic's service principal
//! (Graph), its role assignments (ARM) and the key (Key Vault), read-only.

use crate::error::{Error, Result};
use crate::plan::{AzureFacts, SetupAnswers};
use crate::providers::azure::AzureProvider;

pub async fn gather(_azure: &AzureProvider, _answers: &SetupAnswers) -> Result<AzureFacts> {
    Err(Error::usage("Azure fact gathering is being built"))
}
