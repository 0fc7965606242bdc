//! The part of a key's name that says which workspace it is for (`--key-per-workspace`): every
//! cloud's key names accept it (lower-case letters, digits and single hyphens).

/// The longest suffix: a workspace name is at most 40 characters, and the longest base name plus
/// this still fits every cloud's limit (AWS aliases 256, Azure keys 127, Cloud KMS keys 63).
const MAX: usize = 40;

/// `Production EU` -> `production-eu`. A name with no letter or digit in it (e.g. all emoji)
/// falls back to the workspace id's tail, so two such workspaces never share a key name.
pub fn workspace_key_suffix(name: &str, id: &str) -> String {
    let from_name = slug(name);
    if !from_name.is_empty() {
        return from_name;
    }
    let from_id = slug(id.rsplit('_').next().unwrap_or(id));
    if from_id.is_empty() { "workspace".to_string() } else { from_id }
}

fn slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
        if out.len() >= MAX {
            break;
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::workspace_key_suffix as suffix;

    #[test]
    fn names_become_lower_case_words_joined_by_single_hyphens() {
        assert_eq!(suffix("production", "wrkspc_1"), "production");
        assert_eq!(suffix("Production EU", "wrkspc_1"), "production-eu");
        assert_eq!(suffix("  --staging__2 ", "wrkspc_1"), "staging-2");
        assert_eq!(suffix("dev\u{1b}[31m", "wrkspc_1"), "dev-31m");
    }

    #[test]
    fn a_name_without_letters_or_digits_uses_the_id() {
        assert_eq!(suffix("🚀🚀", "wrkspc_01SbxProduction7Kq2Vd"), "01sbxproduction7kq2vd");
        assert_eq!(suffix("", "___"), "workspace");
    }

    #[test]
    fn long_names_are_cut_without_a_trailing_hyphen() {
        let s = suffix(&"ab ".repeat(40), "wrkspc_1");
        assert!(s.len() <= 40 && !s.ends_with('-'), "{s}");
    }
}
