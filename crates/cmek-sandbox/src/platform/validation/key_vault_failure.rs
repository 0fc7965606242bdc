//! `KeyVaultFailure`: what a Key Vault (or Entra) call of the validator failed with, reduced from
//! `azure_core::Error` to what the validation sentences read: Key Vault's error code (the inner
//! one, e.g. `ForbiddenByRbac`), its message, and whether the key was missing or Azure unreachable.

use azure_core::error::ErrorKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyVaultFailureKind {
    /// HTTP 404.
    NotFound,
    /// No connection, or it broke.
    Network,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVaultFailure {
    pub kind: KeyVaultFailureKind,
    /// e.g. `keyvault:keys/wrapKey`.
    pub operation: &'static str,
    /// Key Vault's error code; `None` when it never answered.
    pub code: Option<String>,
    pub message: String,
}

impl KeyVaultFailure {
    pub fn new(kind: KeyVaultFailureKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self { kind, operation, code: None, message: message.into() }
    }
}

pub fn from_sdk(operation: &'static str, err: &azure_core::Error) -> KeyVaultFailure {
    match err.kind() {
        ErrorKind::HttpResponse { status, error_code, raw_response } => {
            let status = u16::from(*status);
            let (code, message) = match raw_response {
                Some(raw) => parse_error_body(&String::from_utf8_lossy(raw.body().as_ref())),
                None => (None, None),
            };
            let kind = if status == 404 { KeyVaultFailureKind::NotFound } else { KeyVaultFailureKind::Other };
            KeyVaultFailure {
                kind,
                operation,
                code: code.or_else(|| error_code.clone()),
                message: message.unwrap_or_else(|| format!("HTTP {status}")),
            }
        }
        ErrorKind::Connection | ErrorKind::Io => {
            KeyVaultFailure::new(KeyVaultFailureKind::Network, operation, err.to_string())
        }
        ErrorKind::DataConversion => {
            KeyVaultFailure::new(KeyVaultFailureKind::Other, operation, format!("unreadable answer: {err}"))
        }
        _ => KeyVaultFailure::new(KeyVaultFailureKind::Other, operation, err.to_string()),
    }
}

/// Reads `{"error":{"code","message","innererror":{"code"}}}`; the inner code wins because it is
/// the specific one (`ForbiddenByRbac` under `Forbidden`).
fn parse_error_body(body: &str) -> (Option<String>, Option<String>) {
    let Ok(value) = serde_json::from_str::<serde_json::Value>(body) else { return (None, None) };
    let error = &value["error"];
    let inner = error["innererror"]["code"].as_str().or_else(|| error["innerError"]["code"].as_str());
    let code = inner.or_else(|| error["code"].as_str()).map(str::to_string);
    let message = error["message"].as_str().map(str::to_string);
    (code, message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_prefer_the_inner_code() {
        let body = r#"{"error":{"code":"Forbidden","message":"m","innererror":{"code":"ForbiddenByRbac"}}}"#;
        assert_eq!(parse_error_body(body), (Some("ForbiddenByRbac".into()), Some("m".into())));
        assert_eq!(parse_error_body("not json"), (None, None));
        let io = azure_core::Error::with_message(ErrorKind::Io, "connection refused");
        let failure = from_sdk("keyvault:keys/get", &io);
        assert_eq!((failure.kind, failure.code), (KeyVaultFailureKind::Network, None));
    }
}
