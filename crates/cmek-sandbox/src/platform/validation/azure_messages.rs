//! Every sentence Azure validation can fail with, in one place.
//!
//! One line each, naming the key id (`https://<vault>.vault.azure.net/keys/<name>`) and, where
//! it matters, the tenant. Each starts with Azure's own code (`AADSTS700016`, `AKV10032`,
//! `ForbiddenByRbac`, ...) or a stable cause, because `doctor::validation_text` maps them to AZ
//! ids and the engine's waiter retries on `ForbiddenByRbac`: change a prefix only with them.

use cmek_core::identities;

/// Anthropic's egress range, what the vault firewall must admit.
fn anthropic_range() -> String {
    identities::published().egress.current.iter().map(|n| n.to_string()).collect::<Vec<_>>().join(", ")
}

fn app_id() -> String {
    identities::published().azure.app_client_id.clone()
}

/// Azure messages span lines (`\r\n`); a sentence is one line.
pub fn one_line(text: &str) -> String {
    text.split(['\r', '\n']).map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join(" ")
}

/// `https://<vault>.vault.azure.net/keys/<name>`.
pub fn key_id(vault_uri: &str, key_name: &str) -> String {
    format!("{}/keys/{key_name}", vault_uri.trim_end_matches('/'))
}

/// Anthropic's app has no service principal in the registered tenant (AADSTS700016).
pub fn sp_missing(tenant: &str, key_id: &str) -> String {
    let app = app_id();
    format!(
        "AADSTS700016: Application with identifier '{app}' was not found in the directory '{tenant}'. Anthropic's \
         app has no service principal in tenant {tenant}, so it cannot use {key_id}: consent to it there with \
         `az ad sp create --id {app}` (needs Application Administrator or Cloud Application Administrator)."
    )
}

/// Any other sign-in refusal, with Entra's own `AADSTS...` description.
pub fn sign_in_refused(tenant: &str, key_id: &str, description: &str) -> String {
    format!(
        "{} (Anthropic's app signing in to tenant {tenant} to use {key_id}; check provider_config.tenant_id: it must \
         be the vault's tenant, properties.tenantId).",
        one_line(description).trim_end_matches('.')
    )
}

/// The vault refused a token issued by the registered tenant (AKV10032): not the vault's tenant.
pub fn invalid_issuer(tenant: &str, key_id: &str, vault_message: &str) -> String {
    let message = one_line(vault_message);
    let first = message.find("AKV10032").map_or(message.as_str(), |i| &message[i..]);
    format!(
        "{} The registered tenant_id {tenant} is not the tenant of the vault holding {key_id}: register the vault's \
         tenant (`az keyvault show --name {} --query properties.tenantId`).",
        first.trim_end_matches('.').to_string() + ".",
        vault_name(key_id)
    )
}

/// Azure RBAC refused Anthropic's service principal (no role, the wrong scope, or not propagated yet).
pub fn forbidden_by_rbac(action: &str, tenant: &str, key_id: &str) -> String {
    format!(
        "ForbiddenByRbac: Anthropic's service principal (app {}) in tenant {tenant} may not perform {action} on \
         {key_id}: assign it Key Vault Crypto User at the key's scope (`az role assignment create --role \"Key Vault \
         Crypto User\" --assignee {} --scope <vault resource id>/keys/{}`); a new assignment takes a few minutes to \
         propagate.",
        app_id(),
        app_id(),
        key_name(key_id)
    )
}

/// An access-policy vault (RBAC off) with no policy for Anthropic.
pub fn forbidden_by_policy(permission: &str, tenant: &str, key_id: &str) -> String {
    format!(
        "ForbiddenByPolicy: the vault holding {key_id} uses access policies (enableRbacAuthorization is off) and none \
         gives Anthropic's service principal (app {}) in tenant {tenant} the keys {permission} permission: switch the \
         vault to Azure RBAC (`az keyvault update --name {} --enable-rbac-authorization true`, after granting \
         existing users roles) and assign Key Vault Crypto User.",
        app_id(),
        vault_name(key_id)
    )
}

/// The vault firewall does not admit Anthropic's egress address.
pub fn forbidden_by_firewall(client_address: &str, key_id: &str) -> String {
    format!(
        "ForbiddenByFirewall: the firewall of the vault holding {key_id} refused Anthropic's call. Client address: \
         {client_address} is not in its ipRules and the default action is Deny: `az keyvault network-rule add --name \
         {} --ip-address {}`.",
        vault_name(key_id),
        anthropic_range()
    )
}

/// `publicNetworkAccess` is Disabled: Anthropic calls the public endpoint.
pub fn forbidden_by_connection(key_id: &str) -> String {
    format!(
        "ForbiddenByConnection: Public network access is disabled on the vault holding {key_id}, and Anthropic calls \
         its public endpoint (private endpoints are not supported): `az keyvault update --name {} \
         --public-network-access Enabled --default-action Deny`, with a firewall rule for {}.",
        vault_name(key_id),
        anthropic_range()
    )
}

/// No such key (never created, misnamed, or deleted and in the vault's soft-delete bin).
pub fn key_not_found(key_id: &str) -> String {
    format!(
        "KeyNotFound: A key with (name/id) {} was not found in this key vault ({key_id}). If it was deleted it may \
         still be recoverable: `az keyvault key recover --vault-name {} --name {}`; else check provider_config.key_name.",
        key_name(key_id),
        vault_name(key_id),
        key_name(key_id)
    )
}

/// Not RSA / RSA-HSM, or smaller than 3072 bits.
pub fn unsupported_key(key_id: &str, kty: &str, bits: Option<u32>) -> String {
    let bits = bits.map_or_else(|| "unknown-size".to_string(), |b| format!("{b}-bit"));
    format!(
        "KeyNotSupported: {key_id} is {kty} {bits}; Anthropic needs an RSA or RSA-HSM key of at least 3072 bits: \
         create one (`az keyvault key create --vault-name {} --name {} --kty RSA --size 3072 --ops wrapKey \
         unwrapKey`).",
        vault_name(key_id),
        key_name(key_id)
    )
}

/// The key's operations do not include both wrapKey and unwrapKey.
pub fn missing_ops(key_id: &str, ops: &[String]) -> String {
    format!(
        "KeyOperationsMissing: {key_id} has key_ops [{}], which lack wrapKey/unwrapKey; Anthropic wraps and unwraps \
         with the key: create a new version with `--ops wrapKey unwrapKey`.",
        ops.join(", ")
    )
}

pub fn disabled(key_id: &str) -> String {
    format!(
        "KeyDisabled: {key_id} is disabled: `az keyvault key set-attributes --vault-name {} --name {} --enabled true`.",
        vault_name(key_id),
        key_name(key_id)
    )
}

pub fn not_yet_valid(key_id: &str, nbf: i64) -> String {
    format!(
        "KeyNotYetValid: {key_id} is not yet valid (nbf {}): remove or move its activation date with `az keyvault key \
         set-attributes --vault-name {} --name {} --not-before <now>`.",
        rfc3339(nbf),
        vault_name(key_id),
        key_name(key_id)
    )
}

pub fn expired(key_id: &str, exp: i64) -> String {
    format!(
        "KeyExpired: {key_id} expired at {}: Anthropic cannot use an expired key; set a later expiry with `az keyvault \
         key set-attributes --vault-name {} --name {} --expires <date>` or create a new version.",
        rfc3339(exp),
        vault_name(key_id),
        key_name(key_id)
    )
}

/// The organisation binding tag is absent or not `true`.
pub fn org_tag(key_id: &str, org_id: &str, found: Option<&str>) -> String {
    let tag = format!("anthropic-org-{org_id}");
    let seen = match found {
        Some(value) => format!("has the tag {tag}={value}, not {tag}=true"),
        None => format!("does not carry the tag {tag}=true"),
    };
    format!(
        "OrgTagMissing: {key_id} {seen}, which binds the key to your organization: add it without dropping the other \
         tags (setting tags replaces them all; `cmek setup` merges them)."
    )
}

/// The key answered with other bytes than were wrapped.
pub fn round_trip_mismatch(key_id: &str) -> String {
    format!("UnwrapMismatch: unwrapKey on {key_id} returned other bytes than were wrapped.")
}

/// A single-tenant `client_id` was registered: the sandbox signs in as Anthropic's app only.
pub fn client_id_not_supported(client_id: &str, key_id: &str) -> String {
    format!(
        "NotSupported: provider_config.client_id {client_id} names a single-tenant app for {key_id}; this sandbox \
         validates as Anthropic's multi-tenant app only: register the key without client_id."
    )
}

/// Any other failed call, with Azure's code when there is one.
pub fn call_failed(code: &str, operation: &str, key_id: &str, detail: &str) -> String {
    format!("{code}: {operation} on {key_id} failed: {}", one_line(detail))
}

/// The round trip did not finish within the limit (30 s, as for AWS).
pub fn timeout(key_id: &str, limit: std::time::Duration) -> String {
    format!(
        "Timeout: validation timed out: the wrapKey/unwrapKey round trip with {key_id} did not finish within {} s; \
         Key Vault did not answer in time.",
        limit.as_secs_f64()
    )
}

pub fn no_azure_endpoint(key_id: &str) -> String {
    format!(
        "NoAzureEndpoint: this sandbox has no Azure endpoint configured, so it cannot reach {key_id}. Start the \
         sandbox with its Azure emulator (cmek sandbox) to validate Azure keys."
    )
}

fn vault_name(key_id: &str) -> &str {
    let host = key_id.trim_start_matches("https://");
    host.split(['.', '/']).next().unwrap_or(host)
}

fn key_name(key_id: &str) -> &str {
    key_id.rsplit('/').next().unwrap_or(key_id)
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0).map_or_else(|| unix.to_string(), |t| t.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str = "https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek";
    const TENANT: &str = "5f2b6b2e-0c1d-4c7a-9a43-2a1b3c4d5e6f";

    #[test]
    fn sentences_are_one_line_name_the_key_and_keep_their_prefixes() {
        let all = [
            sp_missing(TENANT, KEY),
            sign_in_refused(TENANT, KEY, "AADSTS90002: Tenant 'x' not found.\r\nTrace ID: 1"),
            invalid_issuer(
                TENANT,
                KEY,
                "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/a/, found https://sts.windows.net/b/.",
            ),
            forbidden_by_rbac("Microsoft.KeyVault/vaults/keys/wrap/action", TENANT, KEY),
            forbidden_by_policy("get", TENANT, KEY),
            forbidden_by_firewall("160.79.104.10", KEY),
            forbidden_by_connection(KEY),
            key_not_found(KEY),
            unsupported_key(KEY, "RSA", Some(2048)),
            missing_ops(KEY, &["encrypt".into(), "decrypt".into()]),
            disabled(KEY),
            not_yet_valid(KEY, 4_102_444_800),
            expired(KEY, 1_600_000_000),
            org_tag(KEY, "o1", None),
        ];
        for s in &all {
            assert!(!s.contains('\n') && !s.contains('\r'), "{s}");
            assert!(s.contains(KEY), "{s}");
        }
        assert!(all[0].starts_with("AADSTS700016: Application with identifier '8635ae1a-"));
        assert!(all[1].starts_with("AADSTS90002: Tenant 'x' not found. Trace ID: 1 (Anthropic's app"), "{}", all[1]);
        assert!(all[2].starts_with("AKV10032: Invalid issuer. Expected one of https://sts.windows.net/a/"));
        assert!(all[3].starts_with("ForbiddenByRbac:") && all[3].contains("keys/wrap/action"));
        assert!(all[5].contains("Client address: 160.79.104.10"));
        assert!(all[6].contains("Public network access is disabled"));
        assert!(all[7].starts_with("KeyNotFound: A key with (name/id) anthropic-cmek was not found in this key vault"));
        assert!(all[8].contains("is RSA 2048-bit; Anthropic needs an RSA or RSA-HSM key of at least 3072 bits"));
        assert!(all[9].contains("key_ops [encrypt, decrypt]") && all[9].contains("wrapKey/unwrapKey"));
        assert!(all[12].contains("expired at 2020-09-13T12:26:40+00:00"), "{}", all[12]);
        assert!(all[13].contains("anthropic-org-o1=true") && all[13].contains("tag"));
        assert!(org_tag(KEY, "o1", Some("false")).contains("has the tag anthropic-org-o1=false"));
    }
}
