//! Secret values the emulators store (access keys, client secrets, tokens' signing keys): they
//! serialise (a sandbox's state file holds them, by design) but never print, and are wiped on drop.

use serde::{Deserialize, Serialize};
use zeroize::Zeroize;

/// A secret string: `Debug` shows nothing of it.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: String) -> Self {
        Self(value)
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Compares without an early exit, so timing does not reveal how much of a guess was right.
    pub fn matches(&self, candidate: &str) -> bool {
        aws_lc_rs::constant_time::verify_slices_are_equal(self.0.as_bytes(), candidate.as_bytes()).is_ok()
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(redacted)")
    }
}

impl Drop for Secret {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}
