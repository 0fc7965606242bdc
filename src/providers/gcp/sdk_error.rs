//! Maps a `google_cloud_gax::error::Error` (the KMS client's, its credentials' included) to
//! `GcpError`, so no SDK error type leaves this folder. The status and its `ErrorInfo` decide the
//! kind; the HTTP status is the fallback when the body was not Google's error JSON.

use std::error::Error as _;
use std::time::{Duration, SystemTime};

use cmek_core::retry::RetryPolicy;
use cmek_core::text::escape_controls;
use google_cloud_gax::error::Error as SdkError;
use google_cloud_gax::error::rpc::{Code, StatusDetails};

use super::error::{GcpError, GcpErrorInfo, GcpErrorKind};

/// The most of a message or body that is kept.
const MAX_MESSAGE_CHARS: usize = 1000;

pub(crate) fn from_sdk(operation: &'static str, resource: &str, err: &SdkError) -> GcpError {
    let http_status = err.http_status_code();
    let retry_after = err.http_headers().and_then(|h| {
        let value = h.get("retry-after").and_then(|v| v.to_str().ok());
        RetryPolicy::STANDARD.server_requested_wait(None, value, SystemTime::now())
    });
    let e = if let Some(status) = err.status() {
        let info = status.details.iter().find_map(|d| match d {
            StatusDetails::ErrorInfo(info) => Some(info),
            _ => None,
        });
        let info = info.map(|i| GcpErrorInfo {
            reason: clean(&i.reason),
            domain: clean(&i.domain),
            metadata: i.metadata.iter().map(|(k, v)| (clean(k), clean(v))).collect(),
        });
        let reason = info.as_ref().map(|i| i.reason.as_str()).filter(|r| !r.is_empty());
        let metadata = info.as_ref().map(|i| &i.metadata);
        let kind = kind_of(operation, status.code, http_status, reason, metadata, &status.message);
        let server_wait = status.details.iter().find_map(|d| match d {
            StatusDetails::RetryInfo(r) => r.retry_delay.and_then(|d| Duration::try_from(d).ok()),
            _ => None,
        });
        let status_name = match status.code {
            Code::Unknown => http_status.and_then(status_for_http),
            code => Some(code.name()),
        };
        GcpError {
            status: status_name,
            http_status,
            message: clip(&clean(&status.message)),
            info: info.map(Box::new),
            retry_after: retry_after.or(server_wait.filter(|w| RetryPolicy::STANDARD.honours(*w))),
            ..GcpError::new(kind, operation, String::new())
        }
    } else if err.is_authentication() {
        let mut e = GcpError::new(
            GcpErrorKind::Unauthenticated,
            operation,
            clip(&clean(&format!("no usable Google credential: {}", chain(err)))),
        );
        // A metadata server or token endpoint that did not answer: another attempt may work.
        e.transient = err.is_transient_and_before_rpc();
        e
    } else if err.is_timeout() {
        GcpError::new(GcpErrorKind::Network, operation, clip(&clean(&format!("no answer in time: {}", chain(err)))))
    } else if let Some(code) = http_status {
        // An answer that is not Google's error JSON (a proxy, a load balancer).
        let kind = kind_of(operation, Code::Unknown, Some(code), None, None, "");
        let body = err.http_payload().map(|b| String::from_utf8_lossy(b).trim().to_string()).unwrap_or_default();
        let message = if body.is_empty() { format!("HTTP {code}") } else { format!("HTTP {code}: {body}") };
        GcpError {
            status: status_for_http(code),
            http_status,
            retry_after,
            ..GcpError::new(kind, operation, clip(&clean(&message)))
        }
    } else if err.is_deserialization() {
        GcpError::new(GcpErrorKind::Other, operation, clip(&clean(&format!("unreadable answer: {}", chain(err)))))
    } else if err.is_binding() || err.is_serialization() {
        GcpError::new(
            GcpErrorKind::InvalidArgument,
            operation,
            clip(&clean(&format!("the request could not be built: {}", chain(err)))),
        )
    } else {
        // Connection refused or reset, DNS, TLS, an answer cut short.
        GcpError::new(
            GcpErrorKind::Network,
            operation,
            clip(&clean(&format!("could not reach Cloud KMS: {}", chain(err)))),
        )
    };
    e.on(resource)
}

/// The kind a status (and, failing that, the HTTP status) and its ErrorInfo mean.
fn kind_of(
    operation: &str,
    code: Code,
    http_status: Option<u16>,
    reason: Option<&str>,
    metadata: Option<&std::collections::BTreeMap<String, String>>,
    message: &str,
) -> GcpErrorKind {
    let set_iam_policy = operation.ends_with(".setIamPolicy");
    if reason == Some("SERVICE_DISABLED") {
        return GcpErrorKind::ServiceDisabled;
    }
    let vpc_id = metadata.is_some_and(|m| m.contains_key("vpcServiceControlsUniqueIdentifier"));
    if reason == Some("SECURITY_POLICY_VIOLATED") || vpc_id {
        return GcpErrorKind::VpcServiceControls;
    }
    if set_iam_policy && message.contains("do not belong to a permitted customer") {
        return GcpErrorKind::DomainRestricted;
    }
    match code {
        Code::NotFound => GcpErrorKind::NotFound,
        Code::AlreadyExists => GcpErrorKind::AlreadyExists,
        Code::PermissionDenied => GcpErrorKind::PermissionDenied,
        Code::Unauthenticated => GcpErrorKind::Unauthenticated,
        Code::Aborted if set_iam_policy => GcpErrorKind::StaleEtag,
        Code::Aborted => GcpErrorKind::Conflict,
        Code::FailedPrecondition => GcpErrorKind::FailedPrecondition,
        Code::InvalidArgument | Code::OutOfRange => GcpErrorKind::InvalidArgument,
        Code::ResourceExhausted => GcpErrorKind::Throttled,
        Code::Unavailable | Code::Internal | Code::DeadlineExceeded => GcpErrorKind::Unavailable,
        _ => match http_status {
            Some(401) => GcpErrorKind::Unauthenticated,
            Some(403) => GcpErrorKind::PermissionDenied,
            Some(404) => GcpErrorKind::NotFound,
            Some(409) if set_iam_policy => GcpErrorKind::StaleEtag,
            Some(409) => GcpErrorKind::Conflict,
            Some(429) => GcpErrorKind::Throttled,
            Some(400) => GcpErrorKind::InvalidArgument,
            Some(s) if s >= 500 => GcpErrorKind::Unavailable,
            _ => GcpErrorKind::Other,
        },
    }
}

/// The canonical status an HTTP status stands for (Google's mapping), for answers without one.
fn status_for_http(code: u16) -> Option<&'static str> {
    Some(match code {
        400 => "INVALID_ARGUMENT",
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 => "NOT_FOUND",
        409 => "ABORTED",
        429 => "RESOURCE_EXHAUSTED",
        499 => "CANCELLED",
        500 => "INTERNAL",
        501 => "UNIMPLEMENTED",
        503 => "UNAVAILABLE",
        504 => "DEADLINE_EXCEEDED",
        _ => return None,
    })
}

/// Every cause's message, outermost first; a cause already spelled out by its parent is skipped.
fn chain(err: &SdkError) -> String {
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

fn clean(text: &str) -> String {
    escape_controls(text).into_owned()
}

fn clip(text: &str) -> String {
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_MESSAGE_CHARS).collect();
    if chars.next().is_some() { format!("{head}...") } else { head }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn the_status_error_info_and_operation_decide_the_kind() {
        let kind = |op: &str, code: Code, http: Option<u16>, reason: Option<&str>, message: &str| {
            kind_of(op, code, http, reason, None, message)
        };
        let get = "cloudkms.cryptoKeys.get";
        let set = "cloudkms.cryptoKeys.setIamPolicy";
        assert_eq!(
            kind(get, Code::PermissionDenied, Some(403), Some("SERVICE_DISABLED"), ""),
            GcpErrorKind::ServiceDisabled
        );
        assert_eq!(
            kind(get, Code::PermissionDenied, Some(403), Some("SECURITY_POLICY_VIOLATED"), ""),
            GcpErrorKind::VpcServiceControls
        );
        let vpc = BTreeMap::from([("vpcServiceControlsUniqueIdentifier".to_string(), "x".to_string())]);
        assert_eq!(kind_of(get, Code::PermissionDenied, None, None, Some(&vpc), ""), GcpErrorKind::VpcServiceControls);
        assert_eq!(kind(get, Code::PermissionDenied, Some(403), None, ""), GcpErrorKind::PermissionDenied);
        assert_eq!(kind(set, Code::Aborted, Some(409), None, ""), GcpErrorKind::StaleEtag);
        assert_eq!(kind(get, Code::Aborted, Some(409), None, ""), GcpErrorKind::Conflict);
        assert_eq!(
            kind(
                set,
                Code::FailedPrecondition,
                Some(400),
                None,
                "One or more users named in the policy do not belong to a permitted customer."
            ),
            GcpErrorKind::DomainRestricted
        );
        assert_eq!(kind(get, Code::FailedPrecondition, Some(400), None, ""), GcpErrorKind::FailedPrecondition);
        assert_eq!(kind(get, Code::Unavailable, Some(503), None, ""), GcpErrorKind::Unavailable);
        assert_eq!(kind(get, Code::ResourceExhausted, Some(429), None, ""), GcpErrorKind::Throttled);
        // No status in the body: the HTTP status decides.
        assert_eq!(kind(get, Code::Unknown, Some(502), None, ""), GcpErrorKind::Unavailable);
        assert_eq!(kind(set, Code::Unknown, Some(409), None, ""), GcpErrorKind::StaleEtag);
        assert_eq!(kind(get, Code::Unknown, Some(404), None, ""), GcpErrorKind::NotFound);
        assert_eq!(kind(get, Code::Unknown, None, None, ""), GcpErrorKind::Other);
    }

    #[test]
    fn long_messages_are_clipped() {
        assert_eq!(clip("short"), "short");
        let long = "x".repeat(MAX_MESSAGE_CHARS + 5);
        assert_eq!(clip(&long).chars().count(), MAX_MESSAGE_CHARS + 3);
    }
}
