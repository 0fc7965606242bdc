//! Checks on the key's versions: the primary must be ENABLED (GCP-04), older versions must still
//! decrypt (GCP-05), and how long a destroyed version stays recoverable. A version is only ever
//! re-enabled or restored by the fixes: cmek never destroys one.

use chrono::DateTime;

use crate::model::gcp::{GcpKeyFacts, GcpKeyName, GcpVersionFacts, VersionState};
use crate::plan::{Check, Severity};
use crate::shell::quoted;

use super::gcloud::{DAY, days, duration_secs, gcloud_key_flags, new_key_fix};

/// Cloud KMS's default `destroyScheduledDuration`: a destroyed version can be restored for 30 days.
pub(crate) const DEFAULT_DESTROY_SCHEDULED_SECS: u64 = 30 * DAY;

/// `--key K --keyring R --location L --project P`: how `gcloud kms keys versions ...` names it.
fn version_flags(name: &GcpKeyName) -> String {
    format!("--key {}", gcloud_key_flags(name))
}

pub(crate) fn primary_check(key: &GcpKeyFacts, name: &GcpKeyName) -> Check {
    let title = format!("key {}'s primary version is ENABLED", name.key);
    let Some(primary) = &key.primary else {
        return Check::fail("GCP-04", Severity::Critical, title, format!("key {} has no primary version", name.key))
            .with_fix(format!("gcloud kms keys versions create {} --primary", version_flags(name)));
    };
    let n = primary.number();
    let flags = version_flags(name);
    let enable = format!("gcloud kms keys versions enable {} {flags}", quoted(n));
    let (observed, fix) = match primary.state {
        VersionState::Enabled => return Check::pass("GCP-04", Severity::Critical, title),
        VersionState::Disabled => (format!("primary version {n} of key {} is DISABLED", name.key), enable),
        VersionState::DestroyScheduled => (
            format!(
                "primary version {n} of key {} is scheduled for destruction: {}",
                name.key,
                destroyed_when(primary)
            ),
            format!(
                "gcloud kms keys versions restore {} {flags} && {enable} (restoring leaves it DISABLED)",
                quoted(n)
            ),
        ),
        VersionState::Destroyed => (
            format!(
                "primary version {n} of key {} is DESTROYED: its material is gone for good, and so is any data \
                 encrypted under it",
                name.key
            ),
            new_key_fix(name),
        ),
        VersionState::PendingGeneration => (
            format!("primary version {n} of key {} is still being generated (PENDING_GENERATION)", name.key),
            format!(
                "wait until it is ENABLED (gcloud kms keys versions describe {} {flags} --format='value(state)'), then \
                 re-run",
                quoted(n)
            ),
        ),
        VersionState::Other => (
            format!("primary version {n} of key {} is {}", name.key, primary.state_name),
            format!(
                "make an ENABLED version the primary (gcloud kms keys set-primary-version {} --version <N>), or {}",
                gcloud_key_flags(name),
                new_key_fix(name)
            ),
        ),
    };
    Check::fail("GCP-04", Severity::Critical, title, observed).with_fix(fix)
}

/// When a version scheduled for destruction becomes permanent, as a reviewer reads it.
fn destroyed_when(v: &GcpVersionFacts) -> String {
    match v.destroy_time.as_deref() {
        Some(t) => format!("it is destroyed for good on {} unless restored before then", when(t)),
        None => "it is destroyed for good when its scheduled-destruction period ends, unless restored".to_string(),
    }
}

/// An RFC 3339 time as `2026-12-22 09:00 UTC`; the text as given when it does not parse.
fn when(rfc3339: &str) -> String {
    DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| t.with_timezone(&chrono::Utc).format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// Older versions may still decrypt data: disabled or scheduled ones are recoverable (and must
/// be, while data uses them); destroyed ones are gone. cmek never destroys a version.
pub(crate) fn older_versions_checks(key: &GcpKeyFacts, name: &GcpKeyName) -> Vec<Check> {
    let primary = key.primary.as_ref().map(|p| p.name.as_str());
    let older: Vec<&GcpVersionFacts> = key.versions.iter().filter(|v| Some(v.name.as_str()) != primary).collect();
    let flags = version_flags(name);
    let title = format!("key {}'s older versions can still decrypt (data may use them)", name.key);
    let mut out = Vec::new();

    let mut problems = Vec::new();
    let mut fixes = Vec::new();
    for v in &older {
        let n = v.number();
        let enable = format!("gcloud kms keys versions enable {} {flags}", quoted(n));
        match v.state {
            VersionState::Disabled => {
                problems.push(format!("version {n} is DISABLED"));
                fixes.push(enable);
            }
            VersionState::DestroyScheduled => {
                problems.push(format!("version {n} is scheduled for destruction ({})", destroyed_when(v)));
                fixes.push(format!("gcloud kms keys versions restore {} {flags} && {enable}", quoted(n)));
            }
            _ => {}
        }
    }
    out.push(if problems.is_empty() {
        Check::pass("GCP-05", Severity::Critical, title)
    } else {
        Check::warn(
            "GCP-05",
            Severity::Critical,
            title,
            format!(
                "key {}: {}; data encrypted under them cannot be decrypted while they are not ENABLED",
                name.key,
                problems.join("; ")
            ),
        )
        .with_fix(format!(
            "re-enable every version data may still use ({}); never destroy a version data may use",
            fixes.join("; ")
        ))
    });

    let destroyed: Vec<&str> =
        older.iter().filter(|v| v.state == VersionState::Destroyed).map(|v| v.number()).collect();
    if !destroyed.is_empty() {
        out.push(
            Check::warn(
                "GCP-05",
                Severity::Medium,
                format!("no older version of key {} has been destroyed", name.key),
                format!(
                    "key {}: version{} {} {} DESTROYED; nothing can bring {} back, and data still encrypted under \
                     {} is unreadable",
                    name.key,
                    if destroyed.len() == 1 { "" } else { "s" },
                    destroyed.join(", "),
                    if destroyed.len() == 1 { "is" } else { "are" },
                    if destroyed.len() == 1 { "it" } else { "them" },
                    if destroyed.len() == 1 { "it" } else { "them" },
                ),
            )
            .with_fix("nothing to undo; from now on, never destroy a version data may still use"),
        );
    }
    out
}

/// How long a version scheduled for destruction can still be restored (set when the key is
/// created; it cannot be changed later).
pub(crate) fn destroy_window_check(duration: Option<&str>, name: &GcpKeyName) -> Check {
    let secs = duration.and_then(duration_secs);
    let Some(secs) = secs else {
        let shown = duration.map(|d| format!(" ({d})")).unwrap_or_default();
        return Check::pass(
            "GCP-04",
            Severity::Info,
            format!(
                "a destroyed version of key {} stays recoverable for a while{shown}; Cloud KMS's default is {} days",
                name.key,
                DEFAULT_DESTROY_SCHEDULED_SECS / DAY
            ),
        );
    };
    let span = days(secs);
    if secs >= DEFAULT_DESTROY_SCHEDULED_SECS {
        return Check::pass(
            "GCP-04",
            Severity::Info,
            format!("a destroyed version of key {} stays recoverable for {span} ({secs}s)", name.key),
        );
    }
    Check::warn(
        "GCP-04",
        Severity::Low,
        format!(
            "a destroyed version of key {} stays recoverable for at least {} days",
            name.key,
            DEFAULT_DESTROY_SCHEDULED_SECS / DAY
        ),
        format!(
            "key {}'s destroyScheduledDuration is {secs}s: a version destroyed by mistake can be restored for only \
             {span}",
            name.key
        ),
    )
    .with_fix(
        "it is fixed when a key is created: keep the window in mind (alert on DestroyCryptoKeyVersion in the audit \
         logs), or use a new key created with --destroy-scheduled-duration 30d",
    )
}
