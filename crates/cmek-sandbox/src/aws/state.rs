//! Everything the emulator knows, as plain serde data: accounts (with their organisation), IAM
//! users and roles, STS sessions, KMS keys (key material included: this is a sandbox) and aliases.
//!
//! Plain data with lookups; the rules live in the operations. `Debug` shows counts only, so a
//! state can never print a secret.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::secret::{KeyMaterial, Secret};

/// At most this many automatic rotations are caught up on at once.
const MAX_CATCH_UP_ROTATIONS: usize = 100;

/// The whole emulated AWS, as it is saved to and loaded from `--state FILE`.
#[derive(Clone, Serialize, Deserialize)]
pub struct AwsState {
    pub(super) accounts: Vec<AccountRecord>,
    pub(super) users: Vec<UserRecord>,
    pub(super) roles: Vec<RoleRecord>,
    #[serde(default)]
    pub(super) sessions: Vec<SessionRecord>,
    #[serde(default)]
    pub(super) keys: Vec<KeyRecord>,
    #[serde(default)]
    pub(super) aliases: Vec<AliasRecord>,
}

impl std::fmt::Debug for AwsState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AwsState")
            .field("accounts", &self.accounts.len())
            .field("users", &self.users.len())
            .field("roles", &self.roles.len())
            .field("sessions", &self.sessions.len())
            .field("keys", &self.keys.len())
            .field("aliases", &self.aliases.len())
            .finish()
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AccountRecord {
    pub id: String,
    /// The AWS Organizations id (`aws:PrincipalOrgID`, `aws:ResourceOrgID`), if any.
    pub organization: Option<String>,
}

/// An IAM user with one long-term access key.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct UserRecord {
    pub account: String,
    pub name: String,
    /// `AIDA...`
    pub user_id: String,
    pub access_key_id: String,
    pub secret_access_key: Secret,
}

impl UserRecord {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:user/{}", self.account, self.name)
    }
}

/// An IAM role. Trust is simplified: principals of the role's own account may assume it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RoleRecord {
    pub account: String,
    pub name: String,
    /// `AROA...`
    pub role_id: String,
    /// `MaxSessionDuration`, in seconds (3600 ..= 43200).
    pub max_session_seconds: u32,
}

impl RoleRecord {
    pub fn arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.name)
    }
}

/// Temporary credentials from AssumeRole.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct SessionRecord {
    pub access_key_id: String,
    pub secret_access_key: Secret,
    pub session_token: Secret,
    pub account: String,
    pub role_name: String,
    pub role_id: String,
    pub session_name: String,
    pub expires: DateTime<Utc>,
}

impl SessionRecord {
    pub fn arn(&self) -> String {
        format!("arn:aws:sts::{}:assumed-role/{}/{}", self.account, self.role_name, self.session_name)
    }

    pub fn role_arn(&self) -> String {
        format!("arn:aws:iam::{}:role/{}", self.account, self.role_name)
    }
}

/// `KeyState` values the emulator models.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(super) enum KeyState {
    Enabled,
    Disabled,
    PendingDeletion,
    PendingImport,
}

impl KeyState {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyState::Enabled => "Enabled",
            KeyState::Disabled => "Disabled",
            KeyState::PendingDeletion => "PendingDeletion",
            KeyState::PendingImport => "PendingImport",
        }
    }
}

/// Automatic rotation settings.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct Rotation {
    pub period_days: u32,
    pub next_rotation: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct KeyRecord {
    pub id: String,
    pub account: String,
    pub region: String,
    pub description: String,
    pub state: KeyState,
    pub created: DateTime<Utc>,
    pub deletion_date: Option<DateTime<Utc>>,
    pub pending_window_days: Option<u32>,
    pub key_spec: String,
    pub key_usage: String,
    pub origin: String,
    pub multi_region: bool,
    /// The key policy exactly as it was given (GetKeyPolicy returns it verbatim).
    pub policy: String,
    /// Tags in the order they were first set.
    pub tags: Vec<(String, String)>,
    pub rotation: Option<Rotation>,
    /// Material versions, oldest first; ciphertext names the version it was made with. Empty for
    /// a key without material (origin EXTERNAL, pending import).
    pub material: Vec<KeyMaterial>,
}

impl KeyRecord {
    pub fn arn(&self) -> String {
        format!("arn:aws:kms:{}:{}:key/{}", self.region, self.account, self.id)
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct AliasRecord {
    pub account: String,
    pub region: String,
    /// With its `alias/` prefix.
    pub name: String,
    pub target_key_id: String,
    pub created: DateTime<Utc>,
    pub updated: DateTime<Utc>,
}

impl AliasRecord {
    pub fn arn(&self) -> String {
        format!("arn:aws:kms:{}:{}:{}", self.region, self.account, self.name)
    }
}

impl AwsState {
    /// Housekeeping before each request: sessions past their expiry are forgotten, keys past
    /// their deletion date are deleted, with their aliases, as KMS does when the window ends, and
    /// automatic rotation adds a material version whenever a rotation date has passed.
    pub(super) fn expire(&mut self, now: DateTime<Utc>) {
        self.sessions.retain(|s| s.expires > now);
        for key in self.keys.iter_mut().filter(|k| k.state == KeyState::Enabled) {
            let Some(rotation) = key.rotation.as_mut() else { continue };
            let period = chrono::TimeDelta::days(i64::from(rotation.period_days.max(1)));
            // Bounded, so a state file from long ago cannot keep a request busy.
            for _ in 0..MAX_CATCH_UP_ROTATIONS {
                if rotation.next_rotation > now {
                    break;
                }
                let Some(next) = rotation.next_rotation.checked_add_signed(period) else { break };
                key.material.push(super::ids::key_material());
                rotation.next_rotation = next;
            }
        }
        let gone: Vec<(String, String, String)> = self
            .keys
            .iter()
            .filter(|k| k.state == KeyState::PendingDeletion && k.deletion_date.is_some_and(|d| d <= now))
            .map(|k| (k.account.clone(), k.region.clone(), k.id.clone()))
            .collect();
        for (account, region, id) in &gone {
            self.keys.retain(|k| !(&k.account == account && &k.region == region && &k.id == id));
            self.aliases.retain(|a| !(&a.account == account && &a.region == region && &a.target_key_id == id));
        }
    }

    pub(super) fn account(&self, id: &str) -> Option<&AccountRecord> {
        self.accounts.iter().find(|a| a.id == id)
    }

    pub(super) fn organization_of(&self, account: &str) -> Option<&str> {
        self.account(account).and_then(|a| a.organization.as_deref())
    }

    pub(super) fn key_index(&self, account: &str, region: &str, id: &str) -> Option<usize> {
        self.keys.iter().position(|k| k.account == account && k.region == region && k.id == id)
    }

    pub(super) fn alias_index(&self, account: &str, region: &str, name: &str) -> Option<usize> {
        self.aliases.iter().position(|a| a.account == account && a.region == region && a.name == name)
    }

    /// The names of the aliases pointing at a key, sorted.
    pub(super) fn aliases_of(&self, key: &KeyRecord) -> Vec<String> {
        let mut names: Vec<String> = self
            .aliases
            .iter()
            .filter(|a| a.account == key.account && a.region == key.region && a.target_key_id == key.id)
            .map(|a| a.name.clone())
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_counts_not_secrets() {
        let state = AwsState::seeded();
        let shown = format!("{state:?}");
        assert!(shown.contains(&format!("users: {}", state.users.len())), "{shown}");
        for user in &state.users {
            assert!(!shown.contains(user.secret_access_key.expose()));
        }
    }

    #[test]
    fn time_passing_rotates_deletes_and_expires() {
        let now = Utc::now();
        let mut state = AwsState::seeded();
        let mut rotating = crate::aws::ops_keys::test_key("111122223333", "us-east-2");
        rotating.rotation = Some(Rotation { period_days: 365, next_rotation: now - chrono::TimeDelta::days(1) });
        let mut doomed = crate::aws::ops_keys::test_key("111122223333", "us-east-2");
        doomed.state = KeyState::PendingDeletion;
        doomed.deletion_date = Some(now - chrono::TimeDelta::seconds(1));
        state.aliases.push(AliasRecord {
            account: doomed.account.clone(),
            region: doomed.region.clone(),
            name: "alias/doomed".into(),
            target_key_id: doomed.id.clone(),
            created: now,
            updated: now,
        });
        let rotating_id = rotating.id.clone();
        state.keys.extend([rotating, doomed]);
        state.sessions.push(SessionRecord {
            access_key_id: "ASIAEXPIRED".into(),
            secret_access_key: Secret::new("s".into()),
            session_token: Secret::new("t".into()),
            account: "915198916910".into(),
            role_name: "r".into(),
            role_id: "AROAX".into(),
            session_name: "s".into(),
            expires: now,
        });
        state.expire(now);
        assert_eq!(state.keys.len(), 1);
        assert_eq!(state.keys[0].id, rotating_id);
        assert_eq!(state.keys[0].material.len(), 2, "one rotation was due");
        assert!(state.keys[0].rotation.as_ref().unwrap().next_rotation > now);
        assert!(state.aliases.is_empty(), "the deleted key's alias goes with it");
        assert!(state.sessions.is_empty());
        state.keys[0].rotation.as_mut().unwrap().next_rotation = DateTime::<Utc>::MAX_UTC;
        state.expire(now);
        assert_eq!(state.keys[0].material.len(), 2);
    }

    #[test]
    fn state_round_trips_through_json() {
        let state = AwsState::seeded();
        let text = serde_json::to_string(&state).unwrap();
        let back: AwsState = serde_json::from_str(&text).unwrap();
        assert_eq!(back.users.len(), state.users.len());
        assert_eq!(back.users[0].secret_access_key, state.users[0].secret_access_key);
        assert_eq!(serde_json::to_string(&back).unwrap(), text);
    }
}
