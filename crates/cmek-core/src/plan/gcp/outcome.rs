//! What a Google Cloud run leaves, as its report names it: the key's resource name.

use crate::run::CloudOutcome;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GcpOutcome {
    /// `projects/P/locations/L/keyRings/R/cryptoKeys/K`: the key found, or the one the run
    /// created (the engine fills it in then); `None` while there is none.
    pub key_name: Option<String>,
}

impl CloudOutcome for GcpOutcome {
    fn key(&self) -> Option<String> {
        self.key_name.clone()
    }

    fn key_label(&self) -> &'static str {
        "Cloud KMS key"
    }
}
