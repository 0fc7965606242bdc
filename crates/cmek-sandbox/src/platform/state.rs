//! The emulated organisation's data: external keys and workspaces, in creation order, and its
//! Workload Identity Federation (`federation::model`).
//!
//! Plain data behind one `std::sync::Mutex`; callers lock, read or change, and unlock before any
//! `.await`. Lookups return 404 errors that name the id. Rules (attach, delete) live elsewhere.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use crate::platform::wire::{Attachment, ExternalKey, Organization, Workspace};

use super::error::{ApiError, ApiResult, ErrorKind, codes, shown};
use super::federation::model::FederationState;
use super::seed;

/// A stored external key; `seq` orders keys by creation and backs the opaque page cursor.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct KeyRecord {
    pub seq: u64,
    pub key: ExternalKey,
}

#[derive(Debug)]
pub struct Store {
    pub org: Organization,
    /// Whether CMEK is enabled for the organisation (Anthropic turns it on per organisation).
    pub cmek_enabled: bool,
    /// How long validation waits for the KMS (30 s like Anthropic; tests shorten it).
    pub validation_timeout: Duration,
    /// Whether 2026-10-21 (structured error codes) is spoken; off, the API answers as a server
    /// from before it (`platform-2023`). Saved, so a restored sandbox speaks as it did.
    pub structured_version: bool,
    pub user_profiles: Vec<String>,
    pub default_workspace_id: String,
    /// Ascending `seq`.
    pub keys: Vec<KeyRecord>,
    /// Creation order, the default workspace first.
    pub workspaces: Vec<Workspace>,
    pub federation: FederationState,
    next_seq: u64,
}

/// The organisation's data as saved between runs (JSON).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlatformState {
    pub org: Organization,
    pub cmek_enabled: bool,
    pub user_profiles: Vec<String>,
    pub default_workspace_id: String,
    pub keys: Vec<KeyRecord>,
    pub workspaces: Vec<Workspace>,
    pub next_seq: u64,
    /// Absent in files written before `platform-2023` existed: the current version is spoken.
    #[serde(default = "speaks_structured")]
    pub structured_version: bool,
    /// Absent in files written before federation was emulated: seeded afresh then.
    #[serde(default)]
    pub federation: Option<FederationState>,
}

fn speaks_structured() -> bool {
    true
}

/// The store as the server shares it.
pub type SharedStore = Arc<Mutex<Store>>;

/// Locks the store; a poisoned lock (a panic elsewhere) is recovered, since every change is
/// applied whole under the lock and the data stays consistent.
pub fn lock(store: &SharedStore) -> MutexGuard<'_, Store> {
    store.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl Store {
    /// The seeded organisation; fails only if its OIDC issuer key cannot be made.
    pub fn seeded() -> Result<Self, String> {
        Ok(Self {
            org: seed::organization(),
            cmek_enabled: true,
            validation_timeout: super::validation::DEFAULT_TIMEOUT,
            structured_version: true,
            user_profiles: seed::USER_PROFILE_IDS.iter().map(|s| s.to_string()).collect(),
            default_workspace_id: seed::DEFAULT_WORKSPACE.id.to_string(),
            keys: Vec::new(),
            workspaces: seed::workspaces_with_default(),
            federation: super::federation::seed::federation(chrono::Utc::now())?,
            next_seq: 1,
        })
    }

    /// Everything that survives a restart (`--state FILE`); the validation time limit does not.
    pub fn snapshot(&self) -> PlatformState {
        PlatformState {
            org: self.org.clone(),
            cmek_enabled: self.cmek_enabled,
            user_profiles: self.user_profiles.clone(),
            default_workspace_id: self.default_workspace_id.clone(),
            keys: self.keys.clone(),
            workspaces: self.workspaces.clone(),
            next_seq: self.next_seq,
            structured_version: self.structured_version,
            federation: Some(super::federation::handle::portable(&self.federation)),
        }
    }

    pub fn restored(state: PlatformState) -> Result<Self, String> {
        let federation = match state.federation {
            Some(f) => f,
            None => super::federation::seed::federation(chrono::Utc::now())?,
        };
        // Refused here, with the file to blame, rather than at the first identity token minted.
        super::federation::oidc::Issuer::load(&federation.signing_key)
            .map_err(|e| format!("the saved OIDC issuer key cannot be used ({e})"))?;
        Ok(Self {
            org: state.org,
            cmek_enabled: state.cmek_enabled,
            validation_timeout: super::validation::DEFAULT_TIMEOUT,
            structured_version: state.structured_version,
            user_profiles: state.user_profiles,
            default_workspace_id: state.default_workspace_id,
            keys: state.keys,
            workspaces: state.workspaces,
            federation,
            next_seq: state.next_seq,
        })
    }

    pub fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Workspaces (live or archived) that use the key, in creation order.
    pub fn workspaces_using(&self, key_id: &str) -> Vec<&Workspace> {
        self.workspaces.iter().filter(|w| w.external_key_id.as_deref() == Some(key_id)).collect()
    }

    /// The key as the API shows it: `attachment` reflects the workspaces right now.
    pub fn render_key(&self, record: &KeyRecord) -> ExternalKey {
        let mut key = record.key.clone();
        key.attachment =
            if self.workspaces_using(&key.id).is_empty() { Attachment::Unattached } else { Attachment::Attached };
        key
    }

    pub fn key_index(&self, id: &str) -> ApiResult<usize> {
        self.keys.iter().position(|r| r.key.id == id).ok_or_else(|| {
            ApiError::not_found(format!(
                "external key `{}` was not found in organization {}; list them with GET /v1/organizations/external_keys",
                shown(id),
                self.org.id
            ))
        })
    }

    pub fn key(&self, id: &str) -> ApiResult<&KeyRecord> {
        self.key_index(id).map(|i| &self.keys[i])
    }

    pub fn workspace_index(&self, id: &str) -> ApiResult<usize> {
        self.workspaces.iter().position(|w| w.id == id).ok_or_else(|| {
            ApiError::not_found(format!(
                "workspace `{}` was not found in organization {}; list them with GET /v1/organizations/workspaces",
                shown(id),
                self.org.id
            ))
        })
    }

    pub fn workspace(&self, id: &str) -> ApiResult<&Workspace> {
        self.workspace_index(id).map(|i| &self.workspaces[i])
    }

    pub fn is_default(&self, workspace_id: &str) -> bool {
        workspace_id == self.default_workspace_id
    }

    /// Refusal when the organisation has no CMEK. With API version 2026-10-21 a 400
    /// `cmek_not_approved` (credentials-wif.md, "Structured errors"). With the 2023 versions a 403
    /// `permission_error`, because the SDKs report "this feature is not enabled for your
    /// organisation" that way (spend-limit and Claude-tag writes not enabled are
    /// `PermissionDeniedError`s): the request is well-formed, the organisation is not entitled to it.
    pub fn cmek_not_enabled(&self) -> ApiError {
        ApiError::invalid(format!(
            "CMEK is not enabled for organization {}; ask your Anthropic account team to enable customer-managed \
             encryption keys before creating or attaching external keys",
            self.org.id
        ))
        .with_code(codes::CMEK_NOT_APPROVED)
        .with_legacy_kind(ErrorKind::Permission)
    }

    /// "wrkspc_a (production), wrkspc_b (staging)", for messages.
    pub fn describe_workspaces(workspaces: &[&Workspace]) -> String {
        workspaces.iter().map(|w| format!("{} ({})", w.id, w.name)).collect::<Vec<_>>().join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::{PlatformState, Store};

    #[test]
    fn the_api_versions_spoken_survive_a_restart_and_older_files_speak_the_current_one() {
        let mut store = Store::seeded().unwrap();
        store.structured_version = false;
        let saved = serde_json::to_value(store.snapshot()).unwrap();
        let restored: PlatformState = serde_json::from_value(saved.clone()).unwrap();
        assert!(!Store::restored(restored).unwrap().structured_version, "platform-2023 stays so");

        let mut older = saved;
        older.as_object_mut().unwrap().remove("structured_version");
        let restored: PlatformState = serde_json::from_value(older).unwrap();
        assert!(Store::restored(restored).unwrap().structured_version);
    }
}
