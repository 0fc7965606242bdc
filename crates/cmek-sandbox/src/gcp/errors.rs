//! Errors as Google's REST front end sends them: the HTTP status and
//! `{"error":{"code","message","status","details":[{"@type":"...ErrorInfo","reason","domain","metadata"}]}}`,
//! with the wording of the real service where clients and `cmek doctor` read it (permission
//! denied, API disabled, VPC Service Controls, domain-restricted sharing, a stale etag).

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

const KMS: &str = "cloudkms.googleapis.com";
const ERROR_INFO: &str = "type.googleapis.com/google.rpc.ErrorInfo";
const PRECONDITION_FAILURE: &str = "type.googleapis.com/google.rpc.PreconditionFailure";

/// One error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct GoogleError {
    pub http: u16,
    /// The canonical code's name (`NOT_FOUND`, `PERMISSION_DENIED`, ...).
    pub status: &'static str,
    pub message: String,
    pub details: Vec<Value>,
}

pub type GResult<T> = Result<T, GoogleError>;

fn error_info(reason: &str, domain: &str, metadata: Value) -> Value {
    json!({ "@type": ERROR_INFO, "reason": reason, "domain": domain, "metadata": metadata })
}

impl GoogleError {
    fn new(http: u16, status: &'static str, message: impl Into<String>) -> Self {
        // Every Cloud KMS error carries an ErrorInfo; plain ones name the status as the reason.
        let details = vec![error_info(status, KMS, json!({}))];
        Self { http, status, message: message.into(), details }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new(400, "INVALID_ARGUMENT", message)
    }

    /// Cloud KMS answers FAILED_PRECONDITION with HTTP 400 (a disabled version, a key of the
    /// wrong purpose, a refused policy member).
    pub fn failed_precondition(message: impl Into<String>) -> Self {
        Self::new(400, "FAILED_PRECONDITION", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(404, "NOT_FOUND", message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new(409, "ALREADY_EXISTS", message)
    }

    /// A read-modify-write raced another writer (setIamPolicy with a stale etag).
    pub fn aborted(message: impl Into<String>) -> Self {
        Self::new(409, "ABORTED", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(500, "INTERNAL", message)
    }

    /// No token (`CREDENTIALS_MISSING`) or one the sandbox never issued.
    pub fn unauthenticated(missing: bool) -> Self {
        let (message, reason) = if missing {
            (
                "Request is missing required authentication credential. Expected OAuth 2 access token, login cookie \
                 or other valid authentication credential. See \
                 https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "CREDENTIALS_MISSING",
            )
        } else {
            (
                "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other \
                 valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.",
                "ACCESS_TOKEN_TYPE_UNSUPPORTED",
            )
        };
        let mut e = Self::new(401, "UNAUTHENTICATED", message);
        e.details = vec![error_info(reason, "googleapis.com", json!({ "service": KMS }))];
        e
    }

    /// IAM refused `permission` on `resource` (no binding grants it, or a deny policy denies it:
    /// Google words both the same).
    pub fn permission_denied(permission: &str, resource: &str) -> Self {
        let mut e = Self::new(
            403,
            "PERMISSION_DENIED",
            format!("Permission '{permission}' denied on resource '{resource}' (or it may not exist)."),
        );
        e.details =
            vec![error_info("IAM_PERMISSION_DENIED", KMS, json!({ "permission": permission, "resource": resource }))];
        e
    }

    /// The Cloud KMS API is not enabled in the project the resource lives in.
    pub fn service_disabled(project_number: &str) -> Self {
        let url = format!("https://console.developers.google.com/apis/api/{KMS}/overview?project={project_number}");
        let message = format!(
            "Cloud Key Management Service (KMS) API has not been used in project {project_number} before or it is \
             disabled. Enable it by visiting {url} then retry. If you enabled this API recently, wait a few minutes \
             for the action to propagate to our systems and retry."
        );
        let mut e = Self::new(403, "PERMISSION_DENIED", message.clone());
        e.details = vec![
            error_info(
                "SERVICE_DISABLED",
                "googleapis.com",
                json!({
                    "service": KMS,
                    "consumer": format!("projects/{project_number}"),
                    "serviceTitle": "Cloud Key Management Service (KMS) API",
                    "activationUrl": url,
                    "containerInfo": project_number,
                }),
            ),
            json!({ "@type": "type.googleapis.com/google.rpc.LocalizedMessage", "locale": "en-US", "message": message }),
            json!({
                "@type": "type.googleapis.com/google.rpc.Help",
                "links": [{ "description": "Google developers console API activation", "url": url }],
            }),
        ];
        e
    }

    /// A VPC Service Controls perimeter refused a caller outside it.
    pub fn vpc_service_controls(unique_id: &str, project_number: &str) -> Self {
        let mut e = Self::new(
            403,
            "PERMISSION_DENIED",
            format!("Request is prohibited by organization's policy. vpcServiceControlsUniqueIdentifier: {unique_id}"),
        );
        e.details = vec![
            json!({
                "@type": PRECONDITION_FAILURE,
                "violations": [{ "type": "VPC_SERVICE_CONTROLS", "description": unique_id }],
            }),
            error_info(
                "SECURITY_POLICY_VIOLATED",
                "googleapis.com",
                json!({ "uid": unique_id, "service": KMS, "consumer": format!("projects/{project_number}") }),
            ),
        ];
        e
    }

    /// Domain-restricted sharing (`constraints/iam.allowedPolicyMemberDomains`) refused members.
    pub fn domain_restricted(project_id: &str, members: &[String]) -> Self {
        let mut e =
            Self::failed_precondition("One or more users named in the policy do not belong to a permitted customer.");
        let violations: Vec<Value> = members
            .iter()
            .map(|m| {
                json!({
                    "type": "constraints/iam.allowedPolicyMemberDomains",
                    "subject": format!("orgpolicy:projects/{project_id}"),
                    "description": format!("User {m} is not in permitted organization."),
                })
            })
            .collect();
        e.details = vec![json!({ "@type": PRECONDITION_FAILURE, "violations": violations })];
        e
    }

    /// A transient failure injected by the faults layer.
    pub fn injected(kind: u64) -> Self {
        match kind % 3 {
            0 => Self::new(503, "UNAVAILABLE", "The service is currently unavailable (injected fault)."),
            1 => Self::new(
                429,
                "RESOURCE_EXHAUSTED",
                "Quota exceeded for quota metric 'Read requests' of service 'cloudkms.googleapis.com' (injected fault).",
            ),
            _ => Self::new(500, "INTERNAL", "Internal error encountered (injected fault)."),
        }
    }

    pub fn body(&self) -> Value {
        json!({ "error": { "code": self.http, "message": self.message, "status": self.status, "details": self.details } })
    }
}

/// A JSON answer as Google's front end sends it.
pub fn json_response(status: StatusCode, body: &Value) -> Response {
    (status, [(axum::http::header::CONTENT_TYPE, "application/json; charset=UTF-8")], body.to_string()).into_response()
}

impl IntoResponse for GoogleError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.http).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        json_response(status, &self.body())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes_follow_google() {
        let e = GoogleError::permission_denied("cloudkms.cryptoKeyVersions.useToEncrypt", "projects/p/x");
        let body = e.body();
        assert_eq!(body["error"]["code"], 403);
        assert_eq!(body["error"]["status"], "PERMISSION_DENIED");
        assert_eq!(
            body["error"]["message"],
            "Permission 'cloudkms.cryptoKeyVersions.useToEncrypt' denied on resource 'projects/p/x' (or it may not exist)."
        );
        assert_eq!(body["error"]["details"][0]["@type"], ERROR_INFO);
        assert_eq!(body["error"]["details"][0]["domain"], KMS);
        let disabled = GoogleError::service_disabled("123").body();
        assert_eq!(disabled["error"]["details"][0]["reason"], "SERVICE_DISABLED");
        assert_eq!(disabled["error"]["details"][0]["domain"], "googleapis.com");
        assert_eq!(disabled["error"]["details"][0]["metadata"]["consumer"], "projects/123");
        assert!(disabled["error"]["message"].as_str().unwrap().starts_with(
            "Cloud Key Management Service (KMS) API has not been used in project 123 before or it is disabled. \
             Enable it by visiting "
        ));
        let vpc = GoogleError::vpc_service_controls("UID1", "123").body();
        assert_eq!(vpc["error"]["details"][1]["reason"], "SECURITY_POLICY_VIOLATED");
        let drs = GoogleError::domain_restricted("p", &["serviceAccount:a@b".into()]);
        assert_eq!((drs.http, drs.status), (400, "FAILED_PRECONDITION"));
        assert!(drs.message.starts_with("One or more users named in the policy do not belong to a permitted customer"));
    }
}
