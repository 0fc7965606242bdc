//! The edge error type is the core's [`cmek_core::error::Error`]; this module turns the platform
//! client's errors (Admin API, credentials) into it, each with its exit kind and next step. Each
//! cloud's client does the same for its own errors (`providers/<cloud>/error.rs`).

pub use cmek_core::error::{Error, ErrorKind, Result};

impl From<crate::platform::auth::AuthError> for Error {
    fn from(e: crate::platform::auth::AuthError) -> Self {
        // A credential problem is an authentication problem (exit 3, as doctor's ANT-01), found
        // before anything was sent; two flags naming a credential are a usage error (exit 2), and a
        // token endpoint that does not answer is the platform's problem (exit 4).
        let kind = if e.is_usage() {
            ErrorKind::Usage
        } else if e.is_unreachable() {
            ErrorKind::Remote
        } else {
            ErrorKind::Auth
        };
        Error::new(kind, e.to_string())
    }
}

impl From<crate::platform::PlatformError> for Error {
    fn from(e: crate::platform::PlatformError) -> Self {
        use crate::platform::PlatformError;
        let kind = match &e {
            // ANT-02 (CMEK not enabled, or the code `cmek_not_approved`) is a permission refusal.
            e if e.is_auth() || e.is_cmek_not_enabled() => ErrorKind::Auth,
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
