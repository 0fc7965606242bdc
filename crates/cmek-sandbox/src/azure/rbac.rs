//! The authorisation decision: Azure RBAC (scope inheritance, propagation delay) for vaults with
//! `enableRbacAuthorization`, access policies otherwise.

use super::roles::{self, KeyAction};
use super::state::{RoleAssignment, Vault};

/// The outcome of an authorisation check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    /// An assignment would allow it, but has not propagated yet.
    NotYetPropagated,
    Denied,
}

/// Whether `scope` covers `resource` (same id or an ancestor, on path boundaries, case-insensitive).
pub fn scope_covers(scope: &str, resource: &str) -> bool {
    let (s, r) =
        (scope.trim_end_matches('/').to_ascii_lowercase(), resource.trim_end_matches('/').to_ascii_lowercase());
    r == s || (r.starts_with(&s) && r.as_bytes().get(s.len()) == Some(&b'/'))
}

/// Data-plane RBAC: some assignment of `principal` at a scope covering `resource` whose role
/// grants `action`, effective once `created_ms + delay_ms <= now_ms`.
pub fn data_decision(
    assignments: &[RoleAssignment],
    principal: &str,
    resource: &str,
    action: KeyAction,
    now_ms: i64,
    delay_ms: u64,
) -> Decision {
    let mut pending = false;
    for a in assignments {
        if !a.principal_id.eq_ignore_ascii_case(principal) || !scope_covers(&a.scope, resource) {
            continue;
        }
        let Some(role) = roles::definition(&a.role_definition_id) else { continue };
        if !roles::role_allows_data(role, action) {
            continue;
        }
        if a.created_ms.saturating_add(delay_ms as i64) <= now_ms {
            return Decision::Allowed;
        }
        pending = true;
    }
    if pending { Decision::NotYetPropagated } else { Decision::Denied }
}

/// Control-plane RBAC (no propagation delay modelled): some assignment covering `resource` whose
/// role grants `action`.
pub fn control_allowed(assignments: &[RoleAssignment], principal: &str, resource: &str, action: &str) -> bool {
    assignments.iter().any(|a| {
        a.principal_id.eq_ignore_ascii_case(principal)
            && scope_covers(&a.scope, resource)
            && roles::definition(&a.role_definition_id).is_some_and(|r| roles::role_allows_action(r, action))
    })
}

/// The access-policy model (RBAC off): the vault's policy for the object id lists the permission
/// (or `all`). Kept simple on purpose: no compound identities, no application-id policies.
pub fn access_policy_allows(vault: &Vault, tenant: &str, object_id: &str, action: KeyAction) -> bool {
    vault.access_policies.iter().any(|p| {
        p.tenant_id.eq_ignore_ascii_case(tenant)
            && p.object_id.eq_ignore_ascii_case(object_id)
            && p.key_permissions
                .iter()
                .any(|k| k.eq_ignore_ascii_case(action.permission()) || k.eq_ignore_ascii_case("all"))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const VAULT: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/v";

    fn assignment(scope: &str, role: &str, created_ms: i64) -> RoleAssignment {
        RoleAssignment {
            name: "a".into(),
            scope: scope.into(),
            role_definition_id: role.into(),
            principal_id: "P".into(),
            principal_type: "ServicePrincipal".into(),
            created_ms,
        }
    }

    #[test]
    fn scopes_inherit_on_path_boundaries() {
        assert!(scope_covers("/subscriptions/s", VAULT));
        assert!(scope_covers(VAULT, &format!("{VAULT}/keys/k")));
        assert!(scope_covers(&format!("{VAULT}/keys/k"), &format!("{VAULT}/KEYS/K")));
        assert!(!scope_covers(&format!("{VAULT}/keys/k"), &format!("{VAULT}/keys/k2")));
        assert!(!scope_covers(&format!("{VAULT}/keys/k"), VAULT));
        assert!(!scope_covers("/subscriptions/s/resourceGroups/r", VAULT));
    }

    #[test]
    fn crypto_user_wraps_but_does_not_create_and_waits_for_propagation() {
        let key = format!("{VAULT}/keys/k");
        let a = [assignment(&key, roles::KEY_VAULT_CRYPTO_USER, 1_000)];
        assert_eq!(data_decision(&a, "p", &key, KeyAction::Wrap, 1_000, 0), Decision::Allowed);
        assert_eq!(data_decision(&a, "p", &key, KeyAction::Unwrap, 1_500, 600), Decision::NotYetPropagated);
        assert_eq!(data_decision(&a, "p", &key, KeyAction::Unwrap, 1_600, 600), Decision::Allowed);
        assert_eq!(data_decision(&a, "p", &key, KeyAction::Create, 9_000, 0), Decision::Denied);
        assert_eq!(data_decision(&a, "other", &key, KeyAction::Wrap, 9_000, 0), Decision::Denied);
        assert_eq!(data_decision(&a, "p", &format!("{VAULT}/keys/x"), KeyAction::Wrap, 9_000, 0), Decision::Denied);
    }

    #[test]
    fn owner_has_no_data_actions_and_admin_has_all() {
        let owner = [assignment("/subscriptions/s", roles::OWNER, 0)];
        assert_eq!(data_decision(&owner, "p", VAULT, KeyAction::Read, 1, 0), Decision::Denied);
        assert!(control_allowed(&owner, "p", VAULT, "Microsoft.Authorization/roleAssignments/write"));
        let admin = [assignment("/subscriptions/s/resourceGroups/rg", roles::KEY_VAULT_ADMINISTRATOR, 0)];
        for action in [KeyAction::Read, KeyAction::Create, KeyAction::Update, KeyAction::Wrap, KeyAction::Unwrap] {
            assert_eq!(data_decision(&admin, "p", &format!("{VAULT}/keys/k"), action, 1, 0), Decision::Allowed);
        }
        assert!(!control_allowed(&admin, "p", VAULT, "Microsoft.Authorization/roleAssignments/write"));
    }
}
