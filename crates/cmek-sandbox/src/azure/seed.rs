//! The seeded world (`AzureState::seeded()`): the customer's tenant, subscription, resource group
//! and one correctly configured vault (no keys), the customer's principal with its roles, and
//! Anthropic's multi-tenant app NOT yet consented. Plus the helpers scenarios seed with.

use std::collections::BTreeMap;
use std::net::IpAddr;

use super::state::{AzureState, Key, KeyVersion, NetworkAcls, Principal, RoleAssignment, ServicePrincipal, Vault};
use super::{
    ANTHROPIC_APP_OBJECT_ID, ANTHROPIC_SOURCE_IP, ANTHROPIC_TENANT, CUSTOMER_APP_ID, CUSTOMER_OBJECT_ID,
    CUSTOMER_SOURCE_IP, CUSTOMER_TENANT, LOCATION, RESOURCE_GROUP, SUBSCRIPTION_ID, VAULT_NAME, crypto, roles,
};
use crate::secret::Secret;

/// The customer principal's client secret in the seeded state (a sandbox value, not a secret).
pub const CUSTOMER_SECRET: &str = "sandbox-customer-client-secret";
/// Anthropic's app's client secret in the seeded state (a sandbox value, not a secret).
pub const ANTHROPIC_SECRET: &str = "sandbox-anthropic-client-secret";

impl AzureState {
    /// The seeded world; see the module documentation.
    pub fn seeded() -> Self {
        let ids = cmek_core::identities::published();
        let anthropic_range = ids.egress.current.iter().map(|n| n.to_string()).collect::<Vec<_>>();
        let mut ip_rules = anthropic_range;
        ip_rules.push(format!("{CUSTOMER_SOURCE_IP}/32"));
        let rg_scope = format!("/subscriptions/{SUBSCRIPTION_ID}/resourceGroups/{RESOURCE_GROUP}");
        let mut token_key = [0u8; 32];
        rand::fill(&mut token_key);
        let mut state = Self {
            tenant_id: CUSTOMER_TENANT.to_string(),
            subscription_id: SUBSCRIPTION_ID.to_string(),
            subscription_name: "cmek-sandbox-subscription".to_string(),
            principals: vec![
                Principal {
                    display_name: "cmek-sandbox-admin".to_string(),
                    tenant_id: CUSTOMER_TENANT.to_string(),
                    app_id: CUSTOMER_APP_ID.to_string(),
                    object_id: CUSTOMER_OBJECT_ID.to_string(),
                    secret: Some(Secret::new(CUSTOMER_SECRET.to_string())),
                    managed_identity: true,
                    multi_tenant: false,
                    directory_roles: vec!["Application Administrator".to_string()],
                    source_ip: parse_ip(CUSTOMER_SOURCE_IP),
                },
                Principal {
                    display_name: ids.azure.app_display_name.clone(),
                    tenant_id: ANTHROPIC_TENANT.to_string(),
                    app_id: ids.azure.app_client_id.clone(),
                    object_id: ANTHROPIC_APP_OBJECT_ID.to_string(),
                    secret: Some(Secret::new(ANTHROPIC_SECRET.to_string())),
                    managed_identity: false,
                    multi_tenant: true,
                    directory_roles: Vec::new(),
                    source_ip: parse_ip(ANTHROPIC_SOURCE_IP),
                },
            ],
            service_principals: vec![ServicePrincipal {
                id: CUSTOMER_OBJECT_ID.to_string(),
                app_id: CUSTOMER_APP_ID.to_string(),
                display_name: "cmek-sandbox-admin".to_string(),
            }],
            other_tenants: Vec::new(),
            vaults: Vec::new(),
            deleted_vaults: Vec::new(),
            role_assignments: Vec::new(),
            policy_assignments: Vec::new(),
            policy_exemptions: Vec::new(),
            policy_set_definitions: Vec::new(),
            propagation_delay_ms: u64::try_from(super::DEFAULT_PROPAGATION_DELAY.as_millis()).unwrap_or(u64::MAX),
            token_key: Secret::new(crypto::b64url(&token_key)),
        };
        state.vaults.push(Vault {
            name: VAULT_NAME.to_string(),
            resource_group: RESOURCE_GROUP.to_string(),
            location: LOCATION.to_string(),
            tenant_id: CUSTOMER_TENANT.to_string(),
            sku: "standard".to_string(),
            enable_rbac_authorization: Some(true),
            enable_purge_protection: Some(true),
            enable_soft_delete: true,
            public_network_access: "Enabled".to_string(),
            network_acls: NetworkAcls { default_action: "Deny".to_string(), bypass: "AzureServices".to_string(), ip_rules },
            access_policies: Vec::new(),
            deleted_keys: Vec::new(),
            diagnostic_settings: vec![serde_json::json!({
                "name": "cmek-audit",
                "properties": {
                    "workspaceId": format!("{rg_scope}/providers/Microsoft.OperationalInsights/workspaces/cmek-sandbox-logs"),
                    "logs": [{ "category": "AuditEvent", "enabled": true }],
                    "metrics": [{ "category": "AllMetrics", "enabled": false }],
                },
            })],
            keys: Vec::new(),
        });
        for role in [roles::OWNER, roles::KEY_VAULT_ADMINISTRATOR] {
            state.add_role_assignment_at(&rg_scope, role, CUSTOMER_OBJECT_ID, "ServicePrincipal", 0);
        }
        state
    }

    /// The resource id of the seeded vault (or any vault by name).
    pub fn vault_resource_id(&self, vault: &str) -> Option<String> {
        self.vault(vault).map(|v| self.vault_id(v))
    }

    /// Adds a role assignment effective (before propagation) from `created_ms`; returns its name.
    pub fn add_role_assignment_at(
        &mut self,
        scope: &str,
        role_id: &str,
        principal_id: &str,
        principal_type: &str,
        created_ms: i64,
    ) -> String {
        let name = uuid::Uuid::new_v4().to_string();
        self.role_assignments.push(RoleAssignment {
            name: name.clone(),
            scope: scope.to_string(),
            role_definition_id: role_id.to_string(),
            principal_id: principal_id.to_string(),
            principal_type: principal_type.to_string(),
            created_ms,
        });
        name
    }

    /// Creates the service principal of `app_id` in the customer tenant (consent); returns its
    /// object id (the existing one if already there).
    pub fn create_service_principal(&mut self, app_id: &str, display_name: &str) -> String {
        if let Some(sp) = self.service_principal_by_app(app_id) {
            return sp.id.clone();
        }
        let id = uuid::Uuid::new_v4().to_string();
        self.service_principals.push(ServicePrincipal {
            id: id.clone(),
            app_id: app_id.to_string(),
            display_name: display_name.to_string(),
        });
        id
    }
}

/// A key placed straight into a vault, for scenarios (bypasses every check on purpose).
#[derive(Debug, Clone)]
pub struct SeedAzureKey {
    pub vault: String,
    pub name: String,
    /// 2048, 3072 or 4096.
    pub key_size: u32,
    /// `RSA` or `RSA-HSM`.
    pub kty: String,
    pub key_ops: Vec<String>,
    pub enabled: bool,
    pub exp: Option<i64>,
    pub nbf: Option<i64>,
    pub tags: BTreeMap<String, String>,
}

impl SeedAzureKey {
    /// A correct CMEK key in the seeded vault: RSA 3072, wrapKey + unwrapKey, enabled, no tags.
    pub fn cmek(name: &str) -> Self {
        Self {
            vault: VAULT_NAME.to_string(),
            name: name.to_string(),
            key_size: 3072,
            kty: "RSA".to_string(),
            key_ops: vec!["wrapKey".to_string(), "unwrapKey".to_string()],
            enabled: true,
            exp: None,
            nbf: None,
            tags: BTreeMap::new(),
        }
    }
}

/// Adds `key` as a new version; returns the version id.
pub fn seed_key(state: &mut AzureState, key: SeedAzureKey) -> Result<String, String> {
    let der = crypto::generate_rsa(key.key_size)?;
    let now = chrono::Utc::now().timestamp();
    let version = KeyVersion {
        version: uuid::Uuid::new_v4().simple().to_string(),
        kty: key.kty,
        key_size: key.key_size,
        key_ops: key.key_ops,
        enabled: key.enabled,
        exp: key.exp,
        nbf: key.nbf,
        created: now,
        updated: now,
        tags: key.tags,
        private_key: Secret::new(crypto::b64url(&der)),
    };
    let id = version.version.clone();
    let vault = state.vault_mut(&key.vault).ok_or_else(|| format!("there is no vault `{}`", key.vault))?;
    match vault.key_mut(&key.name) {
        Some(k) => k.versions.push(version),
        None => vault.keys.push(Key { name: key.name, versions: vec![version] }),
    }
    Ok(id)
}

/// Deletes a key into its vault's soft-delete bin (what `az keyvault key delete` does), for scenarios.
pub fn soft_delete_key(state: &mut AzureState, vault: &str, name: &str) -> Result<(), String> {
    let vault = state.vault_mut(vault).ok_or_else(|| format!("there is no vault `{vault}`"))?;
    if !vault.enable_soft_delete {
        return Err(format!("vault `{}` has soft delete off: a deleted key would be gone", vault.name));
    }
    let base = format!("https://{}.vault.azure.net", vault.name);
    super::deleted_keys::delete(vault, &base, name, chrono::Utc::now().timestamp()).map(|_| ()).map_err(|e| e.message)
}

fn parse_ip(text: &str) -> IpAddr {
    text.parse().unwrap_or(IpAddr::V4(std::net::Ipv4Addr::LOCALHOST))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::azure::acl::{self, NetworkDenial};
    use crate::azure::rbac;
    use crate::azure::roles::KeyAction;
    use crate::azure::state::AccessPolicy;

    #[test]
    fn seeded_vault_is_correct_and_its_firewall_admits_anthropic_and_the_customer_only() {
        let state = AzureState::seeded();
        let vault = state.vault(VAULT_NAME).unwrap();
        assert!(vault.rbac());
        assert_eq!(vault.enable_purge_protection, Some(true));
        assert!(vault.keys.is_empty());
        assert!(state.service_principal_by_app(&cmek_core::identities::published().azure.app_client_id).is_none());
        assert_eq!(acl::check(vault, ANTHROPIC_SOURCE_IP.parse().unwrap()), Ok(()));
        assert_eq!(acl::check(vault, "160.79.111.254".parse().unwrap()), Ok(()));
        assert_eq!(acl::check(vault, CUSTOMER_SOURCE_IP.parse().unwrap()), Ok(()));
        assert_eq!(acl::check(vault, "34.162.46.92".parse().unwrap()), Err(NetworkDenial::Firewall));
        let mut closed = vault.clone();
        closed.public_network_access = "Disabled".into();
        assert_eq!(acl::check(&closed, ANTHROPIC_SOURCE_IP.parse().unwrap()), Err(NetworkDenial::PublicAccessDisabled));
    }

    #[test]
    fn access_policy_mode_reads_only_the_vault_policies() {
        let state = AzureState::seeded();
        let mut vault = state.vault(VAULT_NAME).unwrap().clone();
        vault.enable_rbac_authorization = None;
        assert!(!vault.rbac());
        vault.access_policies = vec![AccessPolicy {
            tenant_id: CUSTOMER_TENANT.into(),
            object_id: "sp".into(),
            key_permissions: vec!["get".into(), "wrapKey".into(), "unwrapKey".into()],
        }];
        assert!(rbac::access_policy_allows(&vault, CUSTOMER_TENANT, "sp", KeyAction::Wrap));
        assert!(!rbac::access_policy_allows(&vault, CUSTOMER_TENANT, "sp", KeyAction::Create));
        assert!(!rbac::access_policy_allows(&vault, CUSTOMER_TENANT, "other", KeyAction::Read));
        assert!(!rbac::access_policy_allows(&vault, ANTHROPIC_TENANT, "sp", KeyAction::Read));
    }

    #[test]
    fn new_role_assignments_take_the_default_propagation_delay_unless_set() {
        let state = AzureState::seeded();
        assert_eq!(state.propagation_delay_ms, 5_000);
        let vault = state.vault_resource_id(VAULT_NAME).unwrap();
        let key = format!("{vault}/keys/k");
        let mut state = state;
        state.add_role_assignment_at(&key, roles::KEY_VAULT_CRYPTO_USER, "sp", "ServicePrincipal", 1_000_000);
        let decide = |s: &AzureState, now_ms| {
            rbac::data_decision(&s.role_assignments, "sp", &key, KeyAction::Wrap, now_ms, s.propagation_delay_ms)
        };
        assert_eq!(decide(&state, 1_004_999), rbac::Decision::NotYetPropagated);
        assert_eq!(decide(&state, 1_005_000), rbac::Decision::Allowed);
        // The seeded customer's own assignments were made long ago.
        let customer = rbac::data_decision(
            &state.role_assignments,
            CUSTOMER_OBJECT_ID,
            &key,
            KeyAction::Create,
            chrono::Utc::now().timestamp_millis(),
            state.propagation_delay_ms,
        );
        assert_eq!(customer, rbac::Decision::Allowed);
        let at_once = crate::azure::AzureEmulatorConfig::new().with_propagation_delay(std::time::Duration::ZERO);
        assert_eq!(at_once.state.propagation_delay_ms, 0);
    }

    #[test]
    fn state_survives_serde_and_seeding_helpers_work() {
        let mut state = AzureState::seeded();
        let version = seed_key(&mut state, SeedAzureKey::cmek("k")).unwrap();
        let sp = state.create_service_principal("app", "App");
        assert_eq!(state.create_service_principal("app", "App"), sp);
        let text = serde_json::to_string(&state).unwrap();
        let back: AzureState = serde_json::from_str(&text).unwrap();
        let key = back.vault(VAULT_NAME).unwrap().key("k").unwrap();
        assert_eq!(key.version(None).unwrap().version, version);
        assert_eq!(key.version(None).unwrap().key_size, 3072);
        assert!(seed_key(&mut state, SeedAzureKey { vault: "nope".into(), ..SeedAzureKey::cmek("k") }).is_err());
    }
}
