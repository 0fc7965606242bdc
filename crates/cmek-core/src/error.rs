//! The one error type of the edge: a kind that decides the exit code, a message that names the
//! offending value, and hints that say what to type next.
//!
//! Plain data, so the wizard's state machine can hold one. Core modules keep their own
//! `thiserror` enums; the front ends and the engine turn them (and the clients' errors, in the
//! `cmek` crate) into this type. Messages never carry secrets: secret types cannot be formatted.

use std::fmt;

/// What went wrong, as the exit code tells it (ARCHITECTURE.md, "Invariants").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// Ran, but the key is not healthy (validation failed, doctor found serious problems).
    Unhealthy,
    /// Bad or missing input; nothing was changed.
    Usage,
    /// Authentication or permission refused, on the platform or a cloud.
    Auth,
    /// The platform or a cloud failed after retries, or local state could not be written.
    Remote,
    /// The user interrupted the run.
    Interrupted,
}

impl ErrorKind {
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::Unhealthy => 1,
            ErrorKind::Usage => 2,
            ErrorKind::Auth => 3,
            ErrorKind::Remote => 4,
            ErrorKind::Interrupted => 130,
        }
    }
}

/// An error ready to be shown to a person or written as JSON.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub hints: Vec<String>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), hints: Vec::new() }
    }
    pub fn usage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Usage, message)
    }
    pub fn auth(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Auth, message)
    }
    pub fn remote(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Remote, message)
    }
    pub fn unhealthy(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Unhealthy, message)
    }
    /// A required input that non-interactive mode cannot ask for.
    pub fn missing_input(what: &str, flag: &str, env: Option<&str>) -> Self {
        let source = match env {
            Some(var) => format!("pass `{flag}` or set `{var}`"),
            None => format!("pass `{flag}`"),
        };
        Self::usage(format!("missing {what}: {source}"))
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hints.push(hint.into());
        self
    }
    /// Prefixes the message with what was being attempted.
    pub fn context(mut self, doing: impl fmt::Display) -> Self {
        self.message = format!("{doing}: {}", self.message);
        self
    }
    pub fn exit_code(&self) -> i32 {
        self.kind.exit_code()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        for h in &self.hints {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

impl From<crate::model::ParseError> for Error {
    fn from(e: crate::model::ParseError) -> Self {
        Error::usage(e.to_string())
    }
}
