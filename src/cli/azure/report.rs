//! The Azure parts of the `setup` report: the identity, vault, key and Anthropic lines, and the
//! JSON `azure` block.

use cmek_core::identities;
use cmek_core::plan::CloudFacts;
use cmek_core::plan::azure::{AzureFacts, AzureOutcome};
use cmek_core::run::CloudOutcome;
use serde_json::{Value, json};

use crate::cli::clouds::Header;

/// The header: who is signed in, the vault, the key and Anthropic's app.
pub fn header(az: &AzureFacts, credential: Option<&str>) -> Header {
    let uri = az.vault_uri.as_ref().map(ToString::to_string).unwrap_or_else(|| az.vault.uri.clone());
    Header {
        identity: vec![
            format!(
                "  Azure identity tenant {}, object {}{}",
                az.caller.tenant_id,
                az.caller.object_id.as_deref().unwrap_or("unknown"),
                credential.map(|c| format!(" (signed in with {c})")).unwrap_or_default()
            ),
            format!("  vault          {} ({uri}), tenant {}, {}", az.vault.name, az.vault.tenant_id, az.vault.location),
        ],
        key: key_line(az),
        anthropic: format!(
            "app {} ({}; published identity; compare with the CMEK guide)",
            identities::published().azure.app_client_id,
            match &az.service_principal {
                Some(sp) => format!("service principal {} in this tenant", sp.object_id),
                None => "not consented in this tenant yet".to_string(),
            }
        ),
    }
}

/// The key as inspected: its id, state, type, size and operations, or that it will be created.
pub fn key_line(az: &AzureFacts) -> String {
    let Some(k) = &az.key else {
        let bin =
            if az.key_soft_deleted == Some(true) { " (a deleted key of that name is in the vault's bin)" } else { "" };
        return format!("{}: none found, a new key will be created{bin}", az.key_name);
    };
    let state = match k.enabled {
        Some(false) => "disabled",
        _ => "enabled",
    };
    format!(
        "{} ({state}, {} {} bits, ops {})",
        k.kid.as_deref().unwrap_or(k.name.as_str()),
        k.kty.as_deref().unwrap_or("?"),
        k.key_size.map(|b| b.to_string()).unwrap_or_else(|| "?".into()),
        if k.key_ops.is_empty() { "none".to_string() } else { k.key_ops.join(", ") }
    )
}

/// The `azure` block of the `cmek.setup/v1` document: tenant, vault and key as inspected (null when
/// the run is in another cloud).
pub fn facts_json(facts: &dyn CloudFacts) -> Vec<(&'static str, Value)> {
    let Some(az) = facts.downcast_ref::<AzureFacts>() else { return vec![("azure", Value::Null)] };
    vec![(
        "azure",
        json!({
            "tenant_id": az.vault.tenant_id,
            "signed_in_tenant_id": az.caller.tenant_id,
            "subscription": az.vault_id.subscription,
            "vault": { "name": az.vault.name, "uri": az.vault_uri.as_ref().map(ToString::to_string)
                .unwrap_or_else(|| az.vault.uri.clone()), "id": az.vault.id, "tenant_id": az.vault.tenant_id,
                "location": az.vault.location },
            "key": { "name": az.key_name.to_string(), "exists": az.key.is_some(),
                "kid": az.key.as_ref().and_then(|k| k.kid.clone()) },
            "service_principal": az.service_principal.as_ref().map(|sp| sp.object_id.clone()),
        }),
    )]
}

/// The key the run created or found, and Anthropic's service principal, in the `azure` block.
pub fn run_json(doc: &mut Value, outcome: &dyn CloudOutcome) {
    if let Some(o) = outcome.downcast_ref::<AzureOutcome>() {
        doc["azure"]["key"]["kid"] = json!(o.key_id);
        doc["azure"]["key"]["exists"] = json!(o.key_id.is_some());
        doc["azure"]["service_principal"] = json!(o.service_principal);
    }
}
