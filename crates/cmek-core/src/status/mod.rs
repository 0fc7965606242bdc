//! `cmek status`: every workspace and every registered external key in one view, decided here
//! and shown by the front end. Pure: the engine lists, validates and reads the journals; this
//! module joins what it found into rows, gives each a health, picks what to call out, says the
//! exit code, and renders the text table (to a width) and the `cmek.status/v1` document.
//!
//! The rules, as the help text states them:
//! - A key's **newest validation** is the fresh one (`--validate`) when it ran, else the newest
//!   recorded on this machine (a `setup` validation or attach, or an earlier `status --validate`).
//! - A key is **in use** when the platform reports it attached (some workspace, live or
//!   archived, uses it) or a listed workspace names it.
//! - **Health** of a key in use: `ok` when its newest validation passed, `failing` when it
//!   failed, `unchecked` when there is none. A workspace without a key is `not protected`.
//! - An **orphan configuration** is a registered key that is not in use and is not known to
//!   work: its newest validation failed, or there is none. It protects nothing; validate it and
//!   attach it, or delete it. A key not in use whose newest validation passed is `ok` (ready to
//!   attach).
//! - Called out: live workspaces that are not protected, failing keys in use, orphan
//!   configurations, workspaces naming a key the listing does not return, validations that
//!   could not run, and keys used only by workspaces not listed.
//! - Exit code: 1 when a key in use is failing; else 4 when a validation could not run; else 0.

mod callouts;
mod json;
mod layout;
mod rows;
mod text;
mod when;

#[cfg(test)]
mod tests;

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use crate::model::{KeyCoordinates, ProviderConfig};

pub use callouts::{Callout, CalloutKind};
pub use json::render_json;
pub use text::{Emphasis, render_text};

/// The JSON document's schema name.
pub const SCHEMA: &str = "cmek.status/v1";
/// The narrowest table `render_text` lays out (wider terminals get wider tables).
pub const MIN_WIDTH: usize = 80;

/// The organisation the listings came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgFacts {
    pub id: String,
    pub name: String,
}

/// A workspace as the listing returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceFacts {
    pub id: String,
    pub name: String,
    pub archived: bool,
    pub external_key_id: Option<String>,
}

/// A registered external key as the listing returned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyFacts {
    pub id: String,
    pub display_name: Option<String>,
    /// The platform's `attachment`: some workspace, live or archived, uses it.
    pub attached: bool,
    pub config: ProviderConfig,
}

/// Where a remembered validation was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValidationSource {
    /// `cmek setup`'s validate step.
    Setup,
    /// An attach (the platform validates the key for the workspace when attaching).
    Attach,
    /// An earlier `cmek status --validate`.
    Status,
    /// This run (`--validate`).
    Now,
}

impl ValidationSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ValidationSource::Setup => "setup",
            ValidationSource::Attach => "attach",
            ValidationSource::Status => "status",
            ValidationSource::Now => "now",
        }
    }
}

/// One validation of a key: when, whether it passed, the platform's error text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Validation {
    pub at: DateTime<Utc>,
    pub passed: bool,
    pub error: Option<String>,
    pub source: ValidationSource,
}

/// A fresh validation: its result, or why the call could not be made (after retries).
pub type Fresh = Result<Validation, String>;

/// How many pages each listing took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pages {
    pub workspaces: usize,
    pub external_keys: usize,
}

/// Everything `status` found.
#[derive(Debug, Clone)]
pub struct StatusFacts {
    pub organization: Option<OrgFacts>,
    /// In listing order.
    pub workspaces: Vec<WorkspaceFacts>,
    /// In listing order (the API lists the newest first).
    pub keys: Vec<KeyFacts>,
    /// The newest validation recorded on this machine, by key id.
    pub history: BTreeMap<String, Validation>,
    /// This run's validations (`--validate`), by key id.
    pub fresh: BTreeMap<String, Fresh>,
    pub include_archived: bool,
    pub validate: bool,
    pub pages: Pages,
    pub now: DateTime<Utc>,
    /// How to run `cmek` again in suggested commands (`cmek`, or with `--sandbox=...`).
    pub invocation: String,
}

/// The health of a workspace or a key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Ok,
    Failing,
    Unchecked,
    NotProtected,
    Orphan,
}

impl Health {
    /// The JSON word.
    pub fn as_str(self) -> &'static str {
        match self {
            Health::Ok => "ok",
            Health::Failing => "failing",
            Health::Unchecked => "unchecked",
            Health::NotProtected => "not_protected",
            Health::Orphan => "orphan",
        }
    }

    /// The table's word.
    pub fn label(self) -> &'static str {
        match self {
            Health::NotProtected => "not protected",
            other => other.as_str(),
        }
    }
}

/// A workspace with its health.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceStatus {
    pub facts: WorkspaceFacts,
    pub health: Health,
}

/// A key (registered, or only named by a workspace) with everything known about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyStatus {
    pub id: String,
    pub display_name: Option<String>,
    /// Whether the key listing returned it (a workspace may name one it does not).
    pub listed: bool,
    /// The provider's `type`, as registered (`None` when not listed).
    pub provider: Option<String>,
    /// From the key's own cloud (`clouds::coordinates`).
    pub coordinates: Option<KeyCoordinates>,
    /// The platform's attachment (`None` when not listed).
    pub attached: Option<bool>,
    /// The listed workspaces that use it, by id.
    pub used_by: Vec<String>,
    pub last: Option<Validation>,
    pub fresh: Option<Fresh>,
    pub health: Health,
}

impl KeyStatus {
    /// Attached by the platform's account, or named by a listed workspace.
    pub fn in_use(&self) -> bool {
        self.attached == Some(true) || !self.used_by.is_empty()
    }

    /// The fresh validation when it ran, else the newest recorded.
    pub fn newest(&self) -> Option<&Validation> {
        match &self.fresh {
            Some(Ok(v)) => Some(v),
            _ => self.last.as_ref(),
        }
    }
}

/// One line of the table: a workspace (with its key, if any), or a key no listed workspace uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Row {
    /// Indexes into `workspaces`, and `keys` when it has one.
    Workspace {
        workspace: usize,
        key: Option<usize>,
    },
    Key {
        key: usize,
    },
}

/// What `status` shows.
#[derive(Debug, Clone)]
pub struct StatusReport {
    pub organization: Option<OrgFacts>,
    pub include_archived: bool,
    pub validated: bool,
    pub pages: Pages,
    pub workspaces: Vec<WorkspaceStatus>,
    pub keys: Vec<KeyStatus>,
    pub rows: Vec<Row>,
    pub callouts: Vec<Callout>,
    pub now: DateTime<Utc>,
}

impl StatusReport {
    /// 1 when a key in use is failing; else 4 when a validation could not run; else 0.
    pub fn exit_code(&self) -> i32 {
        if self.keys.iter().any(|k| k.in_use() && k.health == Health::Failing) {
            1
        } else if self.keys.iter().any(|k| matches!(k.fresh, Some(Err(_)))) {
            4
        } else {
            0
        }
    }
}

/// Joins the listings, the validations and the rules into the report.
pub fn build(facts: StatusFacts) -> StatusReport {
    let (workspaces, keys, rows) = rows::join(&facts);
    let callouts = callouts::pick(&facts, &workspaces, &keys);
    StatusReport {
        organization: facts.organization,
        include_archived: facts.include_archived,
        validated: facts.validate,
        pages: facts.pages,
        workspaces,
        keys,
        rows,
        callouts,
        now: facts.now,
    }
}
