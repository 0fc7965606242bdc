//! What `status` calls out below the table, each with the next step: live workspaces without a
//! key, failing keys in use, orphan configurations, keys a workspace names that the listing did
//! not return, validations that could not run, and keys used only by workspaces not listed.

use super::{Health, KeyStatus, StatusFacts, ValidationSource, WorkspaceStatus};
use crate::shell::quoted;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum CalloutKind {
    /// A key in use whose newest validation failed.
    Failing,
    /// A workspace names a key the key listing did not return.
    UnlistedKey,
    /// `--validate` could not validate a key (the call failed after retries).
    NotValidated,
    /// A live workspace with no customer-managed key.
    NotProtected,
    /// A registered key in no use that is not known to work.
    Orphan,
    /// A key attached only to workspaces this listing left out (archived ones without `--all`).
    UsedOutOfView,
}

impl CalloutKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CalloutKind::Failing => "failing",
            CalloutKind::UnlistedKey => "unlisted_key",
            CalloutKind::NotValidated => "not_validated",
            CalloutKind::NotProtected => "not_protected",
            CalloutKind::Orphan => "orphan",
            CalloutKind::UsedOutOfView => "used_out_of_view",
        }
    }

    /// The word in front of the text line.
    pub fn label(self) -> &'static str {
        match self {
            CalloutKind::Failing => "failing",
            CalloutKind::UnlistedKey => "unlisted key",
            CalloutKind::NotValidated => "not validated",
            CalloutKind::NotProtected => "not protected",
            CalloutKind::Orphan => "orphan",
            CalloutKind::UsedOutOfView => "out of view",
        }
    }
}

/// One thing called out: what, about which id, why, and the command that is the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Callout {
    pub kind: CalloutKind,
    /// The workspace or key id it is about.
    pub subject: String,
    pub message: String,
    pub next: Option<String>,
}

/// `"name" (id)` of a key, or its id alone.
pub fn key_name(key: &KeyStatus) -> String {
    match &key.display_name {
        Some(name) => format!("\"{name}\" ({})", key.id),
        None => key.id.clone(),
    }
}

/// The longest error text a call-out quotes (the JSON's validation carries it whole; doctor explains it).
const ERROR_CHARS: usize = 160;

/// `error` cut to `ERROR_CHARS` characters, without a closing full stop (the sentence goes on).
fn short(error: &str) -> String {
    let error = error.trim().trim_end_matches('.');
    match error.char_indices().nth(ERROR_CHARS) {
        Some((at, _)) => format!("{}…", &error[..at]),
        None => error.to_string(),
    }
}

/// The workspaces' names, for "used by ...".
fn names_of(ids: &[String], workspaces: &[WorkspaceStatus]) -> String {
    let names: Vec<String> = ids
        .iter()
        .map(|id| workspaces.iter().find(|w| &w.facts.id == id).map_or_else(|| id.clone(), |w| w.facts.name.clone()))
        .collect();
    names.join(", ")
}

/// The callouts, most serious first, each kind in table order.
pub fn pick(facts: &StatusFacts, workspaces: &[WorkspaceStatus], keys: &[KeyStatus]) -> Vec<Callout> {
    let cmek = &facts.invocation;
    let doctor = |id: &str| Some(format!("{cmek} doctor --external-key {}", quoted(id)));
    let mut out = Vec::new();
    for key in keys {
        let name = key_name(key);
        if key.in_use() && key.health == Health::Failing {
            let error = short(key.newest().and_then(|v| v.error.as_deref()).unwrap_or("no reason given"));
            let used = match key.used_by.is_empty() {
                true => "workspaces not listed here".to_string(),
                false => names_of(&key.used_by, workspaces),
            };
            out.push(Callout {
                kind: CalloutKind::Failing,
                subject: key.id.clone(),
                message: format!("key {name}, used by {used}, fails validation: {error}"),
                next: doctor(&key.id),
            });
        }
        if !key.listed {
            out.push(Callout {
                kind: CalloutKind::UnlistedKey,
                subject: key.id.clone(),
                message: format!(
                    "{} use key {}, which the external key listing did not return",
                    names_of(&key.used_by, workspaces),
                    key.id
                ),
                next: doctor(&key.id),
            });
        }
        if let Some(Err(why)) = &key.fresh {
            out.push(Callout {
                kind: CalloutKind::NotValidated,
                subject: key.id.clone(),
                message: format!("key {name} could not be validated: {}", short(why)),
                next: Some(format!("{cmek} status --validate")),
            });
        }
    }
    for w in workspaces.iter().filter(|w| w.health == Health::NotProtected && !w.facts.archived) {
        out.push(Callout {
            kind: CalloutKind::NotProtected,
            subject: w.facts.id.clone(),
            message: format!("workspace {} ({}) has no customer-managed key", w.facts.name, w.facts.id),
            next: Some(format!("{cmek} setup --workspace {}", quoted(&w.facts.id))),
        });
    }
    for key in keys.iter().filter(|k| k.health == Health::Orphan) {
        let why = match key.newest() {
            Some(v) => {
                let which = if v.source == ValidationSource::Now { "its validation" } else { "its last validation" };
                format!("{which} failed: {}", short(v.error.as_deref().unwrap_or("no reason given")))
            }
            None if facts.validate => "it could not be validated".to_string(),
            None => "it has no validation recorded on this machine (--validate asks the platform)".to_string(),
        };
        out.push(Callout {
            kind: CalloutKind::Orphan,
            subject: key.id.clone(),
            message: format!(
                "key {} is attached to no workspace and {why}; attach it once it validates, or delete it",
                key_name(key)
            ),
            next: doctor(&key.id),
        });
    }
    if !facts.include_archived {
        for key in keys.iter().filter(|k| k.attached == Some(true) && k.used_by.is_empty()) {
            out.push(Callout {
                kind: CalloutKind::UsedOutOfView,
                subject: key.id.clone(),
                message: format!(
                    "key {} is attached only to workspaces not listed here (archived ones)",
                    key_name(key)
                ),
                next: Some(format!("{cmek} status --all")),
            });
        }
    }
    out.sort_by_key(|c| c.kind);
    out
}
