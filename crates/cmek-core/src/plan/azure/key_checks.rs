//! Checks on the key: an existing key's type, size and operations (AZ-09) and validity dates
//! (AZ-11); for a key to create, the soft-delete bin (AZ-12) and what the vault can hold.

use chrono::DateTime;

use crate::model::azure::{AzureKeyFacts, AzureKeyName, AzureVaultFacts};

use crate::plan::{Check, Severity};

/// The smallest RSA modulus Anthropic accepts.
const MIN_KEY_BITS: u32 = 3072;
/// An expiry closer than this is about to cut the workspaces off (AZ-11).
const EXPIRY_WARNING_SECS: i64 = 30 * 24 * 60 * 60;
const NEEDED_OPS: [&str; 2] = ["wrapKey", "unwrapKey"];

pub(crate) fn existing_key_checks(key: &AzureKeyFacts, vault: &str, now: i64) -> Vec<Check> {
    let name = &key.name;
    let new_key = format!(
        "use a new key: --azure-key <new name> (cmek creates it), or az keyvault key create --vault-name {vault} \
         --name <new name> --kty RSA --size {MIN_KEY_BITS} --ops wrapKey unwrapKey"
    );
    let mut out = Vec::new();

    let kty = key.kty.as_deref().unwrap_or("unknown type");
    let is_rsa = matches!(kty, "RSA" | "RSA-HSM");
    let bits_ok = key.key_size.is_some_and(|b| b >= MIN_KEY_BITS);
    let type_title = format!("key {name} is RSA or RSA-HSM of at least {MIN_KEY_BITS} bits");
    out.push(if is_rsa && bits_ok {
        Check::pass("AZ-09", Severity::High, type_title)
    } else {
        let size = key.key_size.map(|b| format!("{b}-bit")).unwrap_or_else(|| "of unknown size".into());
        Check::fail("AZ-09", Severity::High, type_title, format!("key {name} is {kty} {size}"))
            .with_fix(new_key.clone())
    });

    let has = |op: &str| key.key_ops.iter().any(|o| o.eq_ignore_ascii_case(op));
    let ops_title = format!("key {name}'s key_ops include wrapKey and unwrapKey");
    let shown_ops = format!("[{}]", key.key_ops.join(", "));
    if NEEDED_OPS.iter().all(|op| has(op)) {
        out.push(Check::pass("AZ-09", Severity::High, ops_title));
        let extra: Vec<&str> = key
            .key_ops
            .iter()
            .filter(|o| !NEEDED_OPS.iter().any(|n| n.eq_ignore_ascii_case(o)))
            .map(String::as_str)
            .collect();
        if !extra.is_empty() {
            out.push(
                Check::warn(
                    "AZ-09",
                    Severity::Low,
                    format!("key {name} allows only wrapKey and unwrapKey (least privilege)"),
                    format!("key_ops {shown_ops} also allow {}", extra.join(", ")),
                )
                .with_fix(format!(
                    "az keyvault key set-attributes --vault-name {vault} --name {name} --ops wrapKey unwrapKey"
                )),
            );
        }
    } else {
        out.push(
            Check::fail(
                "AZ-09",
                Severity::High,
                ops_title,
                format!("key {name}'s key_ops {shown_ops} lack wrapKey/unwrapKey"),
            )
            .with_fix(format!(
                "az keyvault key set-attributes --vault-name {vault} --name {name} --ops wrapKey unwrapKey (when \
                 nothing else uses its other operations), or {new_key}"
            )),
        );
    }

    out.extend(validity_checks(key, vault, now));
    out
}

fn validity_checks(key: &AzureKeyFacts, vault: &str, now: i64) -> Vec<Check> {
    let name = &key.name;
    let title = format!("key {name} is enabled and within its validity dates");
    let set = format!("az keyvault key set-attributes --vault-name {vault} --name {name}");
    let mut problems: Vec<String> = Vec::new();
    let mut fixes: Vec<String> = Vec::new();
    if key.enabled == Some(false) {
        problems.push(format!("key {name} is disabled"));
        fixes.push(format!("{set} --enabled true"));
    }
    if let Some(nbf) = key.not_before.filter(|nbf| *nbf > now) {
        problems.push(format!("key {name} is not yet valid (not before {})", when(nbf)));
        fixes.push(format!("wait until {}, or {set} --not-before {}", when(nbf), when(now)));
    }
    if let Some(exp) = key.expires.filter(|exp| *exp <= now) {
        problems.push(format!("key {name} expired on {}", when(exp)));
        fixes.push(format!("{set} --expires <a later date, e.g. {}>", when(now.saturating_add(365 * 24 * 60 * 60))));
    }
    if !problems.is_empty() {
        return vec![Check::fail("AZ-11", Severity::Critical, title, problems.join("; ")).with_fix(fixes.join("; "))];
    }
    let Some(exp) = key.expires else {
        return vec![Check::pass("AZ-11", Severity::Critical, title)];
    };
    let left = exp.saturating_sub(now);
    let days = match left / (24 * 60 * 60) {
        0 => "within a day".to_string(),
        1 => "in 1 day".to_string(),
        n => format!("in {n} days"),
    };
    let fix = format!("{set} --expires <a later date>, and keep extending it (or create a new key without an expiry)");
    let (severity, observed) = if left <= EXPIRY_WARNING_SECS {
        (
            Severity::Critical,
            format!("key {name} expires on {} ({days}): then every workspace using it stops", when(exp)),
        )
    } else {
        (
            Severity::Low,
            format!("key {name} expires on {} ({days}): a latent outage for every workspace using it", when(exp)),
        )
    };
    vec![
        Check::pass("AZ-11", Severity::Critical, title),
        Check::warn("AZ-11", severity, "key has no close expiry date", observed).with_fix(fix),
    ]
}

/// Checks for a key this run creates.
pub(crate) fn new_key_checks(
    vault: &AzureVaultFacts,
    name: &AzureKeyName,
    soft_deleted: Option<bool>,
    size: u32,
    hsm: bool,
) -> Vec<Check> {
    let v = &vault.name;
    let mut out = Vec::new();
    let bin_title = format!("no deleted key named {name} waits in vault {v}'s soft-delete bin");
    out.push(match soft_deleted {
        Some(true) => Check::fail(
            "AZ-12",
            Severity::Critical,
            bin_title,
            format!("a deleted key {name} is in vault {v}'s soft-delete bin: a key of that name cannot be created"),
        )
        .with_fix(format!("az keyvault key recover --vault-name {v} --name {name}, or choose another --azure-key")),
        Some(false) => Check::pass("AZ-12", Severity::Critical, bin_title),
        None => Check::warn(
            "AZ-12",
            Severity::Critical,
            bin_title,
            format!("the deleted keys of vault {v} could not be listed; if {name} is among them, creating it fails"),
        )
        .with_fix(format!("az keyvault key list-deleted --vault-name {v} --query \"[?name=='{name}']\"")),
    });
    if size < MIN_KEY_BITS {
        out.push(
            Check::fail(
                "AZ-09",
                Severity::High,
                format!("the key to create is at least {MIN_KEY_BITS} bits"),
                format!("a {size}-bit key was asked for"),
            )
            .with_fix("use --azure-key-size 3072 or 4096"),
        );
    }
    if hsm && !vault.sku.eq_ignore_ascii_case("premium") {
        out.push(
            Check::fail(
                "AZ-09",
                Severity::High,
                format!("vault {v} can hold the RSA-HSM key asked for"),
                format!("vault {v} is on the {} tier; RSA-HSM keys need a Premium vault", vault.sku),
            )
            .with_fix(format!("omit --azure-hsm (a software-protected RSA key), or use a Premium vault (az keyvault update --name {v} --sku premium)")),
        );
    }
    out
}

/// A Unix time as ISO 8601 UTC.
pub(crate) fn when(secs: i64) -> String {
    iso_8601(secs).unwrap_or_else(|| format!("Unix time {secs}"))
}

/// A Unix time as ISO 8601 UTC (`2026-01-31T00:00:00Z`), as Key Vault and the Terraform provider
/// write dates; `None` past the representable range.
pub(crate) fn iso_8601(secs: i64) -> Option<String> {
    DateTime::from_timestamp(secs, 0).map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
}
