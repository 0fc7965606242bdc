//! Makes text that came from the server safe to show: removes the client's own credential
//! should a server (or gateway) echo it back, neutralises control characters (a hostile body
//! must not drive the terminal), and shortens bodies to a readable snippet.
//!
//! It only transforms strings; it never logs or prints anything.

use std::fmt;

use secrecy::{ExposeSecret as _, SecretString};

use super::auth::Credential;

/// Shown in place of the credential.
const REDACTED: &str = "***";
/// Shorter secrets are not searched for: replacing every occurrence of a tiny string would
/// mangle messages and protects nothing (real keys are far longer).
const MIN_SECRET_LEN: usize = 8;

/// Cleans server-provided text before it goes into an error.
#[derive(Clone, Default)]
pub(crate) struct Sanitizer {
    secrets: Vec<SecretString>,
}

impl Sanitizer {
    /// Removes the credential's fixed secret (a token source's tokens are added per request).
    pub(crate) fn new(credential: &Credential) -> Sanitizer {
        Sanitizer::of(credential.fixed_secret())
    }

    /// Removes each of `secrets`.
    pub(crate) fn of<'a>(secrets: impl IntoIterator<Item = &'a SecretString>) -> Sanitizer {
        let secrets = secrets
            .into_iter()
            .filter(|secret| secret.expose_secret().len() >= MIN_SECRET_LEN)
            .map(|secret| SecretString::from(secret.expose_secret()))
            .collect();
        Sanitizer { secrets }
    }

    /// This sanitizer, also removing `secret`.
    pub(crate) fn with(&self, secret: &SecretString) -> Sanitizer {
        let mut more = self.clone();
        more.secrets.extend(Sanitizer::of([secret]).secrets);
        more
    }

    /// The text with the credential replaced by `***` and control characters escaped.
    pub(crate) fn clean(&self, text: &str) -> String {
        let mut without_secret = text.to_owned();
        for secret in &self.secrets {
            without_secret = without_secret.replace(secret.expose_secret(), REDACTED);
        }
        escape_controls(&without_secret)
    }

    /// At most `max_chars` characters of the cleaned, trimmed text, marked when shortened.
    pub(crate) fn snippet(&self, text: &str, max_chars: usize) -> String {
        // Clean first so a secret cut in half by the truncation is still found.
        let cleaned = self.clean(text.trim());
        let mut chars = cleaned.chars();
        let head: String = chars.by_ref().take(max_chars).collect();
        if chars.next().is_some() { format!("{head}...") } else { head }
    }
}

impl fmt::Debug for Sanitizer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sanitizer(***)")
    }
}

fn escape_controls(text: &str) -> String {
    cmek_core::text::escape_controls(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CANARY: &str = "sk-ant-admin01-CANARY-sanitize";

    fn sanitizer() -> Sanitizer {
        Sanitizer::new(&Credential::AdminKey(SecretString::from(CANARY)))
    }

    #[test]
    fn an_echoed_credential_is_removed() {
        let cleaned = sanitizer().clean(&format!("invalid x-api-key {CANARY} (twice: {CANARY})"));
        assert_eq!(cleaned, "invalid x-api-key *** (twice: ***)");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(sanitizer().clean("a\u{1b}[31mred\nb"), "a\\u{1b}[31mred\\nb");
    }

    #[test]
    fn snippets_are_short_and_marked() {
        let s = sanitizer();
        assert_eq!(s.snippet("  short  ", 200), "short");
        assert_eq!(s.snippet(&"é".repeat(250), 200), format!("{}...", "é".repeat(200)));
        let long = format!("{}{CANARY}", "x".repeat(190));
        assert!(!s.snippet(&long, 200).contains("CANARY"));
    }

    #[test]
    fn tiny_secrets_are_not_searched_for() {
        let s = Sanitizer::new(&Credential::AdminKey(SecretString::from("k")));
        assert_eq!(s.clean("key"), "key");
        assert_eq!(format!("{s:?}"), "Sanitizer(***)");
    }
}
