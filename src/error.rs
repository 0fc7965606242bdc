//! The edge error type is the core's [`cmek_core::error::Error`]; this module turns the clients'
//! errors (Admin API, credentials, AWS, Azure) into it, each with its exit kind and next step.

pub use cmek_core::error::{Error, ErrorKind, Result};

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
