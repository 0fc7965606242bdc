//! The one error type of the edge: a kind that decides the exit code, a message that names the
//! offending value, and hints that say what to type next.
//!
//! Core modules keep their own `thiserror` enums; they are turned into this type where a front
//! end reports them. Messages never carry secrets: secret types cannot be formatted.

use std::fmt;

/// What went wrong, as the exit code tells it (design.md, command-line contract).
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

impl From<crate::platform::auth::AuthError> for Error {
    fn from(e: crate::platform::auth::AuthError) -> Self {
        // Every credential problem is an input the user must fix; nothing was sent.
        Error::usage(e.to_string())
    }
}

impl From<crate::platform::PlatformError> for Error {
    fn from(e: crate::platform::PlatformError) -> Self {
        use crate::platform::PlatformError;
        let kind = match &e {
            e if e.is_auth() => ErrorKind::Auth,
            PlatformError::InvalidInput { .. } => ErrorKind::Usage,
            _ => ErrorKind::Remote,
        };
        let err = Error::new(kind, e.to_string());
        match e.hint() {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

impl From<crate::providers::aws::AwsError> for Error {
    fn from(e: crate::providers::aws::AwsError) -> Self {
        use crate::providers::aws::AwsErrorKind;
        let kind = match e.kind {
            AwsErrorKind::AccessDenied | AwsErrorKind::Credentials => ErrorKind::Auth,
            AwsErrorKind::InvalidInput | AwsErrorKind::NotFound => ErrorKind::Usage,
            _ => ErrorKind::Remote,
        };
        let err = Error::new(kind, e.to_string());
        match e.next_step() {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

impl From<crate::providers::azure::AzureError> for Error {
    fn from(e: crate::providers::azure::AzureError) -> Self {
        use crate::providers::azure::AzureErrorKind;
        let kind = match e.kind {
            _ if e.is_auth() => ErrorKind::Auth,
            AzureErrorKind::InvalidInput | AzureErrorKind::NotFound => ErrorKind::Usage,
            _ => ErrorKind::Remote,
        };
        // Display names the operation, Azure's code, its message and the request id.
        let err = Error::new(kind, format!("Azure: {e}"));
        match e.next_step() {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::providers::azure::{AzureError, AzureErrorKind, ForbiddenBy};

    fn azure(kind: AzureErrorKind, code: &str) -> AzureError {
        AzureError {
            kind,
            operation: "keyvault:keys/get",
            code: Some(code.into()),
            message: "refused".into(),
            request_id: None,
        }
    }

    #[test]
    fn azure_errors_map_to_exit_kinds_with_the_operation_code_and_next_step() {
        let e = Error::from(azure(AzureErrorKind::Forbidden(ForbiddenBy::Rbac), "ForbiddenByRbac"));
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.message.contains("keyvault:keys/get") && e.message.contains("ForbiddenByRbac"), "{e}");
        assert!(!e.hints.is_empty());
        assert_eq!(Error::from(azure(AzureErrorKind::Unauthenticated, "x")).kind, ErrorKind::Auth);
        assert_eq!(Error::from(azure(AzureErrorKind::NotFound, "VaultNotFound")).kind, ErrorKind::Usage);
        assert_eq!(Error::from(azure(AzureErrorKind::InvalidInput, "BadParameter")).kind, ErrorKind::Usage);
        assert_eq!(Error::from(azure(AzureErrorKind::Throttled, "TooMany")).kind, ErrorKind::Remote);
        assert_eq!(Error::from(azure(AzureErrorKind::Other, "x")).hints.len(), 0);
    }
}
