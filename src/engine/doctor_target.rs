//! Which registered configuration, workspace and cloud key the `doctor` selectors name, and the
//! usage errors that list the choices when they name nothing (or several).

use crate::error::{Error, Result};
use crate::platform::types::Workspace;
use cmek_core::identities;
use cmek_core::model::{AwsKeyRef, AwsRegion, AzureKeyName, AzureVaultRef, VaultUri};
use cmek_core::plan::{RegisteredKey, WorkspaceFacts};

use super::doctor::CloudKey;
use super::facts::workspace_facts;

pub(super) fn only_key(all: &[RegisteredKey]) -> Result<String> {
    match all {
        [one] => Ok(one.id.clone()),
        [] => Err(Error::usage(
            "no external key is registered in this organisation: name a cloud key to diagnose with --provider aws \
             --key ARN, or --provider azure --azure-vault NAME --azure-key NAME",
        )),
        many => Err(Error::usage(format!(
            "{} external keys are registered; choose one with --external-key: {}",
            many.len(),
            listing(many)
        ))),
    }
}

pub(super) fn listing(all: &[RegisteredKey]) -> String {
    if all.is_empty() {
        return "none".into();
    }
    all.iter()
        .map(|r| {
            let what = r
                .kms_arn
                .clone()
                .or_else(|| {
                    r.azure.as_ref().map(|a| format!("{}/keys/{}", a.vault_uri.trim_end_matches('/'), a.key_name))
                })
                .unwrap_or_else(|| "another provider".into());
            format!("{} ({what}, {})", r.id, if r.attached { "attached" } else { "unattached" })
        })
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn attached_workspace(all: &[Workspace], id: &str) -> Result<Option<WorkspaceFacts>> {
    let using: Vec<&Workspace> =
        all.iter().filter(|w| w.external_key_id.as_deref() == Some(id) && w.archived_at.is_none()).collect();
    match using.as_slice() {
        [one] => Ok(Some(workspace_facts((*one).clone())?)),
        _ => Ok(None),
    }
}

/// The cloud key a registered configuration names; `Err` says why it cannot be inspected (the
/// platform side is still diagnosed).
pub(super) fn cloud_key_of(r: &RegisteredKey) -> std::result::Result<CloudKey, String> {
    if let Some(arn) = &r.kms_arn {
        let key: AwsKeyRef = arn
            .parse()
            .map_err(|e| format!("external key {} registers kms_arn `{arn}`, which is not usable: {e}", r.id))?;
        let region = key.region().cloned().unwrap_or_else(|| {
            identities::published().aws.default_region().parse().unwrap_or_else(|_| AwsRegion::recommended())
        });
        return Ok(CloudKey::Aws { key, region });
    }
    if let Some(a) = &r.azure {
        let vault = VaultUri::parse(&a.vault_uri).ok().map(AzureVaultRef::Uri);
        let key = AzureKeyName::parse(&a.key_name).map_err(|e| {
            format!("external key {} registers key_name `{}`, which is not usable: {e}", r.id, a.key_name)
        })?;
        return Ok(CloudKey::Azure { vault, key });
    }
    Err(format!(
        "external key {} is for a provider this version of cmek cannot inspect (it inspects AWS KMS and Azure Key \
         Vault keys)",
        r.id
    ))
}
