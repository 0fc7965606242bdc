//! The Google Cloud provider: the only code using `google-cloud-kms-v1`, `google-cloud-auth`,
//! `google-cloud-iam-v1`, `google-cloud-gax` and `google-cloud-wkt`. SDK types never leave this
//! folder: operations return `model` facts and [`GcpError`].
//!
//! Map: `credential` (ADC through an environment lookup, or a fixed token; who it is), `connect`
//! ([`GcpSettings`], [`GcpClient`]), `error` + `sdk_error`, `convert` (SDK values -> facts),
//! `key_rings`, `keys` (crypto keys and their versions), `iam` (key ring and key IAM policies).
//! Every call goes through `crate::retry` (the Google client's own retries are off).

mod connect;
mod convert;
mod credential;
mod error;
mod iam;
mod key_rings;
mod keys;
mod sdk_error;
#[cfg(test)]
mod stub_tests;

pub use connect::{DEFAULT_ENDPOINT, GcpClient, GcpCredentialSource, GcpSettings};
pub use credential::EnvLookup;
pub use error::{GcpError, GcpErrorInfo, GcpErrorKind};
pub use keys::NewGcpKey;

/// What a read found, and why its IAM policy is missing when it is (`facts.iam_policy: None`):
/// Cloud KMS refused to show it (e.g. no `getIamPolicy` permission), which is a finding, not a
/// failure of the read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Inspected<T> {
    pub facts: T,
    pub iam_policy_error: Option<GcpError>,
}

/// A policy read's answer for a read that goes on without it: a refusal (permission, API off,
/// perimeter, credential) is kept as the reason; any other failure is the read's.
fn policy_kept<P>(read: Result<P, GcpError>) -> Result<(Option<P>, Option<GcpError>), GcpError> {
    match read {
        Ok(policy) => Ok((Some(policy), None)),
        Err(e) if e.is_auth() => Ok((None, Some(e))),
        Err(e) => Err(e),
    }
}
