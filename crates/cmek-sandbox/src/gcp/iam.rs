//! IAM as Cloud KMS applies it: predefined roles and the permissions they hold, and whether a
//! principal holds a permission through the bindings of a resource and its ancestors (key, key
//! ring, project), less what a deny rule takes away.
//!
//! Simplifications, on purpose: conditional bindings grant nothing (the sandbox keeps conditions
//! but does not evaluate CEL, so a conditional grant never silently widens access); group
//! membership is not modelled (a `group:` member matches no caller).

use super::state::{Binding, DenyRule, Policy};

pub const KEY_RINGS_CREATE: &str = "cloudkms.keyRings.create";
pub const KEY_RINGS_GET: &str = "cloudkms.keyRings.get";
pub const KEY_RINGS_LIST: &str = "cloudkms.keyRings.list";
pub const KEY_RINGS_GET_IAM: &str = "cloudkms.keyRings.getIamPolicy";
pub const KEY_RINGS_SET_IAM: &str = "cloudkms.keyRings.setIamPolicy";
pub const KEYS_CREATE: &str = "cloudkms.cryptoKeys.create";
pub const KEYS_GET: &str = "cloudkms.cryptoKeys.get";
pub const KEYS_LIST: &str = "cloudkms.cryptoKeys.list";
pub const KEYS_UPDATE: &str = "cloudkms.cryptoKeys.update";
pub const KEYS_GET_IAM: &str = "cloudkms.cryptoKeys.getIamPolicy";
pub const KEYS_SET_IAM: &str = "cloudkms.cryptoKeys.setIamPolicy";
pub const VERSIONS_CREATE: &str = "cloudkms.cryptoKeyVersions.create";
pub const VERSIONS_GET: &str = "cloudkms.cryptoKeyVersions.get";
pub const VERSIONS_LIST: &str = "cloudkms.cryptoKeyVersions.list";
pub const VERSIONS_UPDATE: &str = "cloudkms.cryptoKeyVersions.update";
pub const VERSIONS_DESTROY: &str = "cloudkms.cryptoKeyVersions.destroy";
pub const VERSIONS_RESTORE: &str = "cloudkms.cryptoKeyVersions.restore";
pub const USE_TO_ENCRYPT: &str = "cloudkms.cryptoKeyVersions.useToEncrypt";
pub const USE_TO_DECRYPT: &str = "cloudkms.cryptoKeyVersions.useToDecrypt";
pub const LOCATIONS_GET: &str = "cloudkms.locations.get";
pub const LOCATIONS_LIST: &str = "cloudkms.locations.list";
pub const PROJECT_GET_IAM: &str = "resourcemanager.projects.getIamPolicy";
pub const PROJECT_SET_IAM: &str = "resourcemanager.projects.setIamPolicy";
pub const SERVICES_GET: &str = "serviceusage.services.get";
pub const SERVICES_ENABLE: &str = "serviceusage.services.enable";

const READ: &[&str] =
    &[KEY_RINGS_GET, KEY_RINGS_LIST, KEYS_GET, KEYS_LIST, VERSIONS_GET, VERSIONS_LIST, LOCATIONS_GET, LOCATIONS_LIST];
const ADMIN_WRITE: &[&str] =
    &[KEY_RINGS_CREATE, KEYS_CREATE, KEYS_UPDATE, VERSIONS_CREATE, VERSIONS_UPDATE, VERSIONS_DESTROY, VERSIONS_RESTORE];
const KMS_IAM: &[&str] = &[KEY_RINGS_GET_IAM, KEY_RINGS_SET_IAM, KEYS_GET_IAM, KEYS_SET_IAM];
const USE: &[&str] = &[USE_TO_ENCRYPT, USE_TO_DECRYPT];

/// The predefined roles the sandbox knows; any other `roles/...` is refused in a policy.
pub const ROLES: &[&str] = &[
    "roles/owner",
    "roles/editor",
    "roles/viewer",
    "roles/cloudkms.admin",
    "roles/cloudkms.viewer",
    "roles/cloudkms.cryptoKeyEncrypterDecrypter",
    "roles/cloudkms.cryptoKeyEncrypter",
    "roles/cloudkms.cryptoKeyDecrypter",
    "roles/cloudkms.publicKeyViewer",
    "roles/cloudkms.signerVerifier",
    "roles/iam.securityReviewer",
    "roles/serviceusage.serviceUsageAdmin",
    "roles/serviceusage.serviceUsageConsumer",
];

/// Whether `role` holds `permission`.
pub fn grants(role: &str, permission: &str) -> bool {
    let has = |list: &[&str]| list.contains(&permission);
    match role {
        // Basic roles: Owner holds everything; Editor all but IAM changes; Viewer reads.
        "roles/owner" => true,
        "roles/editor" => has(READ) || has(ADMIN_WRITE) || has(USE) || permission.starts_with("serviceusage."),
        "roles/viewer" => has(READ) || permission == PROJECT_GET_IAM || permission == SERVICES_GET,
        // Cloud KMS Admin manages keys and their policies but cannot use them (separation of duties).
        "roles/cloudkms.admin" => has(READ) || has(ADMIN_WRITE) || has(KMS_IAM),
        "roles/cloudkms.viewer" => has(READ),
        "roles/cloudkms.cryptoKeyEncrypterDecrypter" => {
            has(USE) || permission == LOCATIONS_GET || permission == LOCATIONS_LIST
        }
        "roles/cloudkms.cryptoKeyEncrypter" => permission == USE_TO_ENCRYPT || permission == LOCATIONS_GET,
        "roles/cloudkms.cryptoKeyDecrypter" => permission == USE_TO_DECRYPT || permission == LOCATIONS_GET,
        "roles/iam.securityReviewer" => [KEY_RINGS_GET_IAM, KEYS_GET_IAM, PROJECT_GET_IAM].contains(&permission),
        "roles/serviceusage.serviceUsageAdmin" => permission.starts_with("serviceusage."),
        "roles/serviceusage.serviceUsageConsumer" => permission == SERVICES_GET,
        _ => false,
    }
}

/// A role a policy may name: a known predefined role, or a custom role of a project or organisation.
pub fn known_role(role: &str) -> bool {
    ROLES.contains(&role)
        || ((role.starts_with("projects/") || role.starts_with("organizations/")) && role.contains("/roles/"))
}

/// A member IAM accepts in a binding.
pub fn valid_member(member: &str) -> bool {
    if matches!(member, "allUsers" | "allAuthenticatedUsers") {
        return true;
    }
    let prefixes = ["user:", "serviceAccount:", "group:", "domain:", "deleted:", "principal://", "principalSet://"];
    let Some(prefix) = prefixes.iter().find(|p| member.starts_with(**p)) else { return false };
    let rest = &member[prefix.len()..];
    match *prefix {
        "domain:" => !rest.is_empty() && rest.contains('.'),
        "principal://" | "principalSet://" | "deleted:" => !rest.is_empty(),
        _ => rest.split_once('@').is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.')),
    }
}

/// The email domain of a member (`serviceAccount:a@b.iam.gserviceaccount.com` -> that domain).
pub fn member_domain(member: &str) -> Option<&str> {
    if let Some(domain) = member.strip_prefix("domain:") {
        return Some(domain);
    }
    member.split_once(':').and_then(|(_, email)| email.rsplit_once('@')).map(|(_, d)| d)
}

/// Whether a binding's member stands for `principal`.
fn matches(member: &str, principal: &str) -> bool {
    member == principal
        || member == "allUsers"
        || member == "allAuthenticatedUsers"
        || (member.starts_with("domain:")
            && principal.starts_with("user:")
            && member_domain(member) == member_domain(principal))
}

fn binding_grants(binding: &Binding, principal: &str, permission: &str) -> bool {
    // A conditional binding grants nothing here: CEL is not evaluated (see the module comment).
    binding.condition.is_none()
        && grants(&binding.role, permission)
        && binding.members.iter().any(|m| matches(m, principal))
}

/// Whether any of `policies` (a resource's and its ancestors') grants `permission` to `principal`.
pub fn allowed(policies: &[&Policy], principal: &str, permission: &str) -> bool {
    policies.iter().flat_map(|p| p.bindings.iter()).any(|b| binding_grants(b, principal, permission))
}

/// `cloudkms.cryptoKeyVersions.useToEncrypt` -> `cloudkms.googleapis.com/cryptoKeyVersions.useToEncrypt`.
pub fn deny_form(permission: &str) -> String {
    match permission.split_once('.') {
        Some((service, rest)) => format!("{service}.googleapis.com/{rest}"),
        None => permission.to_string(),
    }
}

/// Whether a deny rule takes `permission` from `principal`.
pub fn denied(rules: &[DenyRule], principal: &str, permission: &str) -> bool {
    let wanted = deny_form(permission);
    rules.iter().any(|rule| {
        let names = |list: &[String]| list.iter().any(|m| matches(m, principal));
        let covers = rule
            .denied_permissions
            .iter()
            .any(|p| *p == wanted || p.strip_suffix('*').is_some_and(|prefix| wanted.starts_with(prefix)));
        covers && names(&rule.denied_principals) && !names(&rule.exception_principals)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gcp::state::Expr;

    #[test]
    fn roles_hold_what_google_gives_them() {
        assert!(grants("roles/cloudkms.admin", KEYS_SET_IAM) && !grants("roles/cloudkms.admin", USE_TO_ENCRYPT));
        assert!(grants("roles/cloudkms.cryptoKeyEncrypterDecrypter", USE_TO_DECRYPT));
        assert!(!grants("roles/cloudkms.cryptoKeyEncrypterDecrypter", KEYS_GET));
        assert!(grants("roles/cloudkms.viewer", KEYS_GET) && !grants("roles/cloudkms.viewer", KEYS_GET_IAM));
        assert!(grants("roles/owner", USE_TO_ENCRYPT) && grants("roles/owner", PROJECT_SET_IAM));
        assert!(
            grants("roles/iam.securityReviewer", KEYS_GET_IAM) && !grants("roles/iam.securityReviewer", KEYS_SET_IAM)
        );
        assert!(!grants("roles/editor", KEYS_SET_IAM));
        assert!(
            known_role("roles/cloudkms.viewer") && known_role("projects/p/roles/custom") && !known_role("roles/nope")
        );
    }

    #[test]
    fn members_and_conditions() {
        for ok in [
            "user:a@example.com",
            "serviceAccount:x@p.iam.gserviceaccount.com",
            "group:g@example.com",
            "domain:example.com",
            "allUsers",
        ] {
            assert!(valid_member(ok), "{ok}");
        }
        for bad in ["a@example.com", "user:", "user:nobody", "robot:x@y.z", ""] {
            assert!(!valid_member(bad), "{bad}");
        }
        let sa = "serviceAccount:x@p.iam.gserviceaccount.com";
        let mut policy = Policy::with(&[("roles/cloudkms.viewer", sa)]);
        assert!(allowed(&[&policy], sa, KEYS_GET));
        assert!(!allowed(&[&policy], sa, USE_TO_ENCRYPT));
        let cond = Expr {
            expression: "request.time < timestamp(\"2030-01-01T00:00:00Z\")".into(),
            title: Some("t".into()),
            description: None,
            location: None,
        };
        policy.add("roles/cloudkms.cryptoKeyEncrypterDecrypter", sa, Some(cond));
        assert!(!allowed(&[&policy], sa, USE_TO_ENCRYPT), "conditional grants are not evaluated");
        let domain = Policy::with(&[("roles/cloudkms.viewer", "domain:example.com")]);
        assert!(allowed(&[&domain], "user:a@example.com", KEYS_GET));
        assert!(!allowed(&[&domain], "user:a@other.com", KEYS_GET));
        assert_eq!(member_domain(sa), Some("p.iam.gserviceaccount.com"));
    }

    #[test]
    fn deny_rules_take_permissions_away() {
        let sa = "serviceAccount:x@p.iam.gserviceaccount.com";
        let rule = DenyRule {
            denied_principals: vec![sa.into()],
            denied_permissions: vec!["cloudkms.googleapis.com/cryptoKeyVersions.useToEncrypt".into()],
            exception_principals: vec![],
        };
        assert!(denied(std::slice::from_ref(&rule), sa, USE_TO_ENCRYPT));
        assert!(!denied(std::slice::from_ref(&rule), sa, USE_TO_DECRYPT));
        assert!(!denied(std::slice::from_ref(&rule), "user:a@example.com", USE_TO_ENCRYPT));
        let wildcard =
            DenyRule { denied_permissions: vec!["cloudkms.googleapis.com/cryptoKeyVersions.*".into()], ..rule };
        assert!(denied(&[wildcard], sa, USE_TO_DECRYPT));
    }
}
