//! The seeded world (project `cmek-sandbox`: Cloud KMS enabled, the customer's admin service
//! account its owner, no key ring yet; tokens for that admin and for Anthropic's published
//! service account) and direct seeding for scenarios, bypassing every check on purpose.

use std::collections::BTreeMap;

use chrono::{Duration, Utc};

use super::enums::{Algorithm, ProtectionLevel, Purpose, VersionState};
use super::names::{CryptoKeyName, KeyRingName, LocationName, valid_id};
use super::ops_keys::new_version;
use super::state::{CryptoKey, Expr, GcpState, KeyRing, Policy, Project, VersionTemplate};
use super::{ADMIN_PRINCIPAL, LOCATION, PROJECT_ID, PROJECT_NUMBER, anthropic_principal, tokens};

impl GcpState {
    /// The default world: one project, owned by the customer's admin, with Cloud KMS enabled.
    pub fn seeded() -> GcpState {
        let mut state = GcpState {
            projects: vec![Project {
                project_id: PROJECT_ID.to_string(),
                project_number: PROJECT_NUMBER.to_string(),
                kms_api_enabled: true,
                iam_policy: Policy::with(&[("roles/owner", ADMIN_PRINCIPAL)]),
                allowed_member_domains: None,
                perimeter: None,
                deny_rules: Vec::new(),
                key_rings: Vec::new(),
            }],
            tokens: Vec::new(),
        };
        ensure_tokens(&mut state);
        state
    }
}

/// Makes sure the customer's admin and Anthropic have tokens (a hand-edited state may lack them).
pub fn ensure_tokens(state: &mut GcpState) {
    tokens::issue(state, ADMIN_PRINCIPAL);
    tokens::issue(state, &anthropic_principal());
}

/// A key as a customer made it (for scenarios).
#[derive(Debug, Clone)]
pub struct SeedGcpKey {
    pub project: String,
    pub location: String,
    pub key_ring: String,
    pub key: String,
    pub purpose: Purpose,
    pub algorithm: Algorithm,
    pub protection_level: ProtectionLevel,
    pub labels: BTreeMap<String, String>,
    /// The state of version 1 (the primary of an ENCRYPT_DECRYPT key); DESTROY_SCHEDULED gets a
    /// destroyTime 30 days ahead.
    pub primary_state: VersionState,
    pub rotation_period_secs: Option<i64>,
}

impl SeedGcpKey {
    /// A healthy ENCRYPT_DECRYPT key (HSM, 90-day rotation) in the seeded project and location.
    pub fn cmek(key_ring: &str, key: &str) -> SeedGcpKey {
        SeedGcpKey {
            project: PROJECT_ID.to_string(),
            location: LOCATION.to_string(),
            key_ring: key_ring.to_string(),
            key: key.to_string(),
            purpose: Purpose::EncryptDecrypt,
            algorithm: Algorithm::GoogleSymmetricEncryption,
            protection_level: ProtectionLevel::Hsm,
            labels: BTreeMap::new(),
            primary_state: VersionState::Enabled,
            rotation_period_secs: Some(90 * 86_400),
        }
    }
}

/// Puts a key (and its ring, when missing) straight into the state; returns its name.
pub fn seed_key(state: &mut GcpState, seed: SeedGcpKey) -> Result<CryptoKeyName, String> {
    if !valid_id(&seed.key_ring) || !valid_id(&seed.key) {
        return Err(format!("`{}` / `{}` are not Cloud KMS ids", seed.key_ring, seed.key));
    }
    let now = Utc::now();
    let ring_name = KeyRingName {
        parent: LocationName { project: seed.project.clone(), location: seed.location.clone() },
        ring: seed.key_ring.clone(),
    };
    let name = CryptoKeyName { ring: ring_name.clone(), key: seed.key.clone() };
    let project =
        state.project_mut(&seed.project).ok_or_else(|| format!("no project `{}` to seed a key in", seed.project))?;
    if !project.key_rings.iter().any(|r| r.location == seed.location && r.key_ring_id == seed.key_ring) {
        project.key_rings.push(KeyRing {
            location: seed.location.clone(),
            key_ring_id: seed.key_ring.clone(),
            create_time: now,
            iam_policy: Policy::empty(),
            crypto_keys: Vec::new(),
        });
    }
    if state.crypto_key(&name).is_some() {
        return Err(format!("{name} already exists"));
    }
    let template = VersionTemplate { protection_level: seed.protection_level, algorithm: seed.algorithm };
    let mut version = new_version(1, template, seed.primary_state, now).map_err(|e| e.message)?;
    if seed.primary_state == VersionState::DestroyScheduled {
        version.destroy_time = Some(now + Duration::days(30));
    }
    let key = CryptoKey {
        crypto_key_id: seed.key.clone(),
        create_time: now,
        purpose: seed.purpose,
        labels: seed.labels,
        rotation_period_secs: seed.rotation_period_secs.filter(|_| seed.purpose == Purpose::EncryptDecrypt),
        next_rotation_time: seed.rotation_period_secs.map(|secs| now + Duration::seconds(secs)),
        version_template: template,
        import_only: false,
        destroy_scheduled_duration_secs: super::key_input::DEFAULT_DESTROY_SCHEDULED,
        primary: (seed.purpose == Purpose::EncryptDecrypt).then_some(1),
        versions: vec![version],
        iam_policy: Policy::empty(),
    };
    let ring = state.key_ring_mut(&ring_name).ok_or_else(|| format!("{ring_name} vanished while seeding"))?;
    ring.crypto_keys.push(key);
    Ok(name)
}

/// Adds a binding to the policy of `resource`: `projects/P`, a key ring's name or a key's name.
pub fn add_binding(
    state: &mut GcpState,
    resource: &str,
    role: &str,
    member: &str,
    condition: Option<Expr>,
) -> Result<(), String> {
    let policy = policy_mut(state, resource).ok_or_else(|| format!("no resource `{resource}` to bind {role} on"))?;
    policy.add(role, member, condition);
    Ok(())
}

/// The IAM policy of `projects/P`, a key ring or a key, by name.
pub fn policy_mut<'a>(state: &'a mut GcpState, resource: &str) -> Option<&'a mut Policy> {
    let parts: Vec<&str> = resource.split('/').collect();
    match parts.as_slice() {
        ["projects", p] => state.project_mut(p).map(|p| &mut p.iam_policy),
        ["projects", p, "locations", l, "keyRings", r] => {
            let name = KeyRingName {
                parent: LocationName { project: p.to_string(), location: l.to_string() },
                ring: r.to_string(),
            };
            state.key_ring_mut(&name).map(|r| &mut r.iam_policy)
        }
        _ => {
            let name = CryptoKeyName::parse(resource)?;
            state.crypto_key_mut(&name).map(|k| &mut k.iam_policy)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_and_seeding() {
        let mut state = GcpState::seeded();
        assert!(state.token_of(ADMIN_PRINCIPAL).is_some());
        assert!(state.token_of(&anthropic_principal()).is_some());
        assert_ne!(state.token_of(ADMIN_PRINCIPAL), state.token_of(&anthropic_principal()));
        let name = seed_key(&mut state, SeedGcpKey::cmek("anthropic-cmek", "anthropic-cmek")).unwrap();
        assert_eq!(
            name.to_string(),
            "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek"
        );
        assert!(seed_key(&mut state, SeedGcpKey::cmek("anthropic-cmek", "anthropic-cmek")).is_err());
        let key = state.crypto_key(&name).unwrap();
        assert_eq!((key.primary, key.versions[0].state), (Some(1), VersionState::Enabled));
        add_binding(&mut state, &name.to_string(), "roles/cloudkms.viewer", "user:a@example.com", None).unwrap();
        add_binding(&mut state, &name.ring.to_string(), "roles/cloudkms.viewer", "user:a@example.com", None).unwrap();
        add_binding(&mut state, "projects/cmek-sandbox", "roles/cloudkms.viewer", "user:a@example.com", None).unwrap();
        assert!(add_binding(&mut state, "projects/nope", "roles/viewer", "user:a@example.com", None).is_err());
        let scheduled = SeedGcpKey { primary_state: VersionState::DestroyScheduled, ..SeedGcpKey::cmek("r2", "k") };
        let name = seed_key(&mut state, scheduled).unwrap();
        let v = &state.crypto_key(&name).unwrap().versions[0];
        assert!(v.destroy_time.unwrap() > Utc::now() + Duration::days(29));
    }
}
