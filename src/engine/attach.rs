//! The permanent step: set `external_key_id` on the workspace, and make sense of the answer.
//!
//! The platform validates the key on attach (with the workspace's compartment; for a run whose
//! attach was confirmed up front this is the run's validation); a refusal is a 400
//! and leaves the workspace unattached. A 409 can mean an earlier attempt went through but its
//! reply was lost (the client retries 409s), or that a concurrent run attached its own
//! registration of the same key first (the attach is write-once: the first wins); so the
//! workspace is read back before calling it a failure.
//!
//! With API version 2026-10-21 the refusal carries a code: `external_key_validation_failed`
//! (the message is the validation error, which doctor's catalogue reads), `key_profile_mismatch`
//! (said plainly), `external_key_validation_timed_out`, `external_key_changed` and
//! `change_outcome_unknown` (the client sends the request again under the retry policy; this
//! file sees them only once the policy gave up), `cmek_not_approved` (ANT-02).

use crate::error::{Error, ErrorKind};
use crate::platform::types::UpdateWorkspace;
use crate::platform::{Client, ErrorCode, PlatformError};

/// Whether two registrations name the same key (by the cloud's rule).
async fn same_key(platform: &Client, a: &str, b: &str) -> Result<bool, Error> {
    let (a, b) = tokio::try_join!(platform.get_external_key(a), platform.get_external_key(b)).map_err(Error::from)?;
    Ok(cmek_core::clouds::same_key(&a.provider_config, &b.provider_config))
}

/// What an attach did: a sentence for the report, and the registration the workspace uses (this
/// run's, or a concurrent run's registration of the same key that got there first).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attached {
    pub detail: String,
    pub uses: String,
}

/// Why an attach did not happen.
#[derive(Debug)]
pub struct AttachFailure {
    pub error: Error,
    /// The platform's validation refused the key (`external_key_validation_failed`): its message,
    /// for doctor's mapping of validation errors.
    pub validation_error: Option<String>,
}

impl From<Error> for AttachFailure {
    fn from(error: Error) -> Self {
        AttachFailure { error, validation_error: None }
    }
}

/// Attaches `key_id` to the workspace.
pub async fn attach(
    platform: &Client,
    key_id: &str,
    workspace_id: &str,
    workspace_name: &str,
) -> Result<Attached, Error> {
    attach_explained(platform, key_id, workspace_id, workspace_name).await.map_err(|failure| failure.error)
}

/// [`attach`], also saying when the refusal was the key's validation (with its message).
pub async fn attach_explained(
    platform: &Client,
    key_id: &str,
    workspace_id: &str,
    workspace_name: &str,
) -> Result<Attached, AttachFailure> {
    let body = UpdateWorkspace { external_key_id: Some(key_id.to_string()), ..Default::default() };
    // The name came from the platform: shown on one line, escapes written out.
    let workspace_name = &*cmek_core::text::escape_controls(workspace_name);
    let done = |detail: String| Attached { detail, uses: key_id.to_string() };
    match platform.update_workspace(workspace_id, &body).await {
        Ok(_) => Ok(done(format!("{key_id} attached to workspace {workspace_name} ({workspace_id})"))),
        Err(e) if e.is_conflict() => {
            let current = platform.get_workspace(workspace_id).await.map_err(Error::from)?;
            match current.external_key_id.as_deref() {
                Some(k) if k == key_id => Ok(done(format!(
                    "{key_id} attached to workspace {workspace_name} ({workspace_id}) (an earlier attempt went through)"
                ))),
                Some(other) if same_key(platform, key_id, other).await? => Ok(Attached {
                    detail: format!(
                        "workspace {workspace_name} ({workspace_id}) already uses {other}, another registration of the \
                         same key (a concurrent run attached it first); this run uses it"
                    ),
                    uses: other.to_string(),
                }),
                Some(other) => Err(Error::unhealthy(format!(
                    "workspace {workspace_name} ({workspace_id}) already has key {other} attached; attach is \
                     permanent and cannot be replaced"
                ))
                .with_hint("choose another workspace, or create a new one for this key")
                .into()),
                None => Err(Error::from(e).into()),
            }
        }
        Err(e) => Err(refusal(e, key_id, workspace_id, workspace_name)),
    }
}

/// What a refused attach means, by its code, else by its status.
fn refusal(e: PlatformError, key_id: &str, workspace_id: &str, workspace_name: &str) -> AttachFailure {
    let unattached = "the workspace stays unattached; fix the cause and re-run the same command";
    let message = match &e {
        PlatformError::Api { message, .. } => message.clone(),
        other => other.to_string(),
    };
    match e.code().cloned() {
        Some(ErrorCode::ExternalKeyValidationFailed) => {
            // The code's general advice names no key; here the key is known.
            let err = Error { kind: ErrorKind::Unhealthy, hints: Vec::new(), ..Error::from(e) }
                .context(format!(
                    "attaching {key_id} to workspace {workspace_name} was refused: the platform validated the key \
                     for this workspace and the validation failed"
                ))
                .with_hint(format!("`cmek doctor --external-key {key_id}` maps the message to its cause and fix"))
                .with_hint(unattached);
            AttachFailure { error: err, validation_error: Some(message) }
        }
        Some(ErrorCode::KeyProfileMismatch) => {
            let err = Error::unhealthy(format!(
                "key {key_id} cannot be attached to workspace {workspace_name} ({workspace_id}): the key's user \
                 profile and the workspace's differ ({message})"
            ));
            let err = match e.hint() {
                Some(hint) => err.with_hint(hint),
                None => err,
            };
            err.with_hint("nothing was attached").into()
        }
        Some(ErrorCode::ExternalKeyValidationTimedOut) => Error::from(e)
            .context(format!(
                "attaching {key_id} to workspace {workspace_name}: the platform's validation of the key kept timing \
                 out, so nothing was attached"
            ))
            .into(),
        // ANT-02 and everything the retry policy gave up on keep their own kind and hint.
        Some(ErrorCode::CmekNotApproved | ErrorCode::ExternalKeyChanged | ErrorCode::ChangeOutcomeUnknown) => {
            Error::from(e).into()
        }
        _ if e.status() == Some(400) => (Error { kind: ErrorKind::Unhealthy, ..Error::from(e) }
            .context(format!("attaching {key_id} to workspace {workspace_name} was refused"))
            .with_hint(unattached))
        .into(),
        _ => Error::from(e).into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::test_server::{Reply, TestServer, external_key_json, workspace_json};

    const ARN_A: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const ARN_B: &str = "arn:aws:kms:us-east-2:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab";

    fn attached_to(key: Option<&str>) -> Reply {
        let mut ws = workspace_json("wrkspc_a", "production");
        ws["external_key_id"] = serde_json::json!(key);
        Reply::json(200, ws)
    }

    #[tokio::test]
    async fn a_conflict_after_a_lost_reply_is_recognised_as_done() {
        let server = TestServer::start(|r, _| match r.method.as_str() {
            "POST" => Reply::error(409, "conflict_error", "already attached").header("x-should-retry", "false"),
            _ => attached_to(Some("ekey_mine")),
        })
        .await;
        let done = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap();
        assert!(done.detail.contains("earlier attempt"), "{done:?}");
        assert_eq!(done.uses, "ekey_mine");
    }

    #[tokio::test]
    async fn a_conflict_with_another_key_is_unhealthy_and_says_permanent() {
        let server = TestServer::start(|r, _| match (r.method.as_str(), r.path.as_str()) {
            ("POST", _) => Reply::error(409, "conflict_error", "already attached").header("x-should-retry", "false"),
            (_, "/v1/organizations/external_keys/ekey_mine") => Reply::json(200, external_key_json("ekey_mine", ARN_A)),
            (_, "/v1/organizations/external_keys/ekey_other") => {
                Reply::json(200, external_key_json("ekey_other", ARN_B))
            }
            _ => attached_to(Some("ekey_other")),
        })
        .await;
        let e = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unhealthy);
        assert!(e.message.contains("ekey_other") && e.message.contains("permanent"), "{e}");
    }

    #[tokio::test]
    async fn a_concurrent_runs_registration_of_the_same_key_is_adopted() {
        let server = TestServer::start(|r, _| match (r.method.as_str(), r.path.as_str()) {
            ("POST", _) => Reply::error(409, "conflict_error", "already attached").header("x-should-retry", "false"),
            (_, "/v1/organizations/external_keys/ekey_mine") => Reply::json(200, external_key_json("ekey_mine", ARN_A)),
            (_, "/v1/organizations/external_keys/ekey_theirs") => {
                Reply::json(200, external_key_json("ekey_theirs", ARN_A))
            }
            _ => attached_to(Some("ekey_theirs")),
        })
        .await;
        let done = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap();
        assert_eq!(done.uses, "ekey_theirs");
        assert!(done.detail.contains("concurrent run"), "{done:?}");
    }

    #[tokio::test]
    async fn a_refused_attach_is_unhealthy_and_names_the_cause() {
        let server = TestServer::start(|_, _| {
            Reply::error(400, "invalid_request_error", "AccessDenied: kms:Encrypt on arn:x with encryption context")
        })
        .await;
        let e = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unhealthy);
        assert!(e.message.contains("was refused") && e.message.contains("AccessDenied"), "{e}");
    }

    fn coded(status: u16, code: &str, message: &str) -> Reply {
        Reply::json(
            status,
            serde_json::json!({"type": "error", "error": {"type": "invalid_request_error", "message": message,
                               "details": {"error_code": code}}}),
        )
        .header("retry-after-ms", "1")
    }

    #[tokio::test]
    async fn a_failed_validation_on_attach_carries_the_validation_error_for_doctor() {
        let why = "AccessDenied: kms:Encrypt on arn:x with encryption context anthropic:compartment_uuid=c";
        let server = TestServer::start(move |_, _| coded(400, "external_key_validation_failed", why)).await;
        let failure = attach_explained(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap_err();
        assert_eq!(failure.validation_error.as_deref(), Some(why));
        assert_eq!(failure.error.kind, ErrorKind::Unhealthy);
        assert!(failure.error.message.contains("validation failed"), "{}", failure.error);
        assert!(
            failure.error.hints.iter().any(|h| h.contains("cmek doctor --external-key ekey_mine")),
            "the doctor command names the key: {:?}",
            failure.error.hints
        );
        assert!(failure.error.hints.iter().all(|h| !h.contains("<id>")), "{:?}", failure.error.hints);
        assert_eq!(server.requests().len(), 1, "a failed validation is not sent again");
    }

    #[tokio::test]
    async fn a_user_profile_mismatch_is_said_plainly() {
        let server = TestServer::start(|_, _| {
            coded(
                400,
                "key_profile_mismatch",
                "external key ekey_mine is bound to uprof_1 but workspace wrkspc_a has none",
            )
        })
        .await;
        let e = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unhealthy);
        assert!(e.message.contains("user profile") && e.message.contains("uprof_1"), "{e}");
        assert!(e.hints.iter().any(|h| h.contains("same user profile")), "{:?}", e.hints);
    }

    #[tokio::test]
    async fn a_validation_that_timed_out_is_sent_again() {
        let server = TestServer::start(|_, earlier| match earlier {
            0 => coded(400, "external_key_validation_timed_out", "the key did not answer within 30 s"),
            _ => attached_to(Some("ekey_mine")),
        })
        .await;
        let done = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap();
        assert_eq!(done.uses, "ekey_mine");
        assert_eq!(server.requests().len(), 2);

        let server = TestServer::start(|_, _| {
            coded(400, "external_key_validation_timed_out", "the key did not answer within 30 s")
        })
        .await;
        let e = attach(&server.client(), "ekey_mine", "wrkspc_a", "production").await.unwrap_err();
        assert_eq!(e.kind, ErrorKind::Remote, "the platform, not the key, after the retries");
        assert!(e.message.contains("timing out") && e.message.contains("nothing was attached"), "{e}");
        assert_eq!(server.requests().len(), 3);
    }
}
