//! Azure facts shaped like the sandbox's seeded vault, for the planner's tests and other modules'.

use std::collections::BTreeMap;

use crate::model::azure::{
    AzureCallerIdentity, AzureKeyFacts, AzureVaultFacts, RoleAssignmentFacts, ServicePrincipalFacts, VaultResourceId,
    VaultUri,
};
use crate::plan::azure::{AzureAnswers, AzureFacts};

pub const TENANT: &str = "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f";
pub const SUBSCRIPTION: &str = "3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47";
pub const VAULT: &str = "cmek-sandbox";
pub const VAULT_ID: &str = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/cmek-sandbox";
pub const KEY_SCOPE: &str = "/subscriptions/3c8e1a9f-7d42-4b61-9e0a-6f5b2c1d8e47/resourceGroups/cmek-sandbox/providers/Microsoft.KeyVault/vaults/cmek-sandbox/keys/anthropic-cmek";
/// The object id of Anthropic's service principal in the customer's tenant (after consent).
pub const SP_OBJECT_ID: &str = "7e1f0c3a-5b2d-4c8e-9f60-1a2b3c4d5e6f";
pub const CRYPTO_USER_GUID: &str = "12338af0-0e69-4776-bea7-57ae8d297424";
pub const ORG_TAG: &str = "anthropic-org-8c2d1e4f-0a9b-4c3d-8e7f-123456789abc";
/// 2026-11-22T09:00:00Z: when the facts were gathered.
pub const NOW: i64 = 1_795_338_000;
pub const DAY: i64 = 24 * 60 * 60;

/// The sandbox's seeded vault: RBAC, purge protection, public access behind a default-deny
/// firewall that admits Anthropic and the customer's address, AuditEvent routed.
pub fn vault() -> AzureVaultFacts {
    AzureVaultFacts {
        id: VAULT_ID.into(),
        name: VAULT.into(),
        uri: "https://cmek-sandbox.vault.azure.net/".into(),
        tenant_id: TENANT.into(),
        location: "eastus2".into(),
        sku: "standard".into(),
        rbac_authorization: Some(true),
        purge_protection: Some(true),
        soft_delete: Some(true),
        public_network_access: Some("Enabled".into()),
        network_default_action: Some("Deny".into()),
        network_bypass: Some("AzureServices".into()),
        ip_rules: vec!["160.79.104.0/21".into(), "203.0.113.10/32".into()],
        audit_event_routed: Some(true),
    }
}

pub fn sp() -> ServicePrincipalFacts {
    ServicePrincipalFacts {
        object_id: SP_OBJECT_ID.into(),
        app_id: "8635ae1a-3e5d-44e8-a4ed-e0f614466f87".into(),
        display_name: Some("anthropic-cmek-client-us".into()),
    }
}

pub fn assignment(scope: &str, role_guid: &str) -> RoleAssignmentFacts {
    RoleAssignmentFacts {
        id: format!("{scope}/providers/Microsoft.Authorization/roleAssignments/0f0e0d0c-0b0a-4908-8706-050403020100"),
        scope: scope.into(),
        role_definition_id: format!(
            "/subscriptions/{SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/{role_guid}"
        ),
        principal_id: SP_OBJECT_ID.into(),
        principal_type: Some("ServicePrincipal".into()),
    }
}

/// The key `cmek` creates: RSA 3072, wrapKey/unwrapKey, the org tag.
pub fn good_key() -> AzureKeyFacts {
    AzureKeyFacts {
        name: "anthropic-cmek".into(),
        version: Some("4f1c2a9e8b7d46f0a1b2c3d4e5f60718".into()),
        kid: Some("https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek/4f1c2a9e8b7d46f0a1b2c3d4e5f60718".into()),
        kty: Some("RSA".into()),
        key_size: Some(3072),
        key_ops: vec!["wrapKey".into(), "unwrapKey".into()],
        enabled: Some(true),
        not_before: None,
        expires: None,
        tags: BTreeMap::from([(ORG_TAG.to_string(), "true".to_string()), ("created-by".into(), "cmek".into())]),
    }
}

/// The seeded sandbox with nothing done yet: no key, Anthropic's app not consented.
pub fn sandbox() -> AzureFacts {
    AzureFacts {
        caller: AzureCallerIdentity {
            tenant_id: TENANT.into(),
            object_id: Some("0b1e7c2d-2222-4333-8444-555566667777".into()),
            app_id: Some("c0ffee00-1111-4222-8333-444455556666".into()),
        },
        vault: vault(),
        vault_id: VaultResourceId::parse(VAULT_ID).unwrap(),
        vault_uri: Some(VaultUri::parse("https://cmek-sandbox.vault.azure.net/").unwrap()),
        key_name: AzureAnswers::default_key_name(),
        key: None,
        key_soft_deleted: Some(false),
        service_principal: None,
        role_assignments: Vec::new(),
        policy_denials: Some(Vec::new()),
        policy_unread: None,
        now: NOW,
    }
}

/// What a successful run leaves: consented, key created and tagged, role at the key's scope.
pub fn converged() -> AzureFacts {
    AzureFacts {
        key: Some(good_key()),
        service_principal: Some(sp()),
        role_assignments: vec![assignment(KEY_SCOPE, CRYPTO_USER_GUID)],
        ..sandbox()
    }
}
