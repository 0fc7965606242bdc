//! The emulator's data, serde for the sandbox's state file: projects (Cloud KMS on or off, an
//! IAM policy, the organisation policies that bite CMEK: domain-restricted sharing, a VPC Service
//! Controls perimeter, IAM deny rules) holding key rings, crypto keys and their versions (with
//! their AES-256 material), each with its IAM policy; and the access tokens issued.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::enums::{Algorithm, ProtectionLevel, Purpose, VersionState};
use super::names::{CryptoKeyName, KeyRingName};
use crate::secret::Secret;

/// Everything the Cloud KMS emulator knows.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GcpState {
    pub projects: Vec<Project>,
    /// Access tokens issued, each standing for one principal (`serviceAccount:...`, `user:...`).
    pub tokens: Vec<IssuedToken>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuedToken {
    pub token: Secret,
    pub principal: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Project {
    pub project_id: String,
    /// What Google names in SERVICE_DISABLED and VPC Service Controls errors.
    pub project_number: String,
    /// Whether `cloudkms.googleapis.com` is enabled.
    pub kms_api_enabled: bool,
    /// The project's own IAM policy (bindings here are inherited by its key rings and keys).
    pub iam_policy: Policy,
    /// Domain-restricted sharing (`constraints/iam.allowedPolicyMemberDomains`): when set, only
    /// members whose email domain is one of these (or a subdomain) may be added to a policy.
    /// The sandbox models Google's customer ids by domain.
    #[serde(default)]
    pub allowed_member_domains: Option<Vec<String>>,
    /// A VPC Service Controls perimeter restricting Cloud KMS around this project.
    #[serde(default)]
    pub perimeter: Option<ServicePerimeter>,
    /// IAM deny rules attached to the project (inherited by everything in it).
    #[serde(default)]
    pub deny_rules: Vec<DenyRule>,
    pub key_rings: Vec<KeyRing>,
}

/// A perimeter around the project's Cloud KMS: callers not admitted by an access level or an
/// ingress rule (modelled as the principals listed) are outside and refused.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePerimeter {
    /// `accessPolicies/<n>/servicePerimeters/<name>`.
    pub name: String,
    pub admitted_principals: Vec<String>,
}

/// One rule of an IAM deny policy. Members use IAM allow-policy form (`serviceAccount:...`);
/// permissions the deny-policy form (`cloudkms.googleapis.com/cryptoKeyVersions.useToEncrypt`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DenyRule {
    pub denied_principals: Vec<String>,
    pub denied_permissions: Vec<String>,
    #[serde(default)]
    pub exception_principals: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KeyRing {
    pub location: String,
    pub key_ring_id: String,
    pub create_time: DateTime<Utc>,
    pub iam_policy: Policy,
    pub crypto_keys: Vec<CryptoKey>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptoKey {
    pub crypto_key_id: String,
    pub create_time: DateTime<Utc>,
    pub purpose: Purpose,
    pub labels: BTreeMap<String, String>,
    pub rotation_period_secs: Option<i64>,
    pub next_rotation_time: Option<DateTime<Utc>>,
    pub version_template: VersionTemplate,
    pub import_only: bool,
    pub destroy_scheduled_duration_secs: i64,
    /// The primary version's id (ENCRYPT_DECRYPT keys only).
    pub primary: Option<u32>,
    pub versions: Vec<CryptoKeyVersion>,
    pub iam_policy: Policy,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VersionTemplate {
    pub protection_level: ProtectionLevel,
    pub algorithm: Algorithm,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CryptoKeyVersion {
    pub id: u32,
    pub state: VersionState,
    pub protection_level: ProtectionLevel,
    pub algorithm: Algorithm,
    pub create_time: DateTime<Utc>,
    pub generate_time: Option<DateTime<Utc>>,
    pub destroy_time: Option<DateTime<Utc>>,
    pub destroy_event_time: Option<DateTime<Utc>>,
    /// 32 random bytes, base64 (AES-256-GCM); wiped when the version is destroyed.
    pub material: Option<Secret>,
}

/// An IAM policy as Google stores it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    pub version: i64,
    /// base64 of the bytes Google compares on setIamPolicy.
    pub etag: String,
    pub bindings: Vec<Binding>,
    /// Data Access audit logging (`auditConfigs`, as Google writes them): projects only.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit_configs: Vec<serde_json::Value>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Binding {
    pub role: String,
    pub members: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Expr>,
}

/// A CEL condition, kept as written (the sandbox does not evaluate CEL).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Expr {
    pub expression: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

impl Policy {
    /// The policy of a resource nobody has set one on (Google's etag for it is `ACAB`).
    pub fn empty() -> Self {
        Self { version: 1, etag: "ACAB".to_string(), bindings: Vec::new(), audit_configs: Vec::new() }
    }

    /// A policy with unconditional bindings, as seeds make them.
    pub fn with(bindings: &[(&str, &str)]) -> Self {
        let mut policy = Self::empty();
        for (role, member) in bindings {
            policy.add(role, member, None);
        }
        policy.etag = new_etag();
        policy
    }

    /// Adds `member` to `role` (under `condition`), keeping everything else.
    pub fn add(&mut self, role: &str, member: &str, condition: Option<Expr>) {
        match self.bindings.iter_mut().find(|b| b.role == role && b.condition == condition) {
            Some(b) if b.members.iter().any(|m| m == member) => {}
            Some(b) => b.members.push(member.to_string()),
            None => {
                self.bindings.push(Binding { role: role.to_string(), members: vec![member.to_string()], condition })
            }
        }
        if self.bindings.iter().any(|b| b.condition.is_some()) {
            self.version = 3;
        }
        normalise(&mut self.bindings);
        self.etag = new_etag();
    }
}

/// Google's canonical form: members sorted and unique, bindings without members dropped, the
/// same role and condition merged, bindings sorted by role.
pub fn normalise(bindings: &mut Vec<Binding>) {
    let mut merged: Vec<Binding> = Vec::new();
    for b in bindings.drain(..) {
        match merged.iter_mut().find(|m| m.role == b.role && m.condition == b.condition) {
            Some(m) => m.members.extend(b.members),
            None => merged.push(b),
        }
    }
    for b in &mut merged {
        b.members.sort();
        b.members.dedup();
    }
    merged.retain(|b| !b.members.is_empty());
    merged.sort_by(|a, b| a.role.cmp(&b.role).then_with(|| a.condition.cmp(&b.condition)));
    *bindings = merged;
}

/// A fresh etag: 8 random bytes, base64 (Google's etags are 8 bytes too).
pub fn new_etag() -> String {
    use base64::Engine;
    let mut bytes = [0u8; 8];
    rand::fill(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl GcpState {
    /// The project by id or number (Google accepts both in resource names).
    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.project_id == id || p.project_number == id)
    }

    pub fn project_mut(&mut self, id: &str) -> Option<&mut Project> {
        self.projects.iter_mut().find(|p| p.project_id == id || p.project_number == id)
    }

    pub fn key_ring(&self, name: &KeyRingName) -> Option<&KeyRing> {
        self.project(name.project())?
            .key_rings
            .iter()
            .find(|r| r.location == name.parent.location && r.key_ring_id == name.ring)
    }

    pub fn key_ring_mut(&mut self, name: &KeyRingName) -> Option<&mut KeyRing> {
        self.project_mut(name.project())?
            .key_rings
            .iter_mut()
            .find(|r| r.location == name.parent.location && r.key_ring_id == name.ring)
    }

    pub fn crypto_key(&self, name: &CryptoKeyName) -> Option<&CryptoKey> {
        self.key_ring(&name.ring)?.crypto_keys.iter().find(|k| k.crypto_key_id == name.key)
    }

    pub fn crypto_key_mut(&mut self, name: &CryptoKeyName) -> Option<&mut CryptoKey> {
        self.key_ring_mut(&name.ring)?.crypto_keys.iter_mut().find(|k| k.crypto_key_id == name.key)
    }

    /// The principal a token stands for.
    pub fn principal_of(&self, token: &str) -> Option<&str> {
        self.tokens.iter().find(|t| t.token.matches(token)).map(|t| t.principal.as_str())
    }

    /// The token issued to `principal`, if any.
    pub fn token_of(&self, principal: &str) -> Option<&str> {
        self.tokens.iter().find(|t| t.principal == principal).map(|t| t.token.expose())
    }

    /// Versions scheduled for destruction whose time has come are destroyed (material wiped).
    pub fn settle(&mut self, now: DateTime<Utc>) {
        let versions = self
            .projects
            .iter_mut()
            .flat_map(|p| p.key_rings.iter_mut())
            .flat_map(|r| r.crypto_keys.iter_mut())
            .flat_map(|k| k.versions.iter_mut());
        for v in versions {
            if v.state == VersionState::DestroyScheduled && v.destroy_time.is_some_and(|t| t <= now) {
                v.state = VersionState::Destroyed;
                v.destroy_event_time = v.destroy_time;
                v.material = None;
            }
        }
    }
}

impl CryptoKey {
    pub fn version(&self, id: u32) -> Option<&CryptoKeyVersion> {
        self.versions.iter().find(|v| v.id == id)
    }

    pub fn version_mut(&mut self, id: u32) -> Option<&mut CryptoKeyVersion> {
        self.versions.iter_mut().find(|v| v.id == id)
    }

    pub fn next_version_id(&self) -> u32 {
        self.versions.iter().map(|v| v.id).max().unwrap_or(0).saturating_add(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bindings_normalise_like_google() {
        let mut policy = Policy::empty();
        policy.add("roles/viewer", "user:b@example.com", None);
        policy.add("roles/viewer", "user:a@example.com", None);
        policy.add("roles/owner", "user:a@example.com", None);
        policy.add("roles/viewer", "user:a@example.com", None);
        assert_eq!(policy.bindings.len(), 2);
        assert_eq!(policy.bindings[0].role, "roles/owner");
        assert_eq!(policy.bindings[1].members, ["user:a@example.com", "user:b@example.com"]);
        assert_eq!(policy.version, 1);
        let cond = Expr { expression: "true".into(), title: Some("t".into()), description: None, location: None };
        policy.add("roles/viewer", "group:g@example.com", Some(cond));
        assert_eq!((policy.bindings.len(), policy.version), (3, 3));
        let mut empty = vec![Binding { role: "roles/viewer".into(), members: vec![], condition: None }];
        normalise(&mut empty);
        assert!(empty.is_empty());
        assert_ne!(new_etag(), new_etag());
    }
}
