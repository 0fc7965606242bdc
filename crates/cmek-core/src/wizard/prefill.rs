//! Answers given as flags or in an answers file (`--answers FILE`, TOML) that pre-fill the wizard.
//!
//! Values stay raw text here: each screen parses its own with the `model` parsers, so a bad value
//! shows up as an inline error in its field rather than as a failure to start. Each cloud's Key
//! screen reads its own keys (named as in the answers file) and its parsed options.

use std::collections::BTreeMap;

use crate::plan::CloudAnswers;

/// Pre-selected answers; every one is optional and every screen still asks for confirmation.
#[derive(Debug, Default, Clone, PartialEq, serde::Deserialize)]
pub struct Prefill {
    /// `aws`, `gcp` or `azure`.
    pub provider: Option<String>,
    /// A workspace id (`wrkspc_...`) or exact name.
    pub workspace: Option<String>,
    /// More workspaces for the same key (a repeated `--workspace`): with `workspace`, they are
    /// marked on the Workspace screen.
    #[serde(default)]
    pub also_workspaces: Vec<String>,
    pub display_name: Option<String>,
    /// Every other answer, by its answers-file key (`key`, `region`, `azure_vault`, ...).
    #[serde(flatten)]
    pub values: BTreeMap<String, serde_json::Value>,
    /// Options without a screen of their own, already parsed by the front end with the flags' own
    /// rules (one value per cloud that has them).
    #[serde(skip)]
    pub options: Vec<Box<dyn CloudAnswers>>,
    /// How the front end was started (`cmek --sandbox=...`), for the commands the wizard suggests.
    #[serde(skip)]
    pub invocation: super::command::Invocation,
}

impl Prefill {
    /// The answer under `key`, as text.
    pub fn value(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(serde_json::Value::as_str)
    }

    /// Sets the answer under `key` when there is one.
    pub fn set(&mut self, key: &str, value: Option<&str>) {
        if let Some(v) = value {
            self.values.insert(key.to_string(), serde_json::Value::String(v.to_string()));
        }
    }

    /// A cloud's parsed options, as its own type.
    pub fn options<T: 'static>(&self) -> Option<&T> {
        self.options.iter().find_map(|o| o.downcast_ref::<T>())
    }
}
