//! What the user asked for in Google Cloud KMS: the key (by full name, or by project, location,
//! key ring and key id) and a new key's protection level.

use std::time::Duration;

use crate::model::ProviderKind;
use crate::model::gcp::GcpKeyName;
use crate::plan::CloudAnswers;
use crate::run::CloudOutcome;
use crate::shell::quoted;

/// Where a new key ring goes unless told otherwise (the first region the CMEK guide recommends).
pub const DEFAULT_LOCATION: &str = "us-central1";
/// The key ring and key ids `cmek` creates and looks for unless told otherwise.
pub const DEFAULT_KEY_RING: &str = "anthropic-cmek";
pub const DEFAULT_KEY: &str = "anthropic-cmek";
/// How long validation keeps retrying while a new IAM binding propagates (Google documents
/// typically 2 minutes, up to 7).
pub const DEFAULT_IAM_WAIT: Duration = Duration::from_secs(600);

/// A new key's protection level: HSM (recommended) or SOFTWARE (accepted). EXTERNAL is never
/// created (Anthropic does not support it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Protection {
    #[default]
    Hsm,
    Software,
}

impl Protection {
    pub fn parse(input: &str) -> Result<Self, String> {
        match input.trim().to_ascii_lowercase().as_str() {
            "hsm" => Ok(Self::Hsm),
            "software" => Ok(Self::Software),
            _ => Err(format!(
                "`{input}` is not a protection level cmek creates: use hsm (recommended) or software (EXTERNAL keys are \
                 not supported by Anthropic)"
            )),
        }
    }

    /// Cloud KMS's name for it.
    pub fn api_name(self) -> &'static str {
        match self {
            Self::Hsm => "HSM",
            Self::Software => "SOFTWARE",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpAnswers {
    /// The key, when fully named (`--key projects/...`, or the Key screen). When `None`, the key
    /// is `key_id` in `key_ring` in `location` of `project`, or of the credential's default
    /// project when `project` is `None` (see [`GcpAnswers::resolve`]).
    pub key: Option<GcpKeyName>,
    /// `--gcp-project`; `None`: the project the credentials or the environment name.
    pub project: Option<String>,
    pub location: String,
    pub key_ring: String,
    pub key_id: String,
    /// The protection level of a key `cmek` creates.
    pub protection: Protection,
    /// The longest validation keeps retrying while a new IAM binding takes effect.
    pub iam_wait: Duration,
}

impl Default for GcpAnswers {
    fn default() -> Self {
        Self {
            key: None,
            project: None,
            location: DEFAULT_LOCATION.into(),
            key_ring: DEFAULT_KEY_RING.into(),
            key_id: DEFAULT_KEY.into(),
            protection: Protection::Hsm,
            iam_wait: DEFAULT_IAM_WAIT,
        }
    }
}

impl GcpAnswers {
    /// The key `project`'s defaults name: `anthropic-cmek` in ring `anthropic-cmek` in us-central1.
    pub fn default_key(project: &str) -> Result<GcpKeyName, crate::model::ParseError> {
        GcpKeyName::new(project, DEFAULT_LOCATION, DEFAULT_KEY_RING, DEFAULT_KEY)
    }

    /// The key these answers name, with `default_project` (the credentials' or environment's)
    /// standing in for an absent `--gcp-project`. `Err` says what is missing or malformed.
    pub fn resolve(&self, default_project: Option<&str>) -> Result<GcpKeyName, String> {
        if let Some(key) = &self.key {
            return Ok(key.clone());
        }
        GcpKeyName::in_project(
            self.project.as_deref().or(default_project),
            &self.location,
            &self.key_ring,
            &self.key_id,
        )
    }
}

impl CloudAnswers for GcpAnswers {
    fn provider(&self) -> ProviderKind {
        ProviderKind::Gcp
    }

    fn for_workspace(&self, suffix: &str) -> Result<Box<dyn CloudAnswers>, String> {
        if let Some(key) = &self.key {
            return Err(format!(
                "--key {key} names one key, and --key-per-workspace gives each workspace its own: drop --key \
                 (each key is {}-<workspace> in key ring {}, found or created)",
                self.key_id, self.key_ring
            ));
        }
        let key_id = format!("{}-{suffix}", self.key_id);
        crate::model::gcp::check_crypto_key_id(&key_id).map_err(|e| e.to_string())?;
        Ok(Box::new(GcpAnswers { key_id, ..self.clone() }))
    }

    fn inspecting(&self) -> String {
        let project = self.key.as_ref().map(|k| k.project.as_str()).or(self.project.as_deref());
        let (location, ring, key) = match &self.key {
            Some(k) => (k.location.as_str(), k.key_ring.as_str(), k.key.as_str()),
            None => (self.location.as_str(), self.key_ring.as_str(), self.key_id.as_str()),
        };
        match project {
            Some(p) => format!("Cloud KMS in project {p} ({location}, key ring {ring}, key {key})"),
            None => format!("Cloud KMS in the default project ({location}, key ring {ring}, key {key})"),
        }
    }

    fn key_choice(&self) -> String {
        match &self.key {
            Some(k) => format!("{k} (key ring and key created when missing)"),
            None => {
                format!("key {} in key ring {} in {} (created when missing)", self.key_id, self.key_ring, self.location)
            }
        }
    }

    fn flags(&self, _outcome: Option<&dyn CloudOutcome>) -> Vec<String> {
        let mut parts = Vec::new();
        match &self.key {
            Some(k) => parts.push(format!("--key {}", quoted(&k.to_string()))),
            None => {
                if let Some(p) = &self.project {
                    parts.push(format!("--gcp-project {}", quoted(p)));
                }
                if self.location != DEFAULT_LOCATION {
                    parts.push(format!("--gcp-location {}", quoted(&self.location)));
                }
                if self.key_ring != DEFAULT_KEY_RING {
                    parts.push(format!("--gcp-key-ring {}", quoted(&self.key_ring)));
                }
                if self.key_id != DEFAULT_KEY {
                    parts.push(format!("--gcp-key {}", quoted(&self.key_id)));
                }
            }
        }
        if self.protection != Protection::Hsm {
            parts.push("--gcp-protection software".into());
        }
        if self.iam_wait != DEFAULT_IAM_WAIT {
            parts.push(format!("--gcp-iam-wait {}s", self.iam_wait.as_secs()));
        }
        parts
    }

    fn consent(&mut self, _id: &str, _typed: &str) {}

    fn journal(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![("gcp_protection", serde_json::Value::from(self.protection.api_name()))]
    }
}
