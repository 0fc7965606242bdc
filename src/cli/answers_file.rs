//! `--answers FILE`: the same answers as the flags, in TOML, for the wizard (pre-filled) and for
//! `--non-interactive` runs. Flags win over the file. The permanent steps are never accepted from
//! a file: attaching needs `--confirm-attach` on the command line (or the wizard's typed name),
//! and each cloud refuses its own irreversible switches the same way.
//!
//! The shared keys are read here; each cloud takes its own (`CliCloud::answers_file`); a key
//! nobody takes is refused, naming every key there is.

use std::path::Path;

use super::args::SetupArgs;
use super::clouds;
use crate::error::{Error, Result};

const SHARED_KEYS: [&str; 5] = ["provider", "workspace", "key_per_workspace", "key", "display_name"];

/// Reads `path` and fills what the flags in `args` leave unset.
pub fn load_under(path: &Path, args: &SetupArgs) -> Result<SetupArgs> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read the answers file {}: {e}", path.display())))?;
    under(&text, args).map_err(|e| Error::usage(format!("the answers file {}: {e}", path.display())))
}

/// The flags, with the file's text filling what they leave unset.
pub fn under(text: &str, args: &SetupArgs) -> std::result::Result<SetupArgs, String> {
    let mut file: toml::Table = toml::from_str(text).map_err(|e| match e.span() {
        Some(span) => {
            let (line, column) = position(text, span.start);
            format!("line {line}, column {column}: {}", e.message())
        }
        None => e.message().to_string(),
    })?;
    if file.contains_key("confirm_attach") {
        return Err("`confirm_attach` is not accepted in an answers file: attaching is permanent, so it needs \
                    --confirm-attach on the command line"
            .to_string());
    }
    let mut args = args.clone();
    take_text(&mut file, "provider", &mut args.provider)?;
    take_texts(&mut file, "workspace", &mut args.workspace)?;
    take_bool(&mut file, "key_per_workspace", &mut args.key_per_workspace)?;
    take_text(&mut file, "key", &mut args.key)?;
    take_text(&mut file, "display_name", &mut args.display_name)?;
    for cloud in clouds::all() {
        cloud.answers_file(&mut file, &mut args)?;
    }
    match file.keys().next() {
        None => Ok(args),
        Some(unknown) => Err(format!("unknown key `{unknown}`; the keys are {}", keys().join(", "))),
    }
}

/// The 1-based line and column of byte `offset` in `text`.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

/// Every key an answers file may hold.
fn keys() -> Vec<&'static str> {
    let mut all: Vec<&'static str> = SHARED_KEYS.to_vec();
    for cloud in clouds::all() {
        all.extend(cloud.answers_keys());
    }
    all
}

/// Takes `key` out of the file into `dest` unless a flag set it: a string, or a number as its text.
pub fn take_text(file: &mut toml::Table, key: &str, dest: &mut Option<String>) -> std::result::Result<(), String> {
    let Some(value) = file.remove(key) else { return Ok(()) };
    let text = match value {
        toml::Value::String(s) => s,
        toml::Value::Integer(n) => n.to_string(),
        other => return Err(format!("`{key}` must be text, not {other}")),
    };
    if text.trim().is_empty() {
        return Err(format!("`{key}` is empty, which is not valid: give it a value, or remove the line"));
    }
    if dest.is_none() {
        *dest = Some(text);
    }
    Ok(())
}

/// Takes `key` (text, or a list of texts for several) out of the file; the flags, when given, win.
pub fn take_texts(file: &mut toml::Table, key: &str, dest: &mut Vec<String>) -> std::result::Result<(), String> {
    let Some(value) = file.remove(key) else { return Ok(()) };
    let items = match value {
        toml::Value::Array(items) if !items.is_empty() => items,
        toml::Value::Array(_) => {
            return Err(format!("`{key}` is an empty list: name at least one, or remove the line"));
        }
        single => vec![single],
    };
    let mut texts = Vec::with_capacity(items.len());
    for item in items {
        let mut one = None;
        let mut table = toml::Table::new();
        table.insert(key.to_string(), item);
        take_text(&mut table, key, &mut one)?;
        texts.extend(one);
    }
    if dest.is_empty() {
        *dest = texts;
    }
    Ok(())
}

/// Takes the boolean `key` out of the file; `true` in either the flag or the file wins.
pub fn take_bool(file: &mut toml::Table, key: &str, dest: &mut bool) -> std::result::Result<(), String> {
    match file.remove(key) {
        None => Ok(()),
        Some(toml::Value::Boolean(b)) => {
            *dest = *dest || b;
            Ok(())
        }
        Some(other) => Err(format!("`{key}` must be true or false, not {other}")),
    }
}

/// Refuses `key`: it names an irreversible step that needs its flag on the command line.
pub fn refuse(file: &toml::Table, key: &str, why: &str) -> std::result::Result<(), String> {
    match file.contains_key(key) {
        true => Err(format!("`{key}` is not accepted in an answers file: {why}")),
        false => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_parse_and_unknown_ones_are_named() {
        let a =
            under("provider = \"aws\"\nworkspace = \"production\"\nregion = \"us-east-2\"\n", &SetupArgs::default())
                .unwrap();
        assert_eq!(a.workspace, ["production"]);
        assert_eq!(a.clouds.aws.region.as_deref(), Some("us-east-2"));
        let e = under("workspase = \"x\"", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("workspase") && e.contains("the keys are"), "{e}");
    }

    #[test]
    fn workspaces_come_as_one_or_a_list_and_the_flags_win() {
        let a = under("workspace = [\"production\", \"staging\"]\nkey_per_workspace = true\n", &SetupArgs::default())
            .unwrap();
        assert_eq!(a.workspace, ["production", "staging"]);
        assert!(a.key_per_workspace);
        let flags = SetupArgs { workspace: vec!["development".into()], ..SetupArgs::default() };
        assert_eq!(under("workspace = [\"production\"]", &flags).unwrap().workspace, ["development"]);
        let e = under("workspace = []", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("empty list"), "{e}");
        let e = under("workspace = [\"production\", 3.5]", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("`workspace` must be text"), "{e}");
    }

    #[test]
    fn attach_cannot_come_from_a_file() {
        let e = under("confirm_attach = \"production\"", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("--confirm-attach on the command line"), "{e}");
        let e = under("confirm_purge_protection = \"vault\"", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("--confirm-purge-protection on the command line"), "{e}");
    }

    #[test]
    fn azure_keys_fill_what_the_flags_leave_unset() {
        let mut flags = SetupArgs::default();
        flags.clouds.azure.azure_rbac_wait = Some("0".into());
        let merged = under(
            "provider = \"azure\"\nazure_vault = \"cmek-vault\"\nazure_key_size = 4096\nazure_hsm = true\n\
             azure_rbac_wait = \"5m\"\n",
            &flags,
        )
        .unwrap();
        let az = &merged.clouds.azure;
        assert_eq!(az.azure_vault.as_deref(), Some("cmek-vault"));
        assert_eq!(az.azure_key_size.as_deref(), Some("4096"));
        assert!(az.azure_hsm && !az.azure_allow_public_access);
        assert_eq!(az.azure_rbac_wait.as_deref(), Some("0"), "the flag wins");
    }

    #[test]
    fn an_empty_value_is_refused_not_taken_as_absent() {
        for line in ["workspace = \"\"", "region = \"  \"", "azure_vault = \"\""] {
            let e = under(line, &SetupArgs::default()).unwrap_err();
            let key = line.split(' ').next().unwrap();
            assert!(e.contains(&format!("`{key}` is empty")), "{line}: {e}");
        }
    }

    #[test]
    fn a_syntax_error_names_the_line_and_column() {
        let e = under("provider = \"aws\"\nworkspace = production\n", &SetupArgs::default()).unwrap_err();
        assert!(e.starts_with("line 2, column 13:"), "{e}");
    }

    #[test]
    fn a_wrong_type_names_the_key() {
        let e = under("azure_hsm = \"yes\"", &SetupArgs::default()).unwrap_err();
        assert!(e.contains("azure_hsm"), "{e}");
    }
}
