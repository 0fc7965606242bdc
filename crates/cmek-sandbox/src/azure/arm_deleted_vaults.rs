//! ARM's vault soft delete: `DELETE .../vaults/{name}` moves the vault (keys and all) to the
//! subscription's `deletedVaults` for 90 days; `GET .../deletedVaults` and
//! `GET .../locations/{loc}/deletedVaults/{name}` show it in Azure's wire shape; `PUT
//! .../vaults/{name}` with `properties.createMode: "recover"` (what `az keyvault recover` sends)
//! brings it back; `POST .../deletedVaults/{name}/purge` is refused under purge protection.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::auth::Caller;
use super::state::{AzureState, DeletedVault};
use super::{arm_auth, arm_vaults, errors};

/// How long a deleted vault stays recoverable (`softDeleteRetentionInDays`, 90 here).
pub const RETENTION_DAYS: i64 = 90;
pub const READ: &str = "Microsoft.KeyVault/deletedVaults/read";
const PURGE: &str = "Microsoft.KeyVault/locations/deletedVaults/purge/action";

fn subscription_scope(state: &AzureState) -> String {
    format!("/subscriptions/{}", state.subscription_id)
}

fn rfc3339(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0).unwrap_or_default().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Azure's `Microsoft.KeyVault/deletedVaults` representation.
pub fn render(state: &AzureState, d: &DeletedVault) -> Value {
    let v = &d.vault;
    json!({
        "id": format!(
            "/subscriptions/{}/providers/Microsoft.KeyVault/locations/{}/deletedVaults/{}",
            state.subscription_id, v.location, v.name
        ),
        "name": v.name,
        "type": "Microsoft.KeyVault/deletedVaults",
        "properties": {
            "vaultId": state.vault_id(v),
            "location": v.location,
            "deletionDate": rfc3339(d.deletion_date),
            "scheduledPurgeDate": rfc3339(d.scheduled_purge_date),
            "tags": {},
            "purgeProtectionEnabled": v.enable_purge_protection == Some(true),
        },
    })
}

fn ok(value: Value) -> Response {
    errors::json_response(StatusCode::OK, value)
}

fn not_in_bin(location: Option<&str>, name: &str) -> Response {
    let where_ = location.map(|l| format!(" in location '{l}'")).unwrap_or_default();
    errors::arm(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        &format!("The Resource 'Microsoft.KeyVault/deletedVaults/{name}'{where_} was not found."),
    )
}

/// `GET /subscriptions/{s}/providers/Microsoft.KeyVault/deletedVaults`.
pub fn list(state: &AzureState, caller: &Caller) -> Response {
    if let Some(denied) = arm_auth::authorize(state, caller, &subscription_scope(state), READ) {
        return denied;
    }
    ok(json!({ "value": state.deleted_vaults.iter().map(|d| render(state, d)).collect::<Vec<_>>() }))
}

/// `GET /subscriptions/{s}/providers/Microsoft.KeyVault/locations/{loc}/deletedVaults/{name}`.
pub fn get(state: &AzureState, caller: &Caller, location: &str, name: &str) -> Response {
    if let Some(denied) = arm_auth::authorize(state, caller, &subscription_scope(state), READ) {
        return denied;
    }
    match state.deleted_vault(name).filter(|d| d.vault.location.eq_ignore_ascii_case(location)) {
        Some(d) => ok(render(state, d)),
        None => not_in_bin(Some(location), name),
    }
}

/// `POST .../locations/{loc}/deletedVaults/{name}/purge`: refused while purge protection is on.
pub fn purge(state: &mut AzureState, caller: &Caller, location: &str, name: &str) -> Response {
    if let Some(denied) = arm_auth::authorize(state, caller, &subscription_scope(state), PURGE) {
        return denied;
    }
    let Some(index) = state
        .deleted_vaults
        .iter()
        .position(|d| d.vault.name.eq_ignore_ascii_case(name) && d.vault.location.eq_ignore_ascii_case(location))
    else {
        return not_in_bin(Some(location), name);
    };
    if state.deleted_vaults[index].vault.enable_purge_protection == Some(true) {
        return errors::arm(
            StatusCode::CONFLICT,
            "MethodNotAllowed",
            &format!(
                "Operation 'DeletedVaultPurge' is not allowed as purge protection is enabled for the vault '{name}'. It can only be purged after its scheduled purge date."
            ),
        );
    }
    state.deleted_vaults.remove(index);
    StatusCode::ACCEPTED.into_response()
}

/// `DELETE .../resourceGroups/{rg}/providers/Microsoft.KeyVault/vaults/{name}`: into the bin
/// when soft delete is on (always, for vaults made since 2020), gone otherwise.
pub fn delete(state: &mut AzureState, caller: &Caller, rg: &str, name: &str, now_ms: i64) -> Response {
    let Some(index) = state
        .vaults
        .iter()
        .position(|v| v.name.eq_ignore_ascii_case(name) && v.resource_group.eq_ignore_ascii_case(rg))
    else {
        // ARM answers a DELETE of something absent with 204.
        return StatusCode::NO_CONTENT.into_response();
    };
    let id = state.vault_id(&state.vaults[index]);
    if let Some(denied) = arm_auth::authorize(state, caller, &id, "Microsoft.KeyVault/vaults/delete") {
        return denied;
    }
    soft_delete(state, index, now_ms / 1000);
    StatusCode::OK.into_response()
}

/// Removes `state.vaults[index]`, into the bin when soft delete is on (retained 90 days).
pub fn soft_delete(state: &mut AzureState, index: usize, now: i64) {
    let vault = state.vaults.remove(index);
    if vault.enable_soft_delete {
        let scheduled_purge_date = now + RETENTION_DAYS * 86_400;
        state.deleted_vaults.push(DeletedVault { vault, deletion_date: now, scheduled_purge_date });
    }
}

/// `PUT .../vaults/{name}`: only recovery is emulated (`properties.createMode: "recover"`); a
/// plain create of a name in the bin is refused as Azure refuses it.
pub fn put(state: &mut AzureState, caller: &Caller, rg: &str, name: &str, body: &Value) -> Response {
    let recover = body
        .pointer("/properties/createMode")
        .and_then(Value::as_str)
        .is_some_and(|m| m.eq_ignore_ascii_case("recover"));
    let in_bin = state
        .deleted_vaults
        .iter()
        .position(|d| d.vault.name.eq_ignore_ascii_case(name) && d.vault.resource_group.eq_ignore_ascii_case(rg));
    match (recover, in_bin) {
        (true, Some(index)) => {
            let id = state.vault_id(&state.deleted_vaults[index].vault);
            if let Some(denied) = arm_auth::authorize(state, caller, &id, "Microsoft.KeyVault/vaults/write") {
                return denied;
            }
            let restored = state.deleted_vaults.remove(index).vault;
            let out = arm_vaults::render(state, &restored);
            state.vaults.push(restored);
            ok(out)
        }
        (true, None) => errors::arm(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            &format!(
                "The vault '{name}' in resource group '{rg}' is not in a deleted state: nothing to recover. See `az keyvault list-deleted`."
            ),
        ),
        (false, Some(_)) => errors::arm(
            StatusCode::CONFLICT,
            "ConflictError",
            &format!(
                "Exist soft deleted vault with the same name '{name}'. Recover it (createMode: recover) or purge it first."
            ),
        ),
        (false, None) => errors::arm(
            StatusCode::METHOD_NOT_ALLOWED,
            "MethodNotAllowed",
            "The sandbox does not emulate creating or replacing vaults: only recovery (createMode: recover).",
        ),
    }
}
