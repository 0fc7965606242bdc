//! What the Google Cloud provider reports about a key ring, a crypto key, its versions and the
//! signed-in identity: plain data, no SDK types. Enum values are Google's names, verbatim
//! (`ENCRYPT_DECRYPT`, `HSM`, `ENABLED`), so an unexpected one is shown as the service said it.

use std::collections::BTreeMap;

use super::GcpIamPolicy;

/// A key ring that exists, with its IAM policy (grants there are inherited by its keys).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GcpKeyRingFacts {
    /// `projects/P/locations/L/keyRings/R`.
    pub name: String,
    /// `None`: the policy could not be read (the reason is a finding of its own).
    pub iam_policy: Option<GcpIamPolicy>,
}

/// A crypto key as `cryptoKeys.get` describes it, with its versions and IAM policy.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GcpKeyFacts {
    /// `projects/P/locations/L/keyRings/R/cryptoKeys/K`.
    pub name: String,
    /// `ENCRYPT_DECRYPT`, `ASYMMETRIC_DECRYPT`, `MAC`, ...
    pub purpose: String,
    /// The version template's, e.g. `HSM`, `SOFTWARE`, `EXTERNAL`.
    pub protection_level: Option<String>,
    /// The version template's, e.g. `GOOGLE_SYMMETRIC_ENCRYPTION`.
    pub algorithm: Option<String>,
    /// The primary version (symmetric keys only); `None` when the key has none.
    pub primary: Option<GcpVersionFacts>,
    /// Every version, primary included, as listed.
    pub versions: Vec<GcpVersionFacts>,
    pub labels: BTreeMap<String, String>,
    /// `"7776000s"`, verbatim; `None`: no automatic rotation.
    pub rotation_period: Option<String>,
    pub next_rotation_time: Option<String>,
    /// `"2592000s"` (30 days) by default.
    pub destroy_scheduled_duration: Option<String>,
    /// `None`: the policy could not be read.
    pub iam_policy: Option<GcpIamPolicy>,
}

impl GcpKeyFacts {
    /// The automatic rotation period in whole days, when one is set (`"7776000s"` is 90).
    pub fn rotation_days(&self) -> Option<u64> {
        self.rotation_period.as_deref().and_then(duration_seconds).map(|s| s / 86_400)
    }

    /// Every version except the primary (what older data may be encrypted with).
    pub fn older_versions(&self) -> impl Iterator<Item = &GcpVersionFacts> {
        let primary = self.primary.as_ref().map(|p| p.name.as_str());
        self.versions.iter().filter(move |v| Some(v.name.as_str()) != primary)
    }
}

/// A protobuf `Duration` as JSON writes it (`"2592000s"`, `"3.5s"`), in whole seconds.
pub fn duration_seconds(text: &str) -> Option<u64> {
    let number = text.trim().strip_suffix('s')?;
    let whole = number.split('.').next()?;
    whole.parse().ok()
}

/// A version's state, as Cloud KMS names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VersionState {
    Enabled,
    Disabled,
    DestroyScheduled,
    Destroyed,
    PendingGeneration,
    /// Any other state (import states, future ones): unusable for encryption.
    Other,
}

impl VersionState {
    pub fn parse(name: &str) -> Self {
        match name {
            "ENABLED" => Self::Enabled,
            "DISABLED" => Self::Disabled,
            "DESTROY_SCHEDULED" => Self::DestroyScheduled,
            "DESTROYED" => Self::Destroyed,
            "PENDING_GENERATION" => Self::PendingGeneration,
            _ => Self::Other,
        }
    }
}

/// One crypto key version.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GcpVersionFacts {
    /// `.../cryptoKeyVersions/N`.
    pub name: String,
    pub state: VersionState,
    /// The state as the service named it (for messages).
    pub state_name: String,
    /// RFC 3339: when a DESTROY_SCHEDULED version becomes permanent.
    pub destroy_time: Option<String>,
}

impl GcpVersionFacts {
    /// The version number (the last path segment).
    pub fn number(&self) -> &str {
        self.name.rsplit('/').next().unwrap_or(&self.name)
    }
}

/// Who the Google credential is, as far as it can be told, and the project it defaults to.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct GcpCallerIdentity {
    /// `serviceAccount:...` or `user:...` when known (a service-account key file names it; an
    /// end user's ADC file does not).
    pub principal: Option<String>,
    /// Where the credential came from, e.g. "GOOGLE_APPLICATION_CREDENTIALS (service account key)".
    pub source: String,
    /// `--gcp-project`, `CLOUDSDK_CORE_PROJECT`, `GOOGLE_CLOUD_PROJECT`, or the credential's own.
    pub project: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(n: u32, state: VersionState) -> GcpVersionFacts {
        GcpVersionFacts {
            name: format!("k/cryptoKeyVersions/{n}"),
            state,
            state_name: String::new(),
            destroy_time: None,
        }
    }

    #[test]
    fn durations_read_as_google_writes_them() {
        assert_eq!(duration_seconds("7776000s"), Some(7_776_000));
        assert_eq!(duration_seconds("3.5s"), Some(3));
        assert_eq!(duration_seconds("90d"), None);
        assert_eq!(duration_seconds("s"), None);
    }

    #[test]
    fn rotation_is_in_days_and_older_versions_leave_out_the_primary() {
        let key = GcpKeyFacts {
            name: "k".into(),
            purpose: "ENCRYPT_DECRYPT".into(),
            protection_level: None,
            algorithm: None,
            primary: Some(version(2, VersionState::Enabled)),
            versions: vec![version(1, VersionState::Disabled), version(2, VersionState::Enabled)],
            labels: BTreeMap::new(),
            rotation_period: Some("7776000s".into()),
            next_rotation_time: None,
            destroy_scheduled_duration: None,
            iam_policy: None,
        };
        assert_eq!(key.rotation_days(), Some(90));
        let older: Vec<&str> = key.older_versions().map(GcpVersionFacts::number).collect();
        assert_eq!(older, ["1"]);
    }
}
