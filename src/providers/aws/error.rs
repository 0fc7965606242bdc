//! `AwsError`: what an AWS call failed with, reduced from the SDK's error types to plain data.
//!
//! The mapping from SDK errors lives here so that no SDK error type leaves this folder. Messages
//! come from AWS or from the transport; neither carries credentials.

use std::error::Error as StdError;
use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_kms::config::http::HttpResponse;
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::operation::RequestId;

/// What kind of failure, coarse enough for callers to decide on exit codes and hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwsErrorKind {
    /// The key or alias does not exist (in this account and region).
    NotFound,
    /// The caller is authenticated but not allowed (IAM or key policy).
    AccessDenied,
    /// No usable credentials: none found, expired, unknown key id, bad signature.
    Credentials,
    /// The key is disabled.
    Disabled,
    /// The key is in a state that forbids the call (e.g. pending deletion).
    InvalidState,
    /// KMS refused the key policy document.
    MalformedPolicy,
    /// A parameter was refused (bad ARN, alias name, ciphertext, context, ...).
    InvalidInput,
    /// The alias (or other named resource) already exists.
    AlreadyExists,
    /// Throttled (still, after the retry policy's attempts).
    Throttled,
    /// The endpoint could not be reached or did not answer in time.
    Network,
    /// Anything else (internal errors, unreadable answers).
    Other,
}

/// A failed AWS call: which operation, the AWS error code, its message and the request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsError {
    pub kind: AwsErrorKind,
    /// The IAM action name of the call, e.g. `kms:DescribeKey`.
    pub operation: &'static str,
    /// The AWS error code, e.g. `NotFoundException`; `None` when AWS never answered.
    pub code: Option<String>,
    pub message: String,
    /// The `x-amzn-RequestId` of the failed call, for AWS support and CloudTrail.
    pub request_id: Option<String>,
    /// The HTTP status of AWS's answer; `None` when AWS never answered.
    pub status: Option<u16>,
}

impl AwsError {
    pub(crate) fn new(kind: AwsErrorKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self { kind, operation, code: None, message: message.into(), request_id: None, status: None }
    }

    /// Whether another attempt may succeed: throttling, a 5xx (KMS internal errors, dependency
    /// timeouts), or no answer at all (a dropped connection, a timeout).
    pub fn is_transient(&self) -> bool {
        matches!(self.kind, AwsErrorKind::Throttled | AwsErrorKind::Network) || self.status.is_some_and(|s| s >= 500)
    }

    /// Authentication or authorisation failed (exit code 3 territory).
    pub fn is_auth(&self) -> bool {
        matches!(self.kind, AwsErrorKind::AccessDenied | AwsErrorKind::Credentials)
    }

    /// What the user can do next, when there is a useful general answer.
    pub fn next_step(&self) -> Option<String> {
        let step = match self.kind {
            AwsErrorKind::Credentials => "sign in to AWS for this shell (e.g. `aws sso login`, or set AWS_PROFILE / \
                 pass --aws-profile), then check with `aws sts get-caller-identity`"
                .to_string(),
            AwsErrorKind::AccessDenied => format!(
                "the identity shown by `aws sts get-caller-identity` needs `{}` on this key, in its IAM policy \
                 and in the key policy",
                self.operation
            ),
            AwsErrorKind::NotFound => {
                "check the key id, alias or ARN, and that the region is the key's region".to_string()
            }
            AwsErrorKind::Disabled => "enable the key (`aws kms enable-key --key-id <key>`) and retry".to_string(),
            AwsErrorKind::InvalidState => {
                "check the key's state (`aws kms describe-key`); a key pending deletion can be recovered with \
                 `aws kms cancel-key-deletion`"
                    .to_string()
            }
            AwsErrorKind::Throttled => "wait a minute and retry".to_string(),
            AwsErrorKind::Network => {
                "check the network, proxy settings and the AWS endpoint (--aws-endpoint / AWS_ENDPOINT_URL)".to_string()
            }
            AwsErrorKind::MalformedPolicy
            | AwsErrorKind::InvalidInput
            | AwsErrorKind::AlreadyExists
            | AwsErrorKind::Other => return None,
        };
        Some(step)
    }

    /// Reduces an SDK error of any KMS or STS operation. `endpoint` is where the call went, named
    /// in transport errors (already free of user info).
    pub(crate) fn from_sdk<E>(operation: &'static str, endpoint: &str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let request_id = err.request_id().map(str::to_string);
        if let Some(creds) = credentials_error_in_chain(&err) {
            let message = format!("no usable AWS credentials: {}", error_chain(creds));
            return Self { kind: AwsErrorKind::Credentials, operation, code: None, message, request_id, status: None };
        }
        let status = match &err {
            SdkError::ServiceError(service) => Some(service.raw().status().as_u16()),
            _ => None,
        };
        let (kind, code, message) = match &err {
            SdkError::ServiceError(service) => {
                let code = service.err().code().map(str::to_string);
                let kind = code.as_deref().map_or(AwsErrorKind::Other, kind_for_code);
                let message = match service.err().message() {
                    Some(m) if !m.is_empty() => m.to_string(),
                    _ => format!("{} answered HTTP {}", endpoint, service.raw().status().as_u16()),
                };
                (kind, code, message)
            }
            SdkError::DispatchFailure(_) => {
                (AwsErrorKind::Network, None, format!("could not reach {endpoint}: {}", error_chain(&err)))
            }
            SdkError::TimeoutError(_) => {
                (AwsErrorKind::Network, None, format!("no answer from {endpoint} in time: {}", error_chain(&err)))
            }
            // Usually an answer cut short on the wire: worth another attempt.
            SdkError::ResponseError(_) => {
                (AwsErrorKind::Network, None, format!("unreadable answer from {endpoint}: {}", error_chain(&err)))
            }
            SdkError::ConstructionFailure(_) => {
                (AwsErrorKind::InvalidInput, None, format!("could not build the request: {}", error_chain(&err)))
            }
            // `SdkError` is non-exhaustive.
            _ => (AwsErrorKind::Other, None, error_chain(&err)),
        };
        Self { kind, operation, code, message, request_id, status }
    }
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} failed", self.operation)?;
        if let Some(code) = &self.code {
            write!(f, " with {code}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(id) = &self.request_id {
            write!(f, " (request id {id})")?;
        }
        Ok(())
    }
}

impl StdError for AwsError {}

impl crate::retry::RemoteError for AwsError {
    /// AWS sends no `Retry-After`: the back-off decides.
    fn transient(&self) -> Option<Option<std::time::Duration>> {
        self.is_transient().then_some(None)
    }

    fn noted(mut self, note: &str) -> Self {
        self.message = format!("{} ({note})", self.message);
        self
    }
}

/// The kind an AWS error code stands for. Codes of both KMS (JSON) and STS (query) are covered.
pub(crate) fn kind_for_code(code: &str) -> AwsErrorKind {
    match code {
        "NotFoundException" => AwsErrorKind::NotFound,
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => AwsErrorKind::AccessDenied,
        "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "InvalidAccessKeyId" => AwsErrorKind::Credentials,
        "DisabledException" => AwsErrorKind::Disabled,
        "KMSInvalidStateException" => AwsErrorKind::InvalidState,
        "MalformedPolicyDocumentException" => AwsErrorKind::MalformedPolicy,
        "ValidationException"
        | "InvalidArnException"
        | "InvalidAliasNameException"
        | "InvalidCiphertextException"
        | "InvalidKeyUsageException"
        | "IncorrectKeyException"
        | "InvalidGrantTokenException"
        | "InvalidMarkerException"
        | "UnsupportedOperationException"
        | "TagException"
        | "InvalidParameterValue"
        | "InvalidParameterCombination"
        | "MissingParameter"
        | "InvalidAction" => AwsErrorKind::InvalidInput,
        "AlreadyExistsException" => AwsErrorKind::AlreadyExists,
        "ThrottlingException" | "Throttling" | "RequestLimitExceeded" | "TooManyRequestsException" => {
            AwsErrorKind::Throttled
        }
        _ => AwsErrorKind::Other,
    }
}

/// Every cause's message, outermost first, joined by `: ` (the SDK's own context formatter adds
/// a Debug dump that is noise to a person). A cause already spelled out by its parent is skipped.
fn error_chain(err: &(dyn StdError + 'static)) -> String {
    let mut text = err.to_string();
    let mut current = err.source();
    while let Some(e) = current {
        let part = e.to_string();
        if !part.is_empty() && !text.contains(&part) {
            text.push_str(": ");
            text.push_str(&part);
        }
        current = e.source();
    }
    text
}

/// The credential provider's error, if resolving credentials is what failed. The SDK reports it
/// as a dispatch failure, so the source chain is the only place it shows.
fn credentials_error_in_chain<'a>(err: &'a (dyn StdError + 'static)) -> Option<&'a CredentialsError> {
    let mut current: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(creds) = e.downcast_ref::<CredentialsError>() {
            return Some(creds);
        }
        current = e.source();
    }
    None
}

/// The edge error: the exit kind from what AWS refused, the next step as a hint.
impl From<AwsError> for crate::error::Error {
    fn from(e: AwsError) -> Self {
        use crate::error::{Error, ErrorKind};
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

#[cfg(test)]
mod tests {
    use aws_sdk_kms::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_kms::operation::describe_key::DescribeKeyError;
    use aws_sdk_kms::types::error::NotFoundException;
    use aws_smithy_types::body::SdkBody;

    use super::*;

    fn response(status: u16, request_id: &str) -> HttpResponse {
        let mut raw = HttpResponse::new(status.try_into().unwrap(), SdkBody::empty());
        raw.headers_mut().insert("x-amzn-RequestId", request_id.to_string());
        raw
    }

    #[test]
    fn codes_map_to_kinds() {
        for (code, kind) in [
            ("NotFoundException", AwsErrorKind::NotFound),
            ("AccessDeniedException", AwsErrorKind::AccessDenied),
            ("AccessDenied", AwsErrorKind::AccessDenied),
            ("UnauthorizedOperation", AwsErrorKind::AccessDenied),
            ("InvalidClientTokenId", AwsErrorKind::Credentials),
            ("UnrecognizedClientException", AwsErrorKind::Credentials),
            ("SignatureDoesNotMatch", AwsErrorKind::Credentials),
            ("ExpiredToken", AwsErrorKind::Credentials),
            ("ExpiredTokenException", AwsErrorKind::Credentials),
            ("DisabledException", AwsErrorKind::Disabled),
            ("KMSInvalidStateException", AwsErrorKind::InvalidState),
            ("MalformedPolicyDocumentException", AwsErrorKind::MalformedPolicy),
            ("ValidationException", AwsErrorKind::InvalidInput),
            ("InvalidArnException", AwsErrorKind::InvalidInput),
            ("InvalidCiphertextException", AwsErrorKind::InvalidInput),
            ("AlreadyExistsException", AwsErrorKind::AlreadyExists),
            ("ThrottlingException", AwsErrorKind::Throttled),
            ("KMSInternalException", AwsErrorKind::Other),
        ] {
            assert_eq!(kind_for_code(code), kind, "{code}");
        }
    }

    #[test]
    fn service_error_keeps_code_message_and_request_id() {
        let err = NotFoundException::builder()
            .message("Alias arn:aws:kms:us-east-2:111122223333:alias/x is not found.")
            .meta(ErrorMetadata::builder().code("NotFoundException").message("Alias ... is not found.").build())
            .build();
        let sdk = SdkError::service_error(DescribeKeyError::NotFoundException(err), response(400, "req-123"));
        let e = AwsError::from_sdk("kms:DescribeKey", "https://kms.us-east-2.amazonaws.com", sdk);
        assert_eq!(e.kind, AwsErrorKind::NotFound);
        assert_eq!(e.code.as_deref(), Some("NotFoundException"));
        assert_eq!(e.request_id.as_deref(), Some("req-123"));
        let shown = e.to_string();
        for needle in ["kms:DescribeKey", "NotFoundException", "is not found", "req-123"] {
            assert!(shown.contains(needle), "{needle} missing from {shown}");
        }
        assert!(!e.is_auth());
    }

    #[test]
    fn credential_provider_failure_is_credentials() {
        let creds = CredentialsError::not_loaded("no providers in chain provided credentials");
        let sdk: SdkError<DescribeKeyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(creds), None));
        let e = AwsError::from_sdk("kms:DescribeKey", "https://kms.us-east-2.amazonaws.com", sdk);
        assert_eq!(e.kind, AwsErrorKind::Credentials);
        assert!(e.is_auth());
        assert!(e.message.contains("no providers in chain"), "{}", e.message);
        assert!(e.next_step().is_some_and(|s| s.contains("aws sts get-caller-identity")));
    }

    #[test]
    fn transport_failure_is_network_and_names_the_endpoint() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let sdk: SdkError<DescribeKeyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let e = AwsError::from_sdk("kms:DescribeKey", "http://127.0.0.1:9", sdk);
        assert_eq!(e.kind, AwsErrorKind::Network);
        assert_eq!(e.code, None);
        assert!(e.to_string().contains("http://127.0.0.1:9"), "{e}");
        assert!(e.message.ends_with("io error: connection refused"), "{e}");
    }

    #[test]
    fn service_error_without_code_is_other() {
        let err = DescribeKeyError::generic(ErrorMetadata::builder().build());
        let sdk = SdkError::service_error(err, response(500, "req-9"));
        let e = AwsError::from_sdk("kms:DescribeKey", "https://kms.us-east-2.amazonaws.com", sdk);
        assert_eq!(e.kind, AwsErrorKind::Other);
        assert!(e.message.contains("HTTP 500"), "{}", e.message);
    }
}
