//! The wizard's Google Cloud KMS part: the identity and project Welcome shows, and the Key screen
//! (project, location, key ring and key: a new key, or one of the keys already in the ring).

#[cfg(any(test, feature = "test-fixtures"))]
pub mod fixtures;
mod key_screen;
#[cfg(test)]
mod tests;

pub use key_screen::{GcpKeyFocus, GcpKeyRow, GcpKeyScreen, answers_for, check_key_id, check_key_ring, check_project};

use crate::model::OrgUuid;
use crate::model::gcp::{GcpCallerIdentity, GcpKeyFacts, GcpKeyName, GcpLocation, org_label_key};
use crate::wizard::cloud::{CloudOverview, CloudQuestion, CloudReply};

/// Who the Google credential is, where it came from, and the project it defaults to (Welcome's
/// line; the Key screen starts from that project).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpOverview {
    pub caller: GcpCallerIdentity,
}

impl CloudOverview for GcpOverview {
    fn summary(&self) -> String {
        let who = self.caller.principal.as_deref().unwrap_or("signed in");
        let project = match &self.caller.project {
            Some(p) => format!("project {p}"),
            None => "no default project".to_string(),
        };
        format!("{who} via {}, {project}", self.caller.source)
    }
}

/// The Key screen asks which keys a key ring holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysInRing {
    /// Checked with the model's rules before asking.
    pub project: String,
    pub location: GcpLocation,
    pub key_ring: String,
}

impl KeysInRing {
    /// `projects/P/locations/L/keyRings/R`, what `cryptoKeys.list` is called on.
    pub fn key_ring_name(&self) -> String {
        format!("projects/{}/locations/{}/keyRings/{}", self.project, self.location, self.key_ring)
    }
}

impl CloudQuestion for KeysInRing {}

/// The keys found in the ring (`ring_exists` false: there is no such key ring yet, and setup
/// creates it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysInRingFound {
    pub ring_exists: bool,
    pub keys: Vec<GcpKeyCandidate>,
}

impl CloudReply for KeysInRingFound {}

/// An existing key the user may pick, as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpKeyCandidate {
    pub name: GcpKeyName,
    /// `ENCRYPT_DECRYPT`, ... as Cloud KMS names it.
    pub purpose: String,
    /// `HSM`, `SOFTWARE`, `EXTERNAL`, ...; `None` when the key does not say.
    pub protection_level: Option<String>,
    /// The primary version's state (`ENABLED`, `DISABLED`, ...); `None`: no primary version.
    pub primary_state: Option<String>,
    /// The organisation labels it carries (`anthropic-org-<uuid>` keys set to `true`): the
    /// engine cannot tell whose organisation the run is for, the list can.
    pub org_labels: Vec<String>,
}

impl GcpKeyCandidate {
    /// The candidate a described key makes; `None` when its name is not a crypto key's.
    pub fn from_facts(key: &GcpKeyFacts) -> Option<Self> {
        Some(Self {
            name: GcpKeyName::parse(&key.name).ok()?,
            purpose: key.purpose.clone(),
            protection_level: key.protection_level.clone(),
            primary_state: key.primary.as_ref().map(|p| p.state_name.clone()),
            org_labels: key
                .labels
                .iter()
                .filter(|(k, v)| k.starts_with("anthropic-org-") && v.as_str() == "true")
                .map(|(k, _)| k.clone())
                .collect(),
        })
    }

    /// Whether it carries organisation `org`'s label.
    pub fn labelled_for(&self, org: &OrgUuid) -> bool {
        self.org_labels.contains(&org_label_key(org))
    }

    /// What keeps it from serving CMEK as it is, a few words each (empty: nothing the list can
    /// see; the plan's checks judge it in full). A missing label is not one: setup adds it.
    pub fn concerns(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.purpose != "ENCRYPT_DECRYPT" {
            out.push(format!("purpose {} (ENCRYPT_DECRYPT needed)", self.purpose));
        }
        if let Some(level @ ("EXTERNAL" | "EXTERNAL_VPC")) = self.protection_level.as_deref() {
            out.push(format!("{level} keys are not supported"));
        }
        match self.primary_state.as_deref() {
            Some("ENABLED") => {}
            Some(state) => out.push(format!("primary version {state}")),
            None => out.push("no primary version".to_string()),
        }
        out
    }
}
