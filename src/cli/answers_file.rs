//! `--answers FILE`: the same answers as the flags, in TOML, for the wizard (pre-filled) and for
//! `--non-interactive` runs. Flags win over the file. Attaching is never accepted from a file:
//! the permanent step needs `--confirm-attach` on the command line (or the wizard's typed name).

use std::path::Path;

use serde::Deserialize;

use super::args::SetupArgs;
use crate::error::{Error, Result};

#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnswersFile {
    pub provider: Option<String>,
    pub workspace: Option<String>,
    pub key: Option<String>,
    pub region: Option<String>,
    pub alias: Option<String>,
    pub display_name: Option<String>,
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
            } else {
                format!("{msg}; the keys are provider, workspace, key, region, alias, display_name")
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
    }
}
