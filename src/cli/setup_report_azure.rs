//! The Azure parts of the `setup` report: header lines and the JSON `azure` block.

use serde_json::{Value, json};

use crate::output::Output;
use cmek_core::plan::AzureFacts;

/// The Azure lines of the header: who is signed in, and the vault.
pub fn print_header(out: &Output, az: &AzureFacts, credential: Option<&str>) {
    out.text(&format!(
        "  Azure identity tenant {}, object {}{}",
        az.caller.tenant_id,
        az.caller.object_id.as_deref().unwrap_or("unknown"),
        credential.map(|c| format!(" (signed in with {c})")).unwrap_or_default()
    ));
    let uri = az.vault_uri.as_ref().map(ToString::to_string).unwrap_or_else(|| az.vault.uri.clone());
    out.text(&format!(
        "  vault          {} ({uri}), tenant {}, {}",
        az.vault.name, az.vault.tenant_id, az.vault.location
    ));
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

/// The `azure` block of the `cmek.setup/v1` document: tenant, vault and key as inspected.
pub fn facts_json(az: &AzureFacts) -> Value {
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
    })
}
