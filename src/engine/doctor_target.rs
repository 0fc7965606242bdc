//! Which registered configuration, workspace and cloud key the `doctor` selectors name, and the
//! usage errors that list the choices when they name nothing (or several).

use cmek_core::clouds;
use cmek_core::doctor::CloudKeyRef;
use cmek_core::plan::{RegisteredKey, WorkspaceFacts};

use super::facts::workspace_facts;
use crate::error::{Error, Result};
use crate::platform::types::Workspace;

/// How cloud coordinates are given, for every cloud this build knows (for messages).
pub(crate) fn coordinates() -> String {
    clouds::all().iter().map(|c| c.doctor_coordinates()).collect::<Vec<_>>().join(", or ")
}

pub(super) fn only_key(all: &[RegisteredKey]) -> Result<String> {
    match all {
        [one] => Ok(one.id.clone()),
        [] => Err(Error::usage(format!(
            "no external key is registered in this organisation: name a cloud key to diagnose with {}",
            coordinates()
        ))),
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
                .config
                .kind()
                .and_then(clouds::get)
                .and_then(|c| c.describe_config(&r.config))
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
pub(super) fn cloud_key_of(r: &RegisteredKey) -> std::result::Result<Box<dyn CloudKeyRef>, String> {
    match r.config.kind().and_then(clouds::get) {
        Some(cloud) => cloud.doctor_key(r),
        None => {
            let known: Vec<&str> = clouds::all().iter().map(|c| c.kind().display_name()).collect();
            Err(format!(
                "external key {} is for a provider this version of cmek cannot inspect (it inspects {} keys)",
                r.id,
                known.join(" and ")
            ))
        }
    }
}
