//! Test-only: the structured error codes of API version 2026-10-21 over real HTTP: the ones that
//! ask for the request again are sent again under the one retry policy, a half-made workspace is
//! never created twice, `cmek_not_approved` is ANT-02, and unknown codes fall back to the type.

use serde_json::{Value, json};

use super::test_server::{Reply, TestServer, workspace_json};
use super::types::{CreateWorkspace, UpdateWorkspace};
use super::{ErrorCode, PlatformError};
use crate::error::ErrorKind;

fn coded(status: u16, kind: &str, message: &str, details: Value) -> Reply {
    Reply::json(
        status,
        json!({"type": "error", "error": {"type": kind, "message": message, "details": details},
                               "request_id": "req_coded"}),
    )
    .header("retry-after-ms", "1")
}

fn attach_body() -> UpdateWorkspace {
    UpdateWorkspace { external_key_id: Some("ekey_1".into()), ..UpdateWorkspace::default() }
}

#[tokio::test]
async fn codes_that_ask_for_the_request_again_are_sent_again() {
    for (status, kind, code) in [
        (503, "api_error", "change_outcome_unknown"),
        (409, "conflict_error", "external_key_changed"),
        (400, "invalid_request_error", "external_key_validation_timed_out"),
    ] {
        let server = TestServer::start(move |_, earlier| match earlier {
            0 => coded(status, kind, "send it again", json!({"error_code": code})),
            _ => Reply::json(200, workspace_json("wrkspc_a", "production")),
        })
        .await;
        server.client().update_workspace("wrkspc_a", &attach_body()).await.unwrap();
        let sent = server.requests();
        assert_eq!(sent.len(), 2, "{code}");
        assert_eq!(sent[0].body, sent[1].body, "{code}: the same request");
    }
}

#[tokio::test]
async fn the_server_saying_do_not_retry_still_wins() {
    let server = TestServer::start(|_, _| {
        coded(409, "conflict_error", "changed", json!({"error_code": "external_key_changed"}))
            .header("x-should-retry", "false")
    })
    .await;
    let err = server.client().update_workspace("wrkspc_a", &attach_body()).await.unwrap_err();
    assert_eq!(server.requests().len(), 1);
    assert_eq!(err.code(), Some(&ErrorCode::ExternalKeyChanged));
}

#[tokio::test]
async fn a_workspace_created_incomplete_is_read_by_its_id_and_never_created_again() {
    let server = TestServer::start(|r, _| match (r.method.as_str(), r.path.as_str()) {
        ("POST", _) => coded(
            503,
            "api_error",
            "the workspace was created but its setup did not finish",
            json!({"error_code": "workspace_created_incomplete", "workspace_id": "wrkspc_new"}),
        ),
        (_, "/v1/organizations/workspaces/wrkspc_new") => Reply::json(200, workspace_json("wrkspc_new", "cmek-prod")),
        _ => Reply::error(500, "api_error", "unexpected"),
    })
    .await;
    let body = CreateWorkspace { name: "cmek-prod".into(), ..CreateWorkspace::default() };
    let created = server.client().create_workspace(&body).await.unwrap();
    assert_eq!(created.id, "wrkspc_new");
    assert_eq!(server.lines(), ["POST /v1/organizations/workspaces", "GET /v1/organizations/workspaces/wrkspc_new"]);
}

#[tokio::test]
async fn a_half_made_workspace_that_cannot_be_read_yet_is_still_not_created_again() {
    let server = TestServer::start(|r, _| match r.method.as_str() {
        "POST" => coded(
            503,
            "api_error",
            "created, not finished",
            json!({"error_code": "workspace_created_incomplete", "workspace_id": "wrkspc_new"}),
        ),
        _ => Reply::error(404, "not_found_error", "no such workspace yet"),
    })
    .await;
    let body = CreateWorkspace { name: "cmek-prod".into(), ..CreateWorkspace::default() };
    let err = server.client().create_workspace(&body).await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("wrkspc_new") && text.contains("not created again"), "{text}");
    assert_eq!(server.requests().iter().filter(|r| r.method == "POST").count(), 1);
    assert!(err.hint().is_some_and(|h| h.contains("never creates it twice")), "{:?}", err.hint());
}

#[tokio::test]
async fn cmek_not_approved_is_ant_02() {
    let server = TestServer::start(|_, _| {
        coded(
            400,
            "invalid_request_error",
            "CMEK is paused for this organization",
            json!({"error_code": "cmek_not_approved"}),
        )
    })
    .await;
    let err = server.client().all_external_keys().await.unwrap_err();
    assert!(err.is_cmek_not_enabled(), "{err}");
    assert!(err.hint().unwrap().starts_with("ANT-02"), "{:?}", err.hint());
    let edge = crate::error::Error::from(err);
    assert_eq!(edge.kind, ErrorKind::Auth, "as the 403 form of ANT-02");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn unknown_codes_fall_back_to_the_type_and_status() {
    let server = TestServer::start(|_, _| {
        coded(400, "invalid_request_error", "something new", json!({"error_code": "brand_new_code"}))
    })
    .await;
    let err = server.client().organization().await.unwrap_err();
    assert_eq!(server.requests().len(), 1, "a 400 is not retried");
    assert_eq!(err.code(), Some(&ErrorCode::Other("brand_new_code".into())));
    assert_eq!(err.hint(), None);
    assert_eq!(
        err.to_string(),
        "GET /v1/organizations/me failed: HTTP 400 invalid_request_error (brand_new_code): something new (request-id: req_coded)"
    );
    let server = TestServer::start(|_, earlier| match earlier {
        0 => coded(503, "api_error", "busy", json!({"error_code": "brand_new_code"})),
        _ => Reply::json(200, super::test_server::organization_json()),
    })
    .await;
    server.client().organization().await.unwrap();
    assert_eq!(server.requests().len(), 2, "a 503 is retried whatever its unknown code");
}

#[test]
fn the_codes_details_are_kept_and_shown() {
    let sanitizer = super::sanitize::Sanitizer::default();
    let body = json!({"type": "error", "error": {"type": "invalid_request_error", "message": "name is reserved",
                      "details": {"error_code": "workspace_policy_violation", "field": "name"}}})
    .to_string();
    let err = PlatformError::from_response("POST", "/v1/organizations/workspaces".into(), 400, None, &body, &sanitizer);
    assert_eq!(err.code(), Some(&ErrorCode::WorkspacePolicyViolation { field: Some("name".into()) }));
    assert!(err.to_string().contains("(workspace_policy_violation, field `name`)"), "{err}");
    assert!(err.hint().unwrap().contains("workspace policy"));
}
