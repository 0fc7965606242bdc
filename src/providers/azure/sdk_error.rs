//! Maps an `azure_core::Error` (official clients and credentials) to `AzureError`, so no SDK
//! error type leaves this folder.

use azure_core::error::ErrorKind;
use azure_core::http::headers::HeaderName;

use super::error::{AzureError, AzureErrorKind, kind_of, parse_error_body, retry_after};

pub(crate) fn from_sdk(operation: &'static str, err: &azure_core::Error) -> AzureError {
    match err.kind() {
        ErrorKind::HttpResponse { status, error_code, raw_response } => {
            let status = u16::from(*status);
            let (code, message, request_id, wait) = match raw_response {
                Some(raw) => {
                    let body = String::from_utf8_lossy(raw.body().as_ref()).into_owned();
                    let (code, message) = parse_error_body(&body);
                    let request_id = raw.headers().get_optional_string(&HeaderName::from_static("x-ms-request-id"));
                    let wait = retry_after(|h| raw.headers().get_optional_string(&HeaderName::from(h.to_string())));
                    (code, message, request_id, wait)
                }
                None => (None, None, None, None),
            };
            let code = code.or_else(|| error_code.clone());
            AzureError {
                kind: kind_of(status, code.as_deref()),
                operation,
                code,
                message: message.unwrap_or_else(|| format!("HTTP {status}")),
                request_id,
                status: Some(status),
                retry_after: wait,
            }
        }
        ErrorKind::Credential => AzureError::new(AzureErrorKind::Unauthenticated, operation, err.to_string()),
        ErrorKind::Connection | ErrorKind::Io => AzureError::new(AzureErrorKind::Network, operation, err.to_string()),
        ErrorKind::DataConversion => {
            AzureError::new(AzureErrorKind::Other, operation, format!("unreadable answer: {err}"))
        }
        _ => AzureError::new(AzureErrorKind::Other, operation, err.to_string()),
    }
}
