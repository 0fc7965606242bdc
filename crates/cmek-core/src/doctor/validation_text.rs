//! ANT-06: the platform's validation `error` is one line of free text. Each cloud maps its own
//! sentences to the catalogue findings they point at, most specific first, each with the fix
//! (`doctor/<cloud>/validation_text.rs`); this asks the cloud the key lives in.

use crate::clouds;
use crate::model::ProviderKind;
use crate::plan::{Check, Severity};

/// The findings a validation error text about a key in `provider` points at; empty when nothing
/// is recognised (or the cloud is not one `cmek` knows).
pub fn causes(provider: ProviderKind, error: &str) -> Vec<Check> {
    clouds::get(provider).map(|c| c.validation_causes(error)).unwrap_or_default()
}

/// Whether a validation failure says an access grant has not taken effect yet (worth waiting).
pub fn is_propagating(provider: ProviderKind, error: &str) -> bool {
    clouds::get(provider).is_some_and(|c| c.is_propagating(error))
}

/// A finding with its fix, without an `observed` copy of the error text (shown beside it).
pub(crate) fn cause(id: &'static str, severity: Severity, title: &str, fix: String) -> Check {
    let mut cause = Check::fail(id, severity, title, String::new()).with_fix(fix);
    cause.observed = None;
    cause
}
