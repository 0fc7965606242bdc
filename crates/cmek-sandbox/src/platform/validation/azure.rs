//! The Azure validation steps (platform-api.md, section 8), as Anthropic's multi-tenant app in the
//! registered tenant: sign in, read the key, check its shape, state and organisation tag, then a
//! wrapKey + unwrapKey round trip with fresh random bytes.
//!
//! Who may call is decided by the emulator, not here: consent (no service principal, no token),
//! the token's issuer against the vault's tenant (AKV10032), the firewall as Anthropic's egress
//! address, RBAC with its propagation delay, access policies. Each refusal becomes one sentence
//! from `azure_messages`. The calls themselves are `key_vault_calls`.

use crate::platform::wire::AzureKeyConfig;
use cmek_core::model::azure::{AzureKeyFacts, AzureKeyName, VaultUri};

use super::super::config::AzureBackend;
use super::Target;
use super::azure_messages as say;
use super::azure_sign_in::{SignInError, sign_in};
use super::key_vault_calls::KeyVaultCalls;
use super::key_vault_failure::{KeyVaultFailure, KeyVaultFailureKind};

/// The smallest RSA modulus Anthropic accepts.
const MIN_BITS: u32 = 3072;

pub async fn validate(backend: &AzureBackend, config: &AzureKeyConfig, target: &Target) -> Result<(), String> {
    let key_id = say::key_id(&config.vault_uri, &config.key_name);
    if let Some(client_id) = &config.client_id {
        return Err(say::client_id_not_supported(client_id, &key_id));
    }
    let vault = VaultUri::parse(&config.vault_uri)
        .map_err(|e| say::call_failed("InvalidVaultUri", "keyvault:keys/get", &key_id, &e.to_string()))?;
    let name = AzureKeyName::parse(&config.key_name)
        .map_err(|e| say::call_failed("InvalidKeyName", "keyvault:keys/get", &key_id, &e.to_string()))?;
    let tenant = config.tenant_id.as_str();
    let calls = Calls { key_id: &key_id, tenant };

    sign_in(backend, tenant).await.map_err(|e| calls.sign_in_failed(e))?;
    let key_vault = KeyVaultCalls::new(backend, tenant, &vault)
        .map_err(|e| say::call_failed("AzureClient", e.operation, &key_id, &e.message))?;

    let key = key_vault.get_key(&name).await.map_err(|e| calls.refused(&e))?;
    let Some(key) = key else { return Err(say::key_not_found(&key_id)) };
    check_key(&key, &key_id, &target.org_id, chrono::Utc::now().timestamp())?;
    key_vault.wrap_unwrap_probe(&name).await.map_err(|e| calls.refused(&e))
}

/// RSA or RSA-HSM of at least 3072 bits, wrapKey and unwrapKey allowed, enabled, inside its
/// validity window at `now`, and tagged `anthropic-org-<org>=true`.
pub(super) fn check_key(key: &AzureKeyFacts, key_id: &str, org_id: &str, now: i64) -> Result<(), String> {
    let kty = key.kty.as_deref().unwrap_or("unknown type");
    let rsa = matches!(kty, "RSA" | "RSA-HSM");
    if !rsa || key.key_size.is_none_or(|bits| bits < MIN_BITS) {
        return Err(say::unsupported_key(key_id, kty, key.key_size));
    }
    let has = |op: &str| key.key_ops.iter().any(|o| o.eq_ignore_ascii_case(op));
    if !has("wrapKey") || !has("unwrapKey") {
        return Err(say::missing_ops(key_id, &key.key_ops));
    }
    if key.enabled == Some(false) {
        return Err(say::disabled(key_id));
    }
    if let Some(nbf) = key.not_before.filter(|nbf| now < *nbf) {
        return Err(say::not_yet_valid(key_id, nbf));
    }
    if let Some(exp) = key.expires.filter(|exp| now >= *exp) {
        return Err(say::expired(key_id, exp));
    }
    let tag = format!("anthropic-org-{org_id}");
    let value = key.tags.iter().find(|(k, _)| k.eq_ignore_ascii_case(&tag)).map(|(_, v)| v.as_str());
    match value {
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(()),
        other => Err(say::org_tag(key_id, org_id, other)),
    }
}

/// The key and tenant every sentence names.
struct Calls<'a> {
    key_id: &'a str,
    tenant: &'a str,
}

impl Calls<'_> {
    fn sign_in_failed(&self, e: SignInError) -> String {
        match e {
            SignInError::Refused { code: Some(700016), .. } => say::sp_missing(self.tenant, self.key_id),
            SignInError::Refused { description, .. } => say::sign_in_refused(self.tenant, self.key_id, &description),
            SignInError::Unreachable(detail) => {
                say::call_failed("EntraUnreachable", "entra:token", self.key_id, &detail)
            }
        }
    }

    /// A refused or failed Key Vault call, as the sentence Anthropic's validation reports.
    fn refused(&self, e: &KeyVaultFailure) -> String {
        let (key_id, tenant) = (self.key_id, self.tenant);
        if e.message.contains("AKV10032") {
            return say::invalid_issuer(tenant, key_id, &e.message);
        }
        match e.code.as_deref() {
            Some("ForbiddenByRbac") => return say::forbidden_by_rbac(&action(e), tenant, key_id),
            Some("ForbiddenByPolicy") => return say::forbidden_by_policy(&permission(e), tenant, key_id),
            Some("ForbiddenByFirewall") => {
                return say::forbidden_by_firewall(&client_address(&e.message), key_id);
            }
            Some("ForbiddenByConnection") => return say::forbidden_by_connection(key_id),
            Some("KeyDisabled") => return say::disabled(key_id),
            Some("KeyNotFound") => return say::key_not_found(key_id),
            _ => {}
        }
        match e.kind {
            KeyVaultFailureKind::NotFound => say::key_not_found(key_id),
            KeyVaultFailureKind::Network => say::call_failed("KeyVaultUnreachable", e.operation, key_id, &e.message),
            _ if e.message.contains("returned different bytes") => say::round_trip_mismatch(key_id),
            _ => say::call_failed(e.code.as_deref().unwrap_or("KeyVaultError"), e.operation, key_id, &e.message),
        }
    }
}

/// The data action Key Vault names in a ForbiddenByRbac message (`Action: '...'`), else the operation's.
fn action(e: &KeyVaultFailure) -> String {
    quoted_after(&e.message, "Action: '").unwrap_or_else(|| match e.operation {
        "keyvault:keys/wrapKey" => "Microsoft.KeyVault/vaults/keys/wrap/action".to_string(),
        "keyvault:keys/unwrapKey" => "Microsoft.KeyVault/vaults/keys/unwrap/action".to_string(),
        _ => "Microsoft.KeyVault/vaults/keys/read".to_string(),
    })
}

/// The access-policy permission a refused call needed.
fn permission(e: &KeyVaultFailure) -> String {
    let named = e.message.split("does not have keys ").nth(1).and_then(|rest| rest.split_whitespace().next());
    named.map_or_else(
        || match e.operation {
            "keyvault:keys/wrapKey" => "wrapKey".to_string(),
            "keyvault:keys/unwrapKey" => "unwrapKey".to_string(),
            _ => "get".to_string(),
        },
        str::to_string,
    )
}

/// The `Client address: <ip>` Key Vault reports, else Anthropic's documented egress address.
fn client_address(message: &str) -> String {
    message
        .split("Client address: ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .map_or_else(|| crate::azure::ANTHROPIC_SOURCE_IP.to_string(), str::to_string)
}

fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let rest = &text[text.find(marker)? + marker.len()..];
    Some(rest[..rest.find('\'')?].to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    const KEY: &str = "https://cmek-sandbox.vault.azure.net/keys/anthropic-cmek";
    const ORG: &str = "4f9b2c1e-7a3d-4e8f-9b0a-1c2d3e4f5a6b";
    const NOW: i64 = 1_800_000_000;

    fn key() -> AzureKeyFacts {
        AzureKeyFacts {
            name: "anthropic-cmek".into(),
            version: Some("v1".into()),
            kid: Some(format!("{KEY}/v1")),
            kty: Some("RSA".into()),
            key_size: Some(3072),
            key_ops: vec!["wrapKey".into(), "unwrapKey".into()],
            enabled: Some(true),
            not_before: None,
            expires: None,
            tags: BTreeMap::from([(format!("anthropic-org-{ORG}"), "true".into())]),
        }
    }

    fn check(k: AzureKeyFacts) -> Result<(), String> {
        check_key(&k, KEY, ORG, NOW)
    }

    #[test]
    fn the_key_checks_name_each_problem() {
        assert_eq!(check(key()), Ok(()));
        assert_eq!(check(AzureKeyFacts { kty: Some("RSA-HSM".into()), key_size: Some(4096), ..key() }), Ok(()));
        let e = check(AzureKeyFacts { key_size: Some(2048), ..key() }).unwrap_err();
        assert!(e.contains("is RSA 2048-bit; Anthropic needs"), "{e}");
        let e = check(AzureKeyFacts { kty: Some("EC".into()), key_size: None, ..key() }).unwrap_err();
        assert!(e.contains("is EC unknown-size"), "{e}");
        let e = check(AzureKeyFacts { key_ops: vec!["encrypt".into(), "decrypt".into()], ..key() }).unwrap_err();
        assert!(e.starts_with("KeyOperationsMissing:"), "{e}");
        assert!(check(AzureKeyFacts { enabled: Some(false), ..key() }).unwrap_err().starts_with("KeyDisabled:"));
        let e = check(AzureKeyFacts { not_before: Some(NOW + 60), ..key() }).unwrap_err();
        assert!(e.contains("not yet valid"), "{e}");
        assert!(check(AzureKeyFacts { not_before: Some(NOW - 60), ..key() }).is_ok());
        let e = check(AzureKeyFacts { expires: Some(NOW), ..key() }).unwrap_err();
        assert!(e.contains("expired"), "{e}");
        let e = check(AzureKeyFacts { tags: BTreeMap::new(), ..key() }).unwrap_err();
        assert!(e.contains(&format!("anthropic-org-{ORG}=true")), "{e}");
        let tags = BTreeMap::from([(format!("anthropic-org-{ORG}"), "false".to_string())]);
        assert!(check(AzureKeyFacts { tags, ..key() }).unwrap_err().contains("=false"));
    }

    #[test]
    fn key_vault_refusals_become_sentences() {
        let calls = Calls { key_id: KEY, tenant: "t1" };
        let refusal = |code: &str, message: &str| KeyVaultFailure {
            kind: KeyVaultFailureKind::Other,
            operation: "keyvault:keys/wrapKey",
            code: Some(code.to_string()),
            message: message.to_string(),
        };
        let rbac =
            refusal("ForbiddenByRbac", "Caller is not authorized.\r\nAction: 'Microsoft.KeyVault/vaults/keys/read'");
        assert!(calls.refused(&rbac).contains("may not perform Microsoft.KeyVault/vaults/keys/read on"));
        assert!(calls.refused(&refusal("ForbiddenByRbac", "no action")).contains("keys/wrap/action"));
        let fw =
            refusal("ForbiddenByFirewall", "Client address is not authorized.\r\nClient address: 160.79.104.10\r\n");
        assert!(calls.refused(&fw).contains("Client address: 160.79.104.10 is not"));
        let policy = refusal("ForbiddenByPolicy", "The user ... does not have keys get permission on key vault 'v'");
        assert!(calls.refused(&policy).contains("the keys get permission"));
        let issuer = refusal(
            "Unauthorized",
            "AKV10032: Invalid issuer. Expected one of https://sts.windows.net/a/, found https://sts.windows.net/b/.",
        );
        assert!(calls.refused(&issuer).starts_with("AKV10032: Invalid issuer."));
        assert!(
            calls
                .sign_in_failed(SignInError::Refused { code: Some(700016), description: "x".into() })
                .starts_with("AADSTS700016:")
        );
    }
}
