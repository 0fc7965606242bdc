//! The permanent step: set `external_key_id` on the workspace, and make sense of the answer.
//!
//! The platform validates again on attach (with the workspace's compartment); a refusal is a 400
//! and leaves the workspace unattached. A 409 can mean an earlier attempt went through but its
//! reply was lost (the client retries 409s), or that a concurrent run attached its own
//! registration of the same key first (the attach is write-once: the first wins); so the
//! workspace is read back before calling it a failure.

use crate::error::{Error, ErrorKind};
use crate::platform::types::UpdateWorkspace;

use crate::platform::Client;

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

/// Attaches `key_id` to the workspace.
pub async fn attach(
    platform: &Client,
    key_id: &str,
    workspace_id: &str,
    workspace_name: &str,
) -> Result<Attached, Error> {
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
                .with_hint("choose another workspace, or create a new one for this key")),
                None => Err(Error::from(e)),
            }
        }
        Err(e) => {
            let refused = e.status() == Some(400);
            let err = Error::from(e);
            if refused {
                Err(Error { kind: ErrorKind::Unhealthy, ..err }
                    .context(format!("attaching {key_id} to workspace {workspace_name} was refused"))
                    .with_hint("the workspace stays unattached; fix the cause and re-run the same command"))
            } else {
                Err(err)
            }
        }
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
}
