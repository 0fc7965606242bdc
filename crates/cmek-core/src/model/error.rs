//! The one error every validating parser in `model` returns.

/// A value the user gave (or a service returned) that is not of the expected form.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {what}: {reason}")]
pub struct ParseError {
    /// What was expected, e.g. "AWS region".
    pub what: &'static str,
    /// The offending value (never a secret: secrets are not parsed here), its control characters
    /// written out so an escape sequence typed or pasted is shown, not acted on by the terminal.
    pub value: String,
    /// Why it was refused and what the right form looks like.
    pub reason: String,
}

impl ParseError {
    pub(crate) fn new(what: &'static str, value: &str, reason: impl Into<String>) -> Self {
        // Bound the echoed value so a pasted file cannot flood the terminal.
        let bounded: String = value.chars().take(200).collect();
        Self { what, value: crate::text::escape_controls(&bounded).into_owned(), reason: reason.into() }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_escape_sequence_in_a_refused_value_is_written_out() {
        let e = "aw\u{1b}[1ms".parse::<crate::model::ProviderKind>().unwrap_err();
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
        assert!(e.to_string().contains("aw\\u{1b}[1ms"), "{e}");
    }
}
