//! How the Google Cloud checks word their fixes and figures: the key as `gcloud kms keys` names it,
//! the way out when a key cannot serve, and protobuf durations read and said in days.

use crate::model::gcp::GcpKeyName;
use crate::shell::quoted;

use super::steps::PURPOSE;

pub(crate) const DAY: u64 = 24 * 60 * 60;

/// `K --keyring R --location L --project P`: how `gcloud kms keys ...` names the key.
pub(crate) fn gcloud_key_flags(name: &GcpKeyName) -> String {
    format!(
        "{} --keyring {} --location {} --project {}",
        quoted(&name.key),
        quoted(&name.key_ring),
        quoted(&name.location),
        quoted(&name.project)
    )
}

/// The way out when the key itself cannot serve: another key id, which cmek creates.
pub(crate) fn new_key_fix(name: &GcpKeyName) -> String {
    format!(
        "use a new key: --gcp-key <new id> (cmek creates an {PURPOSE} key in key ring {}; a key id cannot be reused, \
         Cloud KMS never deletes keys)",
        name.key_ring
    )
}

/// Whole seconds of a protobuf JSON duration (`"7776000s"`, `"1.5s"`); `None` when it is not one.
pub(crate) fn duration_secs(text: &str) -> Option<u64> {
    let number = text.trim().strip_suffix('s')?;
    let whole = number.split('.').next()?;
    whole.parse().ok()
}

pub(crate) fn days(secs: u64) -> String {
    match (secs / DAY, secs % DAY) {
        (1, 0) => "1 day".to_string(),
        (n, 0) => format!("{n} days"),
        (0, _) if secs >= 3600 => format!("{} hours", secs / 3600),
        (0, _) => format!("{secs} seconds"),
        (n, _) => format!("{n}+ days"),
    }
}
