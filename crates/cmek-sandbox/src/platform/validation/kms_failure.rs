//! `KmsFailure`: what a KMS or STS call of the validator failed with, reduced from the AWS SDK's
//! error types to the few facts the validation sentences need (kind, AWS error code, message,
//! request id).
//!
//! Its `Display` is the text the sentences quote (`kms:Encrypt failed with <code>: <message>
//! (request id <id>)`), so doctor's mapping of validation errors does not depend on the SDK's
//! own formatting. Messages come from AWS or the transport; neither carries credentials.

use std::error::Error as StdError;
use std::fmt;

use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_kms::config::http::HttpResponse;
use aws_sdk_kms::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_kms::operation::RequestId;

/// The kinds of failure validation tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KmsFailureKind {
    /// The key does not exist (in this account and region).
    NotFound,
    /// Authenticated, but the key policy (or an explicit Deny) refuses the call.
    AccessDenied,
    /// The credentials were refused or could not be used.
    Credentials,
    Disabled,
    /// The key's state forbids the call (e.g. pending deletion).
    InvalidState,
    /// The endpoint could not be reached or did not answer in time.
    Network,
    Other,
}

/// A failed call: which operation (IAM action name), the AWS error code, its message, the request id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KmsFailure {
    pub kind: KmsFailureKind,
    pub operation: &'static str,
    /// e.g. `NotFoundException`; `None` when AWS never answered.
    pub code: Option<String>,
    pub message: String,
    pub request_id: Option<String>,
}

impl KmsFailure {
    pub fn new(kind: KmsFailureKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self { kind, operation, code: None, message: message.into(), request_id: None }
    }

    /// Reduces an SDK error of a KMS or STS call; `endpoint` (free of user info) is named in
    /// transport failures.
    pub fn from_sdk<E>(operation: &'static str, endpoint: &str, err: SdkError<E, HttpResponse>) -> Self
    where
        E: ProvideErrorMetadata + StdError + Send + Sync + 'static,
    {
        let request_id = err.request_id().map(str::to_string);
        if let Some(creds) = credentials_error_in_chain(&err) {
            let message = format!("no usable AWS credentials: {}", error_chain(creds));
            return Self { kind: KmsFailureKind::Credentials, operation, code: None, message, request_id };
        }
        let (kind, code, message) = match &err {
            SdkError::ServiceError(service) => {
                let code = service.err().code().map(str::to_string);
                let kind = code.as_deref().map_or(KmsFailureKind::Other, kind_for_code);
                let message = match service.err().message() {
                    Some(m) if !m.is_empty() => m.to_string(),
                    _ => format!("{} answered HTTP {}", endpoint, service.raw().status().as_u16()),
                };
                (kind, code, message)
            }
            SdkError::DispatchFailure(_) => {
                (KmsFailureKind::Network, None, format!("could not reach {endpoint}: {}", error_chain(&err)))
            }
            SdkError::TimeoutError(_) => {
                (KmsFailureKind::Network, None, format!("no answer from {endpoint} in time: {}", error_chain(&err)))
            }
            SdkError::ResponseError(_) => {
                (KmsFailureKind::Other, None, format!("unreadable answer from {endpoint}: {}", error_chain(&err)))
            }
            SdkError::ConstructionFailure(_) => {
                (KmsFailureKind::Other, None, format!("could not build the request: {}", error_chain(&err)))
            }
            // `SdkError` is non-exhaustive.
            _ => (KmsFailureKind::Other, None, error_chain(&err)),
        };
        Self { kind, operation, code, message, request_id }
    }
}

impl fmt::Display for KmsFailure {
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

impl StdError for KmsFailure {}

/// The kind an AWS error code (KMS's JSON or STS's query protocol) stands for.
fn kind_for_code(code: &str) -> KmsFailureKind {
    match code {
        "NotFoundException" => KmsFailureKind::NotFound,
        "AccessDeniedException" | "AccessDenied" | "UnauthorizedOperation" => KmsFailureKind::AccessDenied,
        "InvalidClientTokenId"
        | "UnrecognizedClientException"
        | "SignatureDoesNotMatch"
        | "InvalidSignatureException"
        | "IncompleteSignature"
        | "ExpiredToken"
        | "ExpiredTokenException"
        | "MissingAuthenticationToken"
        | "MissingAuthenticationTokenException"
        | "InvalidAccessKeyId" => KmsFailureKind::Credentials,
        "DisabledException" => KmsFailureKind::Disabled,
        "KMSInvalidStateException" => KmsFailureKind::InvalidState,
        _ => KmsFailureKind::Other,
    }
}

/// Every cause's message, outermost first, joined by `: ` (the SDK's own context formatter adds
/// a Debug dump that is noise in a sentence). A cause already spelled out by its parent is skipped.
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

/// The credential provider's error, if resolving credentials is what failed: the SDK reports it
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

#[cfg(test)]
mod tests {
    use aws_sdk_kms::error::{ConnectorError, ErrorMetadata};
    use aws_sdk_kms::operation::describe_key::DescribeKeyError;
    use aws_sdk_kms::types::error::NotFoundException;
    use aws_smithy_types::body::SdkBody;

    use super::*;

    #[test]
    fn service_errors_keep_code_message_and_request_id() {
        let message = "Key 'arn:aws:kms:us-east-2:111122223333:key/x' does not exist";
        let err = NotFoundException::builder()
            .message(message)
            .meta(ErrorMetadata::builder().code("NotFoundException").message(message).build())
            .build();
        let mut raw = HttpResponse::new(400.try_into().unwrap(), SdkBody::empty());
        raw.headers_mut().insert("x-amzn-RequestId", "req-123");
        let sdk = SdkError::service_error(DescribeKeyError::NotFoundException(err), raw);
        let e = KmsFailure::from_sdk("kms:DescribeKey", "http://127.0.0.1:9", sdk);
        assert_eq!((e.kind, e.code.as_deref()), (KmsFailureKind::NotFound, Some("NotFoundException")));
        assert_eq!(
            e.to_string(),
            "kms:DescribeKey failed with NotFoundException: Key 'arn:aws:kms:us-east-2:111122223333:key/x' does not \
             exist (request id req-123)"
        );
        assert_eq!(kind_for_code("AccessDeniedException"), KmsFailureKind::AccessDenied);
        assert_eq!(kind_for_code("KMSInvalidStateException"), KmsFailureKind::InvalidState);
        assert_eq!(kind_for_code("KMSInternalException"), KmsFailureKind::Other);
    }

    #[test]
    fn transport_and_credential_failures_say_so() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "connection refused");
        let sdk: SdkError<DescribeKeyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::io(Box::new(io)));
        let e = KmsFailure::from_sdk("kms:DescribeKey", "http://127.0.0.1:9", sdk);
        assert_eq!((e.kind, e.code.clone()), (KmsFailureKind::Network, None));
        assert!(e.message.starts_with("could not reach http://127.0.0.1:9") && e.message.ends_with("refused"), "{e}");

        let creds = CredentialsError::not_loaded("no providers in chain provided credentials");
        let sdk: SdkError<DescribeKeyError, HttpResponse> =
            SdkError::dispatch_failure(ConnectorError::other(Box::new(creds), None));
        let e = KmsFailure::from_sdk("kms:DescribeKey", "http://127.0.0.1:9", sdk);
        assert_eq!(e.kind, KmsFailureKind::Credentials);
        assert!(e.message.starts_with("no usable AWS credentials: "), "{e}");
    }
}
