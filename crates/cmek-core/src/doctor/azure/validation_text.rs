//! Azure validation texts (the platform's sentences start with Azure's own codes and name the key's
//! URL) to AZ ids, with `az` fixes naming the vault and key found in the text.

use crate::doctor::validation_text::cause;
use crate::plan::{Check, Severity};

/// `(vault, key)` from the first `https://<vault>.vault.azure.net/keys/<key>` in the text.
fn key_ref(text: &str) -> Option<(&str, &str)> {
    let start = text.find("https://")?;
    let rest = &text[start + "https://".len()..];
    let (host, path) = rest.split_once('/')?;
    let vault = host.split('.').next()?;
    let key = path.strip_prefix("keys/")?;
    let end = key.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-')).unwrap_or(key.len());
    Some((vault, &key[..end])).filter(|(v, k)| !v.is_empty() && !k.is_empty())
}

pub fn causes(error: &str) -> Vec<Check> {
    let e = error.to_ascii_lowercase();
    let (vault, key) = key_ref(error).unwrap_or(("<vault>", "<key>"));
    let app = crate::identities::published().azure.app_client_id.as_str();
    let range = "160.79.104.0/21";
    let mut out = Vec::new();
    if e.starts_with("aadsts700016") {
        out.push(cause(
            "AZ-06",
            Severity::High,
            "Anthropic's app has no service principal (consent) in the registered tenant",
            format!(
                "an Application Administrator (or Cloud Application Administrator) runs `az ad sp create --id {app}` \
                 in the vault's tenant, or re-run cmek setup signed in as one"
            ),
        ));
    }
    if e.contains("akv10032") || e.starts_with("aadsts90002") {
        out.push(cause(
            "AZ-13",
            Severity::High,
            "the registered tenant_id is not the vault's tenant",
            format!(
                "read the vault's tenant with `az keyvault show --name {vault} --query properties.tenantId` and \
                 register it as provider_config.tenant_id (re-run cmek setup; an attached configuration cannot change)"
            ),
        ));
    }
    if e.contains("forbiddenbyrbac") {
        out.push(cause(
            "AZ-08",
            Severity::Medium,
            "Azure RBAC refused Anthropic: a new role assignment may not have propagated yet",
            "wait a few minutes and validate again (cmek setup waits with back-off after assigning the role)"
                .to_string(),
        ));
        out.push(cause(
            "AZ-07",
            Severity::High,
            "Anthropic's service principal has no Key Vault Crypto User role on the key (missing or wrong scope)",
            format!(
                "`az role assignment create --role \"Key Vault Crypto User\" --assignee {app} --scope $(az keyvault \
                 show --name {vault} --query id -o tsv)/keys/{key}`"
            ),
        ));
    }
    if e.contains("forbiddenbypolicy") {
        out.push(cause(
            "AZ-01",
            Severity::High,
            "the vault uses access policies, which give Anthropic nothing",
            format!(
                "give existing users Azure roles first, then `az keyvault update --name {vault} \
                 --enable-rbac-authorization true` and re-run cmek setup"
            ),
        ));
    }
    if e.contains("forbiddenbyfirewall") {
        out.push(cause(
            "AZ-04",
            Severity::High,
            "the vault firewall does not admit Anthropic's egress",
            format!("`az keyvault network-rule add --name {vault} --ip-address {range}`"),
        ));
    }
    if e.contains("forbiddenbyconnection") || e.contains("public network access is disabled") {
        out.push(cause(
            "AZ-03",
            Severity::High,
            "the vault's public network access is disabled",
            format!(
                "`az keyvault update --name {vault} --public-network-access Enabled --default-action Deny` and \
                 `az keyvault network-rule add --name {vault} --ip-address {range}`"
            ),
        ));
    }
    if e.starts_with("keynotsupported") || e.starts_with("keyoperationsmissing") {
        out.push(cause(
            "AZ-09",
            Severity::High,
            "the key is not an RSA key of at least 3072 bits with wrapKey and unwrapKey",
            format!(
                "create a new version: `az keyvault key create --vault-name {vault} --name {key} --kty RSA --size \
                 3072 --ops wrapKey unwrapKey`, then re-apply its tags"
            ),
        ));
    }
    let attributes = |flag: &str| format!("`az keyvault key set-attributes --vault-name {vault} --name {key} {flag}`");
    let state = if e.starts_with("keydisabled") {
        Some(("the key is disabled", attributes("--enabled true")))
    } else if e.starts_with("keyexpired") {
        Some(("the key has expired", attributes("--expires <a later date>") + " or create a new version"))
    } else if e.starts_with("keynotyetvalid") {
        Some(("the key is not valid yet (nbf)", attributes("--not-before <now>")))
    } else {
        None
    };
    if let Some((title, fix)) = state {
        out.push(cause("AZ-11", Severity::Critical, title, fix));
    }
    if e.starts_with("orgtagmissing") {
        out.push(cause(
            "AZ-10",
            Severity::High,
            "the key lacks the anthropic-org-<org uuid>=true tag",
            format!(
                "re-run cmek setup (it merges the tag into the existing ones); by hand, `az keyvault key \
                 set-attributes --vault-name {vault} --name {key} --tags <every existing tag> \
                 anthropic-org-<org uuid>=true` (tags are replaced as a whole)"
            ),
        ));
    }
    if e.starts_with("keynotfound") {
        out.push(cause(
            "AZ-12",
            Severity::Critical,
            "the key is not in the vault: deleted (soft-delete bin) or misnamed",
            format!(
                "`az keyvault key list-deleted --vault-name {vault}`; recover it with `az keyvault key recover \
                 --vault-name {vault} --name {key}`, or register the right key_name"
            ),
        ));
    }
    if e.starts_with("timeout") || e.contains("timed out") {
        out.push(cause(
            "ANT-07",
            Severity::High,
            "validation timed out",
            format!(
                "check what can block Anthropic's calls to {vault}: public access (AZ-03) and the firewall (AZ-04)"
            ),
        ));
    }
    out
}

/// Whether a validation failure is Azure RBAC refusing Anthropic (`ForbiddenByRbac`): right after
/// a role assignment this is propagation (AZ-08) and worth waiting out; later it is AZ-07.
pub fn is_rbac_refusal(error: &str) -> bool {
    error.contains("ForbiddenByRbac")
}
