//! Whether a caller may make a call, decided in Google's order: the API enabled in the resource's
//! project (SERVICE_DISABLED), the VPC Service Controls perimeter (SECURITY_POLICY_VIOLATED), IAM
//! deny rules, then the allow policies of the resource and its ancestors. Only Cloud KMS calls
//! face the first two: Resource Manager and Service Usage are other services.

use super::errors::{GResult, GoogleError};
use super::iam;
use super::names::{CryptoKeyName, KeyRingName};
use super::state::{GcpState, Policy};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    Kms,
    ResourceManager,
    ServiceUsage,
}

/// Refuses the call unless `principal` holds `permission` on `resource` (in `project`), given the
/// policies at and above the resource below the project (most specific first).
pub fn authorize(
    state: &GcpState,
    principal: &str,
    api: Api,
    project: &str,
    permission: &str,
    resource: &str,
    below_project: &[&Policy],
) -> GResult<()> {
    // An unknown project has no policy granting anything: Google says the same as for a denial.
    let Some(p) = state.project(project) else {
        return Err(GoogleError::permission_denied(permission, resource));
    };
    service_checks(state, principal, api, project)?;
    if iam::denied(&p.deny_rules, principal, permission) {
        return Err(GoogleError::permission_denied(permission, resource));
    }
    let mut policies = below_project.to_vec();
    policies.push(&p.iam_policy);
    if iam::allowed(&policies, principal, permission) {
        Ok(())
    } else {
        Err(GoogleError::permission_denied(permission, resource))
    }
}

/// What Google checks before IAM, for Cloud KMS calls only: the API enabled, the perimeter.
pub fn service_checks(state: &GcpState, principal: &str, api: Api, project: &str) -> GResult<()> {
    let Some(p) = state.project(project) else { return Ok(()) };
    if api == Api::Kms {
        if !p.kms_api_enabled {
            return Err(GoogleError::service_disabled(&p.project_number));
        }
        if let Some(perimeter) = &p.perimeter
            && !perimeter.admitted_principals.iter().any(|m| m == principal)
        {
            return Err(GoogleError::vpc_service_controls(&unique_identifier(), &p.project_number));
        }
    }
    Ok(())
}

/// Whether `principal` holds `permission` (deny rules and allow policies only), for testIamPermissions.
pub fn holds(state: &GcpState, principal: &str, project: &str, permission: &str, below_project: &[&Policy]) -> bool {
    let Some(p) = state.project(project) else { return false };
    let mut policies = below_project.to_vec();
    policies.push(&p.iam_policy);
    !iam::denied(&p.deny_rules, principal, permission) && iam::allowed(&policies, principal, permission)
}

/// The policies of a key ring, when it exists.
pub fn ring_policies<'a>(state: &'a GcpState, ring: &KeyRingName) -> Vec<&'a Policy> {
    state.key_ring(ring).map(|r| vec![&r.iam_policy]).unwrap_or_default()
}

/// The policies of a key and its key ring, as far as they exist.
pub fn key_policies<'a>(state: &'a GcpState, key: &CryptoKeyName) -> Vec<&'a Policy> {
    let mut out = Vec::new();
    if let Some(k) = state.crypto_key(key) {
        out.push(&k.iam_policy);
    }
    out.extend(ring_policies(state, &key.ring));
    out
}

/// A fresh id for a VPC Service Controls violation, shaped like Google's.
fn unique_identifier() -> String {
    use rand::distr::{Alphanumeric, SampleString};
    Alphanumeric.sample_string(&mut rand::rng(), 40).to_ascii_uppercase()
}
