//! The errors the emulator answers with: a KMS error (code, message, HTTP status) and an STS
//! error (code, message, status), with the codes and message forms AWS uses.
//!
//! How they are put on the wire is `protocol_json`'s and `protocol_query`'s job.

/// A KMS error: `{"__type": code, "message": message}` with `x-amzn-ErrorType: code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct KmsError {
    pub code: &'static str,
    pub message: String,
    pub status: u16,
}

impl KmsError {
    /// A client error (HTTP 400), as KMS answers nearly every failure.
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), status: 400 }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self { code: "KMSInternalException", message: message.into(), status: 500 }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("NotFoundException", message)
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationException", message)
    }

    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new("KMSInvalidStateException", message)
    }

    pub fn malformed_policy(message: impl Into<String>) -> Self {
        Self::new("MalformedPolicyDocumentException", message)
    }

    pub fn serialization(message: impl Into<String>) -> Self {
        Self::new("SerializationException", message)
    }

    /// AWS's one-constraint validation sentence, e.g. for `member` = `pendingWindowInDays`.
    pub fn constraint(value: &str, member: &str, constraint: &str) -> Self {
        Self::validation(constraint_message(value, member, constraint))
    }
}

/// An STS error, answered as `<ErrorResponse><Error><Type>Sender</Type><Code>..`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct StsError {
    pub code: &'static str,
    pub message: String,
    pub status: u16,
}

impl StsError {
    pub fn new(code: &'static str, status: u16, message: impl Into<String>) -> Self {
        Self { code, message: message.into(), status }
    }

    pub fn validation(message: impl Into<String>) -> Self {
        Self::new("ValidationError", 400, message)
    }

    pub fn access_denied(message: impl Into<String>) -> Self {
        Self::new("AccessDenied", 403, message)
    }

    /// `Sender` for client faults, `Receiver` for the service's own.
    pub fn fault_type(&self) -> &'static str {
        if self.status >= 500 { "Receiver" } else { "Sender" }
    }
}

/// "1 validation error detected: Value 'x' at 'member' failed to satisfy constraint: ...".
/// `value` is shown as AWS shows it: quoted, or `null` for a missing member.
pub(super) fn constraint_message(value: &str, member: &str, constraint: &str) -> String {
    let shown = if value == "null" { "null".to_string() } else { format!("'{}'", shorten(value)) };
    format!("1 validation error detected: Value {shown} at '{member}' failed to satisfy constraint: {constraint}")
}

/// A value quoted in a message, cut so an error never echoes a whole request body.
pub(super) fn shorten(value: &str) -> String {
    const MAX: usize = 256;
    if value.chars().count() <= MAX { value.to_string() } else { value.chars().take(MAX).collect::<String>() + "..." }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_messages_have_aws_form() {
        assert_eq!(
            constraint_message("5", "pendingWindowInDays", "Member must have value greater than or equal to 7"),
            "1 validation error detected: Value '5' at 'pendingWindowInDays' failed to satisfy constraint: Member \
             must have value greater than or equal to 7"
        );
        assert!(constraint_message("null", "keyId", "Member must not be null").contains("Value null at 'keyId'"));
        assert!(shorten(&"x".repeat(1000)).len() < 300);
        assert_eq!(KmsError::internal("x").status, 500);
        assert_eq!(StsError::new("InternalFailure", 500, "x").fault_type(), "Receiver");
        assert_eq!(StsError::access_denied("x").fault_type(), "Sender");
    }
}
