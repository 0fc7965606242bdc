//! `--answers FILE`: the same answers as the flags, in TOML, for the wizard (pre-filled) and for
//! `--non-interactive` runs. Flags win over the file. The permanent steps are never accepted from
//! a file: attaching needs `--confirm-attach` and purge protection `--confirm-purge-protection` on
//! the command line (or the wizard's typed name).

use std::path::Path;

use serde::Deserialize;

use super::args::SetupArgs;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    pub provider: Option<String>,
    pub workspace: Option<String>,
    pub key: Option<String>,
    pub region: Option<String>,
    pub alias: Option<String>,
    pub display_name: Option<String>,
    pub azure_vault: Option<String>,
    pub azure_key: Option<String>,
    /// 3072 or 4096, as a number or a string.
    pub azure_key_size: Option<toml::Value>,
    pub azure_hsm: Option<bool>,
    pub azure_allow_public_access: Option<bool>,
    /// `10m`, `90s`, `0`, or a number of seconds.
    pub azure_rbac_wait: Option<toml::Value>,
}

const KEYS: &str = "provider, workspace, key, region, alias, display_name, azure_vault, azure_key, azure_key_size, \
                    azure_hsm, azure_allow_public_access, azure_rbac_wait";

/// A number or a string from the file, as the flag's text.
fn text(value: Option<toml::Value>) -> Option<String> {
    match value? {
        toml::Value::String(s) => Some(s),
        other => Some(other.to_string()),
    }
}

impl AnswersFile {
    pub fn load(path: &Path) -> Result<AnswersFile> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| Error::usage(format!("cannot read the answers file {}: {e}", path.display())))?;
        Self::parse(&text).map_err(|e| Error::usage(format!("the answers file {}: {e}", path.display())))
    }

    pub fn parse(text: &str) -> std::result::Result<AnswersFile, String> {
        toml::from_str(text).map_err(|e| {
            let msg = e.message().to_string();
            if msg.contains("confirm_attach") {
                "`confirm_attach` is not accepted in an answers file: attaching is permanent, so it needs \
                 --confirm-attach on the command line"
                    .to_string()
            } else if msg.contains("confirm_purge_protection") {
                "`confirm_purge_protection` is not accepted in an answers file: purge protection cannot be turned \
                 off again, so it needs --confirm-purge-protection on the command line"
                    .to_string()
            } else {
                format!("{msg}; the keys are {KEYS}")
            }
        })
    }

    /// The flags, with the file filling what they leave unset.
    pub fn under(self, args: &SetupArgs) -> SetupArgs {
        let pick = |flag: &Option<String>, file: Option<String>| flag.clone().or(file);
        SetupArgs {
            provider: pick(&args.provider, self.provider),
            workspace: pick(&args.workspace, self.workspace),
            key: pick(&args.key, self.key),
            region: pick(&args.region, self.region),
            alias: pick(&args.alias, self.alias),
            display_name: pick(&args.display_name, self.display_name),
            azure_vault: pick(&args.azure_vault, self.azure_vault),
            azure_key: pick(&args.azure_key, self.azure_key),
            azure_key_size: pick(&args.azure_key_size, text(self.azure_key_size)),
            azure_hsm: args.azure_hsm || self.azure_hsm.unwrap_or(false),
            azure_allow_public_access: args.azure_allow_public_access
                || self.azure_allow_public_access.unwrap_or(false),
            azure_rbac_wait: pick(&args.azure_rbac_wait, text(self.azure_rbac_wait)),
            ..args.clone()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_parse_and_unknown_ones_are_named() {
        let a = AnswersFile::parse("provider = \"aws\"\nworkspace = \"production\"\nregion = \"us-east-2\"\n").unwrap();
        assert_eq!(a.workspace.as_deref(), Some("production"));
        let e = AnswersFile::parse("workspase = \"x\"").unwrap_err();
        assert!(e.contains("workspase") && e.contains("the keys are"), "{e}");
    }

    #[test]
    fn attach_cannot_come_from_a_file() {
        let e = AnswersFile::parse("confirm_attach = \"production\"").unwrap_err();
        assert!(e.contains("--confirm-attach on the command line"), "{e}");
        let e = AnswersFile::parse("confirm_purge_protection = \"vault\"").unwrap_err();
        assert!(e.contains("--confirm-purge-protection on the command line"), "{e}");
    }

    #[test]
    fn azure_keys_fill_what_the_flags_leave_unset() {
        let file = AnswersFile::parse(
            "provider = \"azure\"\nazure_vault = \"cmek-vault\"\nazure_key_size = 4096\nazure_hsm = true\n\
             azure_rbac_wait = \"5m\"\n",
        )
        .unwrap();
        let flags = SetupArgs { azure_rbac_wait: Some("0".into()), ..Default::default() };
        let merged = file.under(&flags);
        assert_eq!(merged.azure_vault.as_deref(), Some("cmek-vault"));
        assert_eq!(merged.azure_key_size.as_deref(), Some("4096"));
        assert!(merged.azure_hsm && !merged.azure_allow_public_access);
        assert_eq!(merged.azure_rbac_wait.as_deref(), Some("0"), "the flag wins");
    }
}
