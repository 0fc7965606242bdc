//! How the Google Cloud KMS scenarios arrange the seeded GCP world (AWS and Azure stay seeded).
//!
//! Each starts where a customer who followed the guide by hand would be: key ring
//! `anthropic-cmek` in `us-central1` of project `cmek-sandbox` holding key `anthropic-cmek`, with
//! a label and a conditional binding of the customer's own (so a merge that drops them shows),
//! Anthropic's two roles on the key and the organisation label, and then exactly one thing wrong,
//! so validation and doctor fail on that thing alone. `gcp-domain-restricted` leaves Anthropic's
//! bindings out: adding them is what the organisation policy refuses.

use std::collections::BTreeMap;

use crate::gcp::enums::{Algorithm, Purpose, VersionState};
use crate::gcp::names::CryptoKeyName;
use crate::gcp::state::{DenyRule, Expr, ServicePerimeter};
use crate::gcp::{ADMIN_PRINCIPAL, CUSTOMER_DOMAIN, PROJECT_ID, SeedGcpKey, anthropic_principal};
use crate::world::Sandbox;

/// The key ring and key `cmek setup --provider gcp` uses by default.
pub const KEY_RING: &str = "anthropic-cmek";
pub const KEY_NAME: &str = "anthropic-cmek";
/// The customer's own label on the key.
pub const CUSTOMER_LABEL: (&str, &str) = ("team", "payments");
/// The customer's own (conditional) binding on the key.
pub const CUSTOMER_ROLE: &str = "roles/cloudkms.viewer";
pub const CUSTOMER_MEMBER: &str = "group:kms-readers@example.com";
/// Anthropic's two roles, which the guide puts on the key.
pub const ENCRYPTER_DECRYPTER: &str = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
pub const VIEWER: &str = "roles/cloudkms.viewer";
/// The perimeter `gcp-vpc-sc` draws around the project.
pub const PERIMETER: &str = "accessPolicies/480193726554/servicePerimeters/cmek_sandbox_perimeter";
/// The location `gcp-multi-region` puts the key ring in.
pub const MULTI_REGION: &str = "us";

/// The customer's condition: readers until the end of 2030.
pub fn customer_condition() -> Expr {
    Expr {
        expression: "request.time < timestamp(\"2031-01-01T00:00:00Z\")".to_string(),
        title: Some("until-2031".to_string()),
        description: Some("KMS readers, reviewed yearly".to_string()),
        location: None,
    }
}

/// `anthropic-org-<the sandbox organisation>`.
pub fn org_label_key(s: &Sandbox) -> String {
    format!("anthropic-org-{}", s.platform.org.id.to_ascii_lowercase())
}

/// The key as the customer made it, with its own label (and the org label when `labelled`) and
/// its own conditional binding.
fn customer_key(s: &Sandbox, seed: SeedGcpKey, labelled: bool) -> Result<CryptoKeyName, String> {
    let mut labels = BTreeMap::from([(CUSTOMER_LABEL.0.to_string(), CUSTOMER_LABEL.1.to_string())]);
    if labelled {
        labels.insert(org_label_key(s), "true".to_string());
    }
    let name = s.gcp.seed_key(SeedGcpKey { labels, ..seed }).map_err(|e| e.to_string())?;
    s.gcp
        .add_binding(&name.to_string(), CUSTOMER_ROLE, CUSTOMER_MEMBER, Some(customer_condition()))
        .map_err(|e| e.to_string())?;
    Ok(name)
}

fn grant(s: &Sandbox, resource: &str, roles: &[&str]) -> Result<(), String> {
    let member = anthropic_principal();
    roles.iter().try_for_each(|role| s.gcp.add_binding(resource, role, &member, None).map_err(|e| e.to_string()))
}

/// A labelled key with Anthropic's two roles on it: everything right.
fn right_key(s: &Sandbox, seed: SeedGcpKey) -> Result<CryptoKeyName, String> {
    let name = customer_key(s, seed, true)?;
    grant(s, &name.to_string(), &[ENCRYPTER_DECRYPTER, VIEWER])?;
    Ok(name)
}

/// `anthropic-cmek` with everything right (for scenarios about the platform side); its name.
pub fn healthy_key(s: &Sandbox) -> Result<String, String> {
    right_key(s, cmek()).map(|name| name.to_string())
}

fn cmek() -> SeedGcpKey {
    SeedGcpKey::cmek(KEY_RING, KEY_NAME)
}

fn with_project(s: &Sandbox, change: impl FnOnce(&mut crate::gcp::state::Project)) -> Result<(), String> {
    s.gcp.with_state(|state| match state.project_mut(PROJECT_ID) {
        Some(p) => {
            change(p);
            Ok(())
        }
        None => Err(format!("the seeded project `{PROJECT_ID}` is missing")),
    })
}

pub fn api_disabled(s: &Sandbox) -> Result<(), String> {
    right_key(s, cmek())?;
    with_project(s, |p| p.kms_api_enabled = false)
}

pub fn multi_region(s: &Sandbox) -> Result<(), String> {
    right_key(s, SeedGcpKey { location: MULTI_REGION.to_string(), ..cmek() }).map(|_| ())
}

pub fn wrong_purpose(s: &Sandbox) -> Result<(), String> {
    let seed = SeedGcpKey {
        purpose: Purpose::AsymmetricDecrypt,
        algorithm: Algorithm::RsaDecryptOaep3072Sha256,
        rotation_period_secs: None,
        ..cmek()
    };
    right_key(s, seed).map(|_| ())
}

pub fn primary_disabled(s: &Sandbox) -> Result<(), String> {
    right_key(s, SeedGcpKey { primary_state: VersionState::Disabled, ..cmek() }).map(|_| ())
}

pub fn destroy_scheduled(s: &Sandbox) -> Result<(), String> {
    right_key(s, SeedGcpKey { primary_state: VersionState::DestroyScheduled, ..cmek() }).map(|_| ())
}

pub fn binding_at_keyring(s: &Sandbox) -> Result<(), String> {
    let name = customer_key(s, cmek(), true)?;
    grant(s, &name.ring.to_string(), &[ENCRYPTER_DECRYPTER, VIEWER])
}

pub fn one_role(s: &Sandbox) -> Result<(), String> {
    let name = customer_key(s, cmek(), true)?;
    grant(s, &name.to_string(), &[ENCRYPTER_DECRYPTER])
}

pub fn label_missing(s: &Sandbox) -> Result<(), String> {
    let name = customer_key(s, cmek(), false)?;
    grant(s, &name.to_string(), &[ENCRYPTER_DECRYPTER, VIEWER])
}

/// `constraints/iam.allowedPolicyMemberDomains` permits the customer's domain and its own
/// service accounts only: Anthropic's service account is outside.
pub fn domain_restricted(s: &Sandbox) -> Result<(), String> {
    customer_key(s, cmek(), true)?;
    with_project(s, |p| {
        p.allowed_member_domains =
            Some(vec![CUSTOMER_DOMAIN.to_string(), format!("{PROJECT_ID}.iam.gserviceaccount.com")]);
    })
}

/// A perimeter around the project's Cloud KMS admitting the customer's admin only.
pub fn vpc_sc(s: &Sandbox) -> Result<(), String> {
    right_key(s, cmek())?;
    with_project(s, |p| {
        p.perimeter = Some(ServicePerimeter {
            name: PERIMETER.to_string(),
            admitted_principals: vec![ADMIN_PRINCIPAL.to_string()],
        });
    })
}

/// A deny policy on the project taking Anthropic's use of keys away.
pub fn deny_policy(s: &Sandbox) -> Result<(), String> {
    right_key(s, cmek())?;
    with_project(s, |p| {
        p.deny_rules.push(DenyRule {
            denied_principals: vec![anthropic_principal()],
            denied_permissions: vec![
                "cloudkms.googleapis.com/cryptoKeyVersions.useToEncrypt".to_string(),
                "cloudkms.googleapis.com/cryptoKeyVersions.useToDecrypt".to_string(),
            ],
            exception_principals: Vec::new(),
        });
    })
}
