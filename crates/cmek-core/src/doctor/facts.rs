//! What `cmek doctor` gathered, as plain data: the rules read only this. A source that could not be
//! read carries the reason instead of a value (`Gathered::Err`), so its checks say `unknown`.

use serde::Serialize;

use crate::model::{OrgUuid, ProviderKind};
use crate::plan::{RegisteredKey, WorkspaceFacts};

use super::cloud::CloudDoctorFacts;

/// A fact, or why it could not be read (permission, unreachable): never a guess.
pub type Gathered<T> = Result<T, String>;

#[derive(Debug, Clone, PartialEq)]
pub struct DoctorFacts {
    pub target: Target,
    /// The organisation, or why the Admin API could not be read (ANT-01 when the credential was refused).
    pub org: Gathered<OrgUuid>,
    /// Whether the Admin API refused the credential (401/403): ANT-01 fails.
    pub platform_auth_refused: bool,
    /// ANT-02: the platform refused the external-key calls because CMEK is not enabled (its message).
    pub cmek_not_enabled: Option<String>,
    /// The registered configuration under diagnosis, when there is one.
    pub registered: Option<RegisteredKey>,
    /// Every registered configuration of the organisation (ANT-10).
    pub all_registered: Vec<RegisteredKey>,
    /// The workspace asked for (`--workspace`), or the one the configuration is attached to.
    pub workspace: Option<WorkspaceFacts>,
    pub validation: ValidationFacts,
    pub cloud: CloudDiagnosis,
}

impl DoctorFacts {
    /// The cloud of the key under diagnosis: the one inspected, else the registered configuration's.
    pub fn provider(&self) -> Option<ProviderKind> {
        match &self.cloud {
            CloudDiagnosis::Inspected(cloud) => Some(cloud.provider()),
            CloudDiagnosis::None(_) => self.registered.as_ref().and_then(|r| r.config.kind()),
        }
    }
}

/// What was asked to be diagnosed, as the report shows it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Target {
    /// `external_key`, `workspace` or `cloud_key`.
    pub selector: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub external_key_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider: Option<&'static str>,
    /// The cloud key: an AWS ARN (or alias), or an Azure key URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValidationFacts {
    /// Not run, and why (`--no-validate`, nothing registered).
    NotRun(String),
    /// The call itself failed (why).
    Unreadable(String),
    Done(Validation),
}

/// The platform's answer to `validate`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Validation {
    pub ok: bool,
    pub error: Option<String>,
}

/// The cloud side of a diagnosis.
#[derive(Debug, Clone, PartialEq)]
pub enum CloudDiagnosis {
    /// No cloud key to look at (why; empty when there is nothing to say).
    None(String),
    /// What the cloud showed (or why it could not be read), in the cloud's own terms.
    Inspected(Box<dyn CloudDoctorFacts>),
}
