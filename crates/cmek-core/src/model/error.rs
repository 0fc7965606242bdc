//! The one error every validating parser in `model` returns.

/// A value the user gave (or a service returned) that is not of the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: {reason}")]
pub struct ParseError {
    /// What was expected, e.g. "AWS region".
    pub what: &'static str,
    /// The offending value, verbatim (never a secret: secrets are not parsed here).
    pub value: String,
    /// Why it was refused and what the right form looks like.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        // Bound the echoed value so a pasted file cannot flood the terminal.
        let shown: String = value.chars().take(200).collect();
        Self { what, value: shown, reason: reason.into() }
    }
}
