//! `GcpError`: what a Cloud KMS call failed with, reduced to plain data (the status name, the
//! message, the `ErrorInfo` reason, domain and metadata) with a next step. No SDK type leaves this
//! folder through it; text from the network is sanitised (`escape_controls`) before it is kept.

use std::collections::BTreeMap;
use std::fmt;
use std::time::Duration;

/// What kind of failure, coarse enough for callers to react and decide on exit codes and hints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum GcpErrorKind {
    /// NOT_FOUND.
    NotFound,
    /// ALREADY_EXISTS.
    AlreadyExists,
    /// PERMISSION_DENIED by IAM (or by a deny policy).
    PermissionDenied,
    /// PERMISSION_DENIED with reason SERVICE_DISABLED: the Cloud KMS API is off in the project (GCP-01).
    ServiceDisabled,
    /// PERMISSION_DENIED by a VPC Service Controls perimeter (SECURITY_POLICY_VIOLATED, GCP-08).
    VpcServiceControls,
    /// UNAUTHENTICATED, or no usable credential (nothing was sent).
    Unauthenticated,
    /// ABORTED on setIamPolicy: the etag is stale, the policy changed since it was read. Re-read the
    /// policy, re-apply the change, write again.
    StaleEtag,
    /// ABORTED elsewhere: a concurrent change.
    Conflict,
    /// FAILED_PRECONDITION from setIamPolicy saying a member is not of a permitted customer:
    /// domain-restricted sharing (`iam.allowedPolicyMemberDomains`, GCP-07).
    DomainRestricted,
    /// FAILED_PRECONDITION otherwise (e.g. a version in the wrong state).
    FailedPrecondition,
    /// INVALID_ARGUMENT, OUT_OF_RANGE, or a request that could not be built.
    InvalidArgument,
    /// RESOURCE_EXHAUSTED: quota or rate limit.
    Throttled,
    /// UNAVAILABLE, INTERNAL, DEADLINE_EXCEEDED, UNKNOWN with a 5xx.
    Unavailable,
    /// No answer: connection refused or reset, DNS, timeout.
    Network,
    /// Anything else (an unreadable answer, UNIMPLEMENTED, ...).
    Other,
}

/// A failed Cloud KMS call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GcpError {
    pub kind: GcpErrorKind,
    /// The IAM permission of the call, e.g. `cloudkms.cryptoKeys.get` (`credentials` when no
    /// credential could be made).
    pub operation: &'static str,
    /// The resource the call was about (`projects/P/locations/L/keyRings/R/cryptoKeys/K`).
    pub resource: Option<String>,
    /// The canonical status name (`NOT_FOUND`, `PERMISSION_DENIED`, `ABORTED`, ...); `None` when
    /// the service never answered.
    pub status: Option<&'static str>,
    /// The HTTP status of the answer; `None` when the service never answered.
    pub http_status: Option<u16>,
    /// The service's message (sanitised), or what went wrong on the way.
    pub message: String,
    /// The answer's `ErrorInfo` detail, when it had one.
    pub info: Option<Box<GcpErrorInfo>>,
    /// Whether another attempt may succeed.
    pub transient: bool,
    /// The wait the service asked for (`Retry-After`, `RetryInfo`), when the policy honours it.
    pub retry_after: Option<Duration>,
}

/// Google's `ErrorInfo` (sanitised): why, in the service's words.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GcpErrorInfo {
    /// e.g. `SERVICE_DISABLED`, `SECURITY_POLICY_VIOLATED`, `IAM_PERMISSION_DENIED`.
    pub reason: String,
    /// e.g. `googleapis.com`, `cloudkms.googleapis.com`.
    pub domain: String,
    /// e.g. `service`, `consumer`, `permission`, `vpcServiceControlsUniqueIdentifier`.
    pub metadata: BTreeMap<String, String>,
}

impl GcpError {
    pub(crate) fn new(kind: GcpErrorKind, operation: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            operation,
            resource: None,
            status: None,
            http_status: None,
            message: message.into(),
            info: None,
            transient: transient_kind(kind),
            retry_after: None,
        }
    }

    pub(crate) fn on(mut self, resource: &str) -> Self {
        self.resource = Some(cmek_core::text::escape_controls(resource).into_owned());
        self
    }

    /// `ErrorInfo.reason`, when the answer had one.
    pub fn reason(&self) -> Option<&str> {
        self.info.as_ref().map(|i| i.reason.as_str()).filter(|r| !r.is_empty())
    }

    /// One `ErrorInfo.metadata` value.
    pub fn metadata(&self, key: &str) -> Option<&str> {
        self.info.as_ref().and_then(|i| i.metadata.get(key)).map(String::as_str)
    }

    /// Authentication or authorisation failed (exit code 3).
    pub fn is_auth(&self) -> bool {
        matches!(
            self.kind,
            GcpErrorKind::PermissionDenied
                | GcpErrorKind::ServiceDisabled
                | GcpErrorKind::VpcServiceControls
                | GcpErrorKind::Unauthenticated
        )
    }

    /// The project of the resource (`projects/P/...`), else the `consumer` ErrorInfo names.
    pub fn project(&self) -> Option<String> {
        let from = |name: &str| name.strip_prefix("projects/").and_then(|r| r.split('/').next()).map(str::to_string);
        self.resource
            .as_deref()
            .and_then(from)
            .or_else(|| self.metadata("consumer").and_then(from))
            .filter(|p| !p.is_empty())
    }

    /// What the user can do next.
    pub fn next_step(&self) -> Option<String> {
        let project = self.project();
        let project_flag = project.as_deref().map(|p| format!(" --project {p}")).unwrap_or_default();
        let step = match self.kind {
            GcpErrorKind::ServiceDisabled => {
                let service = self.metadata("service").unwrap_or("cloudkms.googleapis.com");
                format!(
                    "enable the API (GCP-01), then retry in a minute: `gcloud services enable {service}{project_flag}`"
                )
            }
            GcpErrorKind::VpcServiceControls => {
                let id = self
                    .metadata("vpcServiceControlsUniqueIdentifier")
                    .map(|id| format!("; the denial's id in the audit logs is {id}"))
                    .unwrap_or_default();
                format!(
                    "a VPC Service Controls perimeter protects cloudkms.googleapis.com (GCP-08): run from inside it \
                     or add an ingress rule or access level for this identity, and one for Anthropic's service \
                     account, which calls from outside{id}"
                )
            }
            GcpErrorKind::PermissionDenied => format!(
                "the signed-in identity needs `{}` on {} (e.g. roles/cloudkms.admin on the key ring or project); \
                 check with `gcloud auth list` and the resource's IAM policy",
                self.operation,
                self.resource.as_deref().unwrap_or("this resource")
            ),
            GcpErrorKind::Unauthenticated => "sign in for Application Default Credentials (`gcloud auth \
                application-default login`), or set GOOGLE_APPLICATION_CREDENTIALS to a service account key or a \
                workload identity federation configuration; on Google Cloud the metadata server's service account \
                is used"
                .to_string(),
            GcpErrorKind::StaleEtag => {
                "the IAM policy changed while it was being updated: read it again and re-apply the change".to_string()
            }
            GcpErrorKind::DomainRestricted => "an organisation policy restricts IAM members to permitted customers \
                (GCP-07: `iam.allowedPolicyMemberDomains` or `iam.managed.allowedPolicyMembers`): allow Anthropic's \
                service account for this project (an exception, or Anthropic's customer id), then retry"
                .to_string(),
            GcpErrorKind::NotFound => format!(
                "check the project, location, key ring and key names (`gcloud kms keys list --keyring <ring> \
                 --location <location>{project_flag}`)"
            ),
            GcpErrorKind::Throttled => "Cloud KMS quota is exhausted: wait a minute and retry".to_string(),
            GcpErrorKind::Unavailable => "Cloud KMS is unavailable: retry in a few minutes".to_string(),
            GcpErrorKind::Network => {
                "check the network path to Cloud KMS (proxy, DNS, firewall) and the endpoint, then retry".to_string()
            }
            GcpErrorKind::AlreadyExists
            | GcpErrorKind::Conflict
            | GcpErrorKind::FailedPrecondition
            | GcpErrorKind::InvalidArgument
            | GcpErrorKind::Other => return None,
        };
        Some(step)
    }
}

/// Whether a kind is worth another attempt: throttling, unavailability, no answer. ABORTED is not:
/// on setIamPolicy the caller re-reads and re-applies; elsewhere the caller looks again.
pub(crate) fn transient_kind(kind: GcpErrorKind) -> bool {
    matches!(kind, GcpErrorKind::Throttled | GcpErrorKind::Unavailable | GcpErrorKind::Network)
}

impl fmt::Display for GcpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.operation)?;
        if let Some(resource) = &self.resource {
            write!(f, " on {resource}")?;
        }
        write!(f, " failed")?;
        match (self.status, self.reason()) {
            (Some(status), Some(reason)) => write!(f, " ({status}, {reason})")?,
            (Some(status), None) => write!(f, " ({status})")?,
            (None, Some(reason)) => write!(f, " ({reason})")?,
            (None, None) => {}
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for GcpError {}

impl crate::retry::RemoteError for GcpError {
    fn transient(&self) -> Option<Option<Duration>> {
        self.transient.then_some(self.retry_after)
    }

    fn noted(mut self, note: &str) -> Self {
        self.message = format!("{} ({note})", self.message);
        self
    }
}

/// The edge error: PERMISSION_DENIED (API disabled and VPC Service Controls included) and
/// UNAUTHENTICATED are auth (exit 3), everything else remote (exit 4); the next step is the hint.
impl From<GcpError> for crate::error::Error {
    fn from(e: GcpError) -> Self {
        use crate::error::{Error, ErrorKind};
        let kind = if e.is_auth() { ErrorKind::Auth } else { ErrorKind::Remote };
        let err = Error::new(kind, format!("Google Cloud KMS: {e}"));
        match e.next_step() {
            Some(h) => err.with_hint(h),
            None => err,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, ErrorKind};

    const KEY: &str = "projects/cmek-prod-1234/locations/us-central1/keyRings/r/cryptoKeys/k";

    #[test]
    fn kinds_map_to_exit_codes_with_next_steps() {
        let disabled = GcpError {
            info: Some(Box::new(GcpErrorInfo { reason: "SERVICE_DISABLED".into(), ..Default::default() })),
            status: Some("PERMISSION_DENIED"),
            ..GcpError::new(GcpErrorKind::ServiceDisabled, "cloudkms.cryptoKeys.get", "Cloud KMS API has not been used")
        }
        .on(KEY);
        let e = Error::from(disabled);
        assert_eq!(e.kind, ErrorKind::Auth);
        assert!(e.message.contains(KEY) && e.message.contains("SERVICE_DISABLED"), "{}", e.message);
        assert!(e.hints[0].contains("gcloud services enable cloudkms.googleapis.com --project cmek-prod-1234"));

        let stale = GcpError::new(GcpErrorKind::StaleEtag, "cloudkms.cryptoKeys.setIamPolicy", "etag").on(KEY);
        assert!(!stale.transient);
        assert_eq!(Error::from(stale).kind, ErrorKind::Remote);
        assert_eq!(Error::from(GcpError::new(GcpErrorKind::Unauthenticated, "credentials", "x")).kind, ErrorKind::Auth);
        assert_eq!(
            Error::from(GcpError::new(GcpErrorKind::NotFound, "cloudkms.cryptoKeys.get", "x")).kind,
            ErrorKind::Remote
        );
        assert!(GcpError::new(GcpErrorKind::Unavailable, "cloudkms.cryptoKeys.get", "x").transient);
        assert_eq!(Error::from(GcpError::new(GcpErrorKind::Other, "cloudkms.cryptoKeys.get", "x")).hints.len(), 0);
    }

    #[test]
    fn the_project_falls_back_to_the_consumer_and_the_vpc_id_is_named() {
        let mut e = GcpError::new(GcpErrorKind::VpcServiceControls, "cloudkms.keyRings.get", "Request is prohibited");
        e.info = Some(Box::new(GcpErrorInfo {
            reason: "SECURITY_POLICY_VIOLATED".into(),
            domain: "googleapis.com".into(),
            metadata: BTreeMap::from([
                ("consumer".to_string(), "projects/987654321".to_string()),
                ("vpcServiceControlsUniqueIdentifier".to_string(), "vpcsc-123".to_string()),
            ]),
        }));
        assert_eq!(e.project().as_deref(), Some("987654321"));
        assert!(e.next_step().unwrap().contains("vpcsc-123"));
    }
}
