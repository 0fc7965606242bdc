//! ANT-06: the platform's validation `error` is one line of free text. This maps it to the
//! catalogue findings it points at, most specific first, each with the fix. Azure texts (they
//! name a `*.vault.azure.net` key, or start with Entra's `AADSTS` / Key Vault's `AKV` codes) map
//! to AZ ids, in `azure`.

use crate::plan::{Check, Severity};

/// The findings a validation error text points at; empty when nothing is recognised.
pub fn causes(error: &str) -> Vec<Check> {
    if azure::is_azure(error) {
        return azure::causes(error);
    }
    let e = error.to_ascii_lowercase();
    let explicit_deny = e.contains("explicit deny") || e.contains("explicitly denies");
    let arn = key_arn(error).unwrap_or("<key arn>");
    let mut out = Vec::new();
    // The error text itself is shown beside the causes, so a cause carries no `observed` copy of it.
    let mut add = |id: &'static str, severity: Severity, title: &str, fix: String| {
        let mut cause = Check::fail(id, severity, title, String::new()).with_fix(fix);
        cause.observed = None;
        out.push(cause);
    };

    if e.contains("resource control policy") {
        add(
            "AWS-12",
            Severity::High,
            "a Resource Control Policy denies Anthropic's role",
            "add a carve-out to the RCP for the key or for arn:aws:iam::915198916910:role/anthropic-cmek-client-us \
             (e.g. ArnNotLikeIfExists aws:PrincipalArn), in AWS Organizations"
                .to_string(),
        );
    } else if explicit_deny {
        add(
            "AWS-13",
            Severity::High,
            "a Deny statement in the key policy matches Anthropic's requests",
            format!(
                "find the Deny (often an aws:SourceIp or aws:SourceVpc condition) in `aws kms get-key-policy --key-id {arn} \
                 --policy-name default` and exempt Anthropic's role or its egress 160.79.104.0/21"
            ),
        );
    }
    if e.starts_with("over-permissive") {
        add(
            "AWS-08",
            Severity::High,
            "the key policy lets requests for another organisation or workspace through",
            "remove the over-broad grant and keep only cmek's role-scoped statements: re-run cmek setup".to_string(),
        );
    }
    if e.starts_with("accessdenied") && !explicit_deny {
        if e.contains("kms:describekey") {
            add(
                "AWS-06",
                Severity::High,
                "kms:DescribeKey is not granted to Anthropic without an encryption-context condition",
                "grant kms:DescribeKey in its own unconditioned statement (cmek's AllowAnthropicCMEKDescribe): re-run cmek setup"
                    .to_string(),
            );
        } else if e.contains("compartment_uuid") {
            add(
                "ANT-05",
                Severity::High,
                "the workspace's compartment id is not in the key policy's compartment list",
                "add the workspace to the policy before attaching: re-run cmek setup --workspace <that workspace>"
                    .to_string(),
            );
        } else {
            add(
                "AWS-07",
                Severity::High,
                "the key policy does not grant Anthropic's role Encrypt/Decrypt for your organisation",
                "grant it with the org condition (cmek's AllowAnthropicCMEKCrypto): re-run cmek setup; check for a \
                 placeholder or an org_ value in the condition (ANT-03, ANT-04)"
                    .to_string(),
            );
        }
    }
    if e.starts_with("disabledexception") {
        add("AWS-01", Severity::Critical, "the key is disabled", format!("aws kms enable-key --key-id {arn}"));
    }
    if e.contains("pending deletion") {
        add(
            "AWS-02",
            Severity::Critical,
            "the key is scheduled for deletion",
            format!("aws kms cancel-key-deletion --key-id {arn} && aws kms enable-key --key-id {arn}"),
        );
    }
    if e.starts_with("notfoundexception") {
        add(
            "ANT-13",
            Severity::High,
            "the registered key cannot be found (wrong ARN, region or account, or deleted)",
            "check the registered kms_arn against `aws kms describe-key`; re-register while unattached".to_string(),
        );
    }
    if e.starts_with("unsupportedkey") {
        let (id, title) = if e.contains("multi-region") {
            ("AWS-04", "a multi-Region key is registered")
        } else if e.contains("region") {
            ("ANT-12", "the key is outside the supported US regions")
        } else {
            ("AWS-03", "the key is not a symmetric ENCRYPT_DECRYPT key")
        };
        add(id, Severity::High, title, "create a correct key: cmek setup without --key creates one".to_string());
    }
    if e.starts_with("timeout") || e.contains("timed out") {
        add(
            "ANT-07",
            Severity::High,
            "validation timed out",
            "check what can block Anthropic's calls: IP conditions (AWS-13), the key's region and state".to_string(),
        );
    }
    out
}

/// Whether a validation failure is Azure RBAC refusing Anthropic (`ForbiddenByRbac`): right after
/// a role assignment this is propagation (AZ-08) and worth waiting out; later it is AZ-07.
pub fn is_rbac_refusal(error: &str) -> bool {
    error.contains("ForbiddenByRbac")
}

/// A finding with its fix, without an `observed` copy of the error text (shown beside it).
fn cause(id: &'static str, severity: Severity, title: &str, fix: String) -> Check {
    let mut cause = Check::fail(id, severity, title, String::new()).with_fix(fix);
    cause.observed = None;
    cause
}

/// The first KMS key ARN in the text, for the fix commands.
fn key_arn(text: &str) -> Option<&str> {
    let start = text.find("arn:aws:kms:")?;
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace() || c == ',' || c == ')').unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches('.'))
}

mod azure {
    //! Azure validation texts (the sandbox's sentences, which start with Azure's own codes) to
    //! AZ ids, with `az` fixes naming the vault and key found in the text.

    use super::{Check, Severity, cause};

    pub fn is_azure(error: &str) -> bool {
        let e = error.to_ascii_lowercase();
        e.contains(".vault.azure.net")
            || e.contains(".managedhsm.azure.net")
            || e.starts_with("aadsts")
            || e.starts_with("akv")
    }

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
        let attributes =
            |flag: &str| format!("`az keyvault key set-attributes --vault-name {vault} --name {key} {flag}`");
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
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARN: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";

    fn ids(text: &str) -> Vec<&'static str> {
        causes(text).iter().map(|c| c.id).collect()
    }

    #[test]
    fn the_sandbox_sentences_map_to_their_catalogue_ids() {
        let rcp = format!(
            "AccessDenied: kms:DescribeKey on {ARN}. AWS refused the call: User: arn:aws:sts::915198916910:assumed-role/\
             anthropic-cmek-client-us/cmek-validation is not authorized to perform: kms:DescribeKey on resource: {ARN} \
             because with an explicit deny in a resource control policy"
        );
        assert_eq!(ids(&rcp), ["AWS-12"]);
        let deny = format!(
            "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x. The key policy explicitly denies it (statement DenyOutside)."
        );
        assert_eq!(ids(&deny), ["AWS-13"]);
        assert_eq!(
            ids(&format!(
                "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x. No statement allows it."
            )),
            ["AWS-07"]
        );
        assert_eq!(
            ids(&format!(
                "AccessDenied: kms:Encrypt on {ARN} with encryption context anthropic:org_uuid=x, anthropic:compartment_uuid=y."
            )),
            ["ANT-05"]
        );
        assert_eq!(ids(&format!("AccessDenied: kms:DescribeKey on {ARN}. No statement allows it.")), ["AWS-06"]);
        assert_eq!(ids(&format!("Over-permissive key policy: kms:Encrypt on {ARN} was allowed with ...")), ["AWS-08"]);
        assert_eq!(ids(&format!("DisabledException: {ARN} is disabled.")), ["AWS-01"]);
        assert_eq!(ids(&format!("KMSInvalidStateException: {ARN} is pending deletion.")), ["AWS-02"]);
        assert_eq!(ids(&format!("UnsupportedKey: {ARN} is a multi-Region key.")), ["AWS-04"]);
        assert_eq!(ids("Timeout: the round trip did not finish within 30 s"), ["ANT-07"]);
        assert!(ids("something new the platform says").is_empty());
    }

    #[test]
    fn fixes_name_the_key_from_the_text() {
        let c = &causes(&format!("DisabledException: {ARN} is disabled."))[0];
        assert_eq!(c.fix.as_deref(), Some(format!("aws kms enable-key --key-id {ARN}").as_str()));
    }
}
