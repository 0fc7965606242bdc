//! Test-only: every endpoint's method, path, query and body over real HTTP; both pagination
//! schemes followed across pages (and stopped when a server loops); creates that are never
//! retried blindly.

use serde_json::json;

use super::test_server::{ARN, Reply, TestServer, external_key_json, workspace_json};
use super::types::{CreateExternalKey, CreateWorkspace, UpdateExternalKey, UpdateWorkspace, ValidationStatus};
use super::{PlatformError, WorkspaceQuery};
use cmek_core::model::aws::AwsKeyConfig;

fn create_key_body(arn: &str) -> CreateExternalKey {
    CreateExternalKey {
        provider_config: AwsKeyConfig { kms_arn: arn.into(), region: None }.to_config(),
        display_name: Some("cmek".into()),
        geo: Some("us".into()),
        user_profile_id: None,
    }
}

#[tokio::test]
async fn external_key_endpoints_use_the_sdk_paths() {
    let server = TestServer::start(|request, _| match (request.method.as_str(), request.path.as_str()) {
        ("DELETE", _) => Reply::json(200, json!({"id": "ekey_1", "type": "external_key_deleted"})),
        (_, path) if path.ends_with("/validate") => Reply::json(
            200,
            json!({"type": "external_key_validation", "status": "failure", "error": "AccessDenied: kms:Encrypt"}),
        ),
        _ => Reply::json(200, external_key_json("ekey_1", ARN)),
    })
    .await;
    let client = server.client();
    let key = client.get_external_key("ekey_1").await.unwrap();
    assert_eq!(key.id, "ekey_1");
    let update = UpdateExternalKey { display_name: Some("renamed".into()), ..Default::default() };
    client.update_external_key("ekey_1", &update).await.unwrap();
    let deleted = client.delete_external_key("ekey_1").await.unwrap();
    assert_eq!(deleted.object_type, "external_key_deleted");
    let validation = client.validate_external_key("ekey_1").await.unwrap();
    assert_eq!(validation.status, ValidationStatus::Failure);
    assert_eq!(validation.error.as_deref(), Some("AccessDenied: kms:Encrypt"));
    // An id that is a KMS ARN travels as one segment.
    client.get_external_key(ARN).await.unwrap();

    assert_eq!(
        server.lines(),
        [
            "GET /v1/organizations/external_keys/ekey_1",
            "POST /v1/organizations/external_keys/ekey_1",
            "DELETE /v1/organizations/external_keys/ekey_1",
            "POST /v1/organizations/external_keys/ekey_1/validate",
            "GET /v1/organizations/external_keys/arn:aws:kms:us-east-2:111122223333:key%2F1234abcd-12ab-34cd-56ef-1234567890ab",
        ]
    );
    let requests = server.requests();
    assert_eq!(requests[1].json(), json!({"display_name": "renamed"}));
    assert_eq!(requests[1].header("content-type"), Some("application/json"));
    assert!(requests[3].body.is_empty(), "validate sends no body");
    assert_eq!(requests[3].header("content-type"), None);
}

#[tokio::test]
async fn workspace_endpoints_use_the_sdk_paths() {
    let server = TestServer::start(|_, _| Reply::json(200, workspace_json("wrkspc_1", "prod"))).await;
    let client = server.client();
    client.get_workspace("wrkspc_1").await.unwrap();
    let attach = UpdateWorkspace { external_key_id: Some("ekey_1".into()), ..Default::default() };
    client.update_workspace("wrkspc_1", &attach).await.unwrap();
    client.archive_workspace("wrkspc_1").await.unwrap();
    let created =
        client.create_workspace(&CreateWorkspace { name: "prod".into(), ..Default::default() }).await.unwrap();
    assert_eq!(created.compartment_id, "0b0f2a0e-8a4e-4c59-9b5b-0c2b8f6c1d2e");
    assert_eq!(
        server.lines(),
        [
            "GET /v1/organizations/workspaces/wrkspc_1",
            "POST /v1/organizations/workspaces/wrkspc_1",
            "POST /v1/organizations/workspaces/wrkspc_1/archive",
            "POST /v1/organizations/workspaces",
        ]
    );
    let requests = server.requests();
    assert_eq!(requests[1].json(), json!({"external_key_id": "ekey_1"}));
    assert_eq!(requests[3].json(), json!({"name": "prod"}));
}

#[tokio::test]
async fn bad_ids_and_limits_are_refused_before_sending() {
    let server = TestServer::start(|_, _| Reply::json(200, json!({}))).await;
    let client = server.client();
    for err in [
        client.get_external_key("").await.unwrap_err(),
        client.delete_external_key("..").await.unwrap_err(),
        client.get_workspace(".").await.unwrap_err(),
        client.list_external_keys(Some(0), None).await.unwrap_err(),
        client.list_external_keys(Some(101), None).await.unwrap_err(),
        client.list_workspaces(&WorkspaceQuery { limit: Some(1001), ..Default::default() }).await.unwrap_err(),
    ] {
        assert!(matches!(err, PlatformError::InvalidInput { .. }), "{err:?}");
    }
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn list_queries_are_passed_through() {
    let server = TestServer::start(|request, _| match request.path.as_str() {
        "/v1/organizations/external_keys" => Reply::json(200, json!({"data": [], "next_page": null})),
        _ => Reply::json(200, json!({"data": [], "first_id": null, "last_id": null, "has_more": false})),
    })
    .await;
    let client = server.client();
    client.list_external_keys(None, None).await.unwrap();
    client.list_external_keys(Some(1), Some("cur sor/+")).await.unwrap();
    let query = WorkspaceQuery {
        limit: Some(1000),
        after_id: None,
        before_id: Some("wrkspc_9".into()),
        include_archived: Some(true),
        include_default: Some(false),
    };
    client.list_workspaces(&query).await.unwrap();
    assert_eq!(
        server.lines(),
        [
            "GET /v1/organizations/external_keys",
            "GET /v1/organizations/external_keys?limit=1&page=cur+sor%2F%2B",
            "GET /v1/organizations/workspaces?limit=1000&before_id=wrkspc_9&include_archived=true&include_default=false",
        ]
    );
}

#[tokio::test]
async fn all_external_keys_follows_next_page() {
    let server = TestServer::start(|request, _| {
        let (data, next) = match request.query.as_deref() {
            Some("limit=100") => (vec![external_key_json("ekey_1", ARN)], json!("c2")),
            Some("limit=100&page=c2") => (vec![external_key_json("ekey_2", ARN)], json!("c3")),
            Some("limit=100&page=c3") => (vec![external_key_json("ekey_3", ARN)], json!(null)),
            other => return Reply::error(400, "invalid_request_error", &format!("unexpected query {other:?}")),
        };
        Reply::json(200, json!({"data": data, "next_page": next}))
    })
    .await;
    let keys = server.client().all_external_keys().await.unwrap();
    let ids: Vec<&str> = keys.iter().map(|k| k.id.as_str()).collect();
    assert_eq!(ids, ["ekey_1", "ekey_2", "ekey_3"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_repeated_cursor_stops_paging_with_an_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(200, json!({"data": [external_key_json("ekey_1", ARN)], "next_page": "same"}))
    })
    .await;
    let err = server.client().all_external_keys().await.unwrap_err();
    assert!(matches!(err, PlatformError::Decode { .. }), "{err:?}");
    assert!(err.to_string().contains("\"same\" twice"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn all_workspaces_follows_last_id_while_has_more() {
    let server = TestServer::start(|request, _| {
        let page = |ids: &[&str], has_more: bool| {
            let data: Vec<_> = ids.iter().map(|id| workspace_json(id, id)).collect();
            json!({"data": data, "first_id": ids.first(), "last_id": ids.last(), "has_more": has_more})
        };
        match request.query.as_deref() {
            Some("limit=1000&include_archived=true") => Reply::json(200, page(&["w1", "w2"], true)),
            Some("limit=1000&after_id=w2&include_archived=true") => Reply::json(200, page(&["w3"], true)),
            Some("limit=1000&after_id=w3&include_archived=true") => Reply::json(200, page(&["w4"], false)),
            other => Reply::error(400, "invalid_request_error", &format!("unexpected query {other:?}")),
        }
    })
    .await;
    let workspaces = server.client().all_workspaces(true).await.unwrap();
    let ids: Vec<&str> = workspaces.iter().map(|w| w.id.as_str()).collect();
    assert_eq!(ids, ["w1", "w2", "w3", "w4"]);
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_lookup_reads_active_workspaces_only_until_the_page_that_holds_its_answer() {
    let server = TestServer::start(|request, _| {
        let page = |ids: &[&str]| {
            let data: Vec<_> = ids.iter().map(|id| workspace_json(id, id)).collect();
            json!({"data": data, "first_id": ids.first(), "last_id": ids.last(), "has_more": true})
        };
        match request.query.as_deref() {
            Some("limit=1000&include_archived=false") => Reply::json(200, page(&["w1", "w2"])),
            Some("limit=1000&after_id=w2&include_archived=false") => Reply::json(200, page(&["w3", "prod"])),
            other => Reply::error(400, "invalid_request_error", &format!("unexpected query {other:?}")),
        }
    })
    .await;
    let body = CreateWorkspace { name: "prod".into(), ..Default::default() };
    let found = server.client().find_workspace(&body).await.unwrap();
    assert_eq!(found.map(|w| w.id).as_deref(), Some("prod"));
    // The second page held it: the third (has_more was still true) is never asked for.
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_repeated_last_id_stops_paging_with_an_error() {
    let server = TestServer::start(|_, _| {
        Reply::json(
            200,
            json!({"data": [workspace_json("w1", "a")], "first_id": "w1", "last_id": "w1", "has_more": true}),
        )
    })
    .await;
    let err = server.client().all_workspaces(false).await.unwrap_err();
    assert!(err.to_string().contains("\"w1\" twice"), "{err}");
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn a_failed_create_is_retried_only_after_the_lookup_finds_nothing() {
    let server = TestServer::start(|request, earlier| match request.method.as_str() {
        "POST" if earlier == 0 => Reply::error(500, "api_error", "lost").header("retry-after-ms", "1"),
        "POST" => Reply::json(200, external_key_json("ekey_new", ARN)),
        // The look-up sees an unrelated key only.
        _ => Reply::json(200, json!({"data": [external_key_json("ekey_other", "arn:aws:kms:us-east-2:111122223333:key/other")], "next_page": null})),
    })
    .await;
    let created =
        server.client().create_external_key(&create_key_body(ARN), &cmek_core::clouds::same_key).await.unwrap();
    assert_eq!(created.id, "ekey_new");
    assert_eq!(
        server.lines(),
        [
            "POST /v1/organizations/external_keys",
            "GET /v1/organizations/external_keys?limit=100",
            "POST /v1/organizations/external_keys",
        ]
    );
    let body = server.requests()[0].json();
    assert_eq!(body["provider_config"], json!({"type": "aws", "kms_arn": ARN}));
}

#[tokio::test]
async fn a_create_that_took_effect_returns_the_existing_key() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::error(503, "overloaded_error", "answer lost").header("retry-after-ms", "1"),
        // The first create did happen: the platform filled in the region we did not send.
        _ => Reply::json(200, json!({"data": [external_key_json("ekey_made", ARN)], "next_page": null})),
    })
    .await;
    let created =
        server.client().create_external_key(&create_key_body(ARN), &cmek_core::clouds::same_key).await.unwrap();
    assert_eq!(created.id, "ekey_made");
    assert_eq!(
        server.lines(),
        ["POST /v1/organizations/external_keys", "GET /v1/organizations/external_keys?limit=100"]
    );
}

#[tokio::test]
async fn a_create_that_took_effect_returns_the_existing_workspace() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::error(500, "api_error", "answer lost").header("retry-after-ms", "1"),
        _ => Reply::json(
            200,
            json!({"data": [workspace_json("wrkspc_a", "prod-old"), workspace_json("wrkspc_b", "prod")],
                   "first_id": "wrkspc_a", "last_id": "wrkspc_b", "has_more": false}),
        ),
    })
    .await;
    let body = CreateWorkspace { name: "prod".into(), ..Default::default() };
    let created = server.client().create_workspace(&body).await.unwrap();
    assert_eq!(created.id, "wrkspc_b");
    assert_eq!(
        server.lines(),
        ["POST /v1/organizations/workspaces", "GET /v1/organizations/workspaces?limit=1000&include_archived=false"]
    );
}

#[tokio::test]
async fn a_workspace_create_is_retried_when_no_workspace_has_the_name() {
    let server = TestServer::start(|request, earlier| match request.method.as_str() {
        "POST" if earlier == 0 => Reply::error(429, "rate_limit_error", "slow").header("retry-after-ms", "1"),
        "POST" => Reply::json(200, workspace_json("wrkspc_new", "prod")),
        _ => Reply::json(
            200,
            json!({"data": [workspace_json("wrkspc_a", "Prod")], "first_id": "wrkspc_a", "last_id": "wrkspc_a", "has_more": false}),
        ),
    })
    .await;
    let body = CreateWorkspace { name: "prod".into(), ..Default::default() };
    assert_eq!(server.client().create_workspace(&body).await.unwrap().id, "wrkspc_new");
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_create_is_not_retried_when_the_lookup_fails() {
    let server = TestServer::start(|request, _| match request.method.as_str() {
        "POST" => Reply::error(500, "api_error", "lost").header("retry-after-ms", "1").header("request-id", "req_post"),
        _ => Reply::error(403, "permission_error", "cannot list").header("request-id", "req_list"),
    })
    .await;
    let err =
        server.client().create_external_key(&create_key_body(ARN), &cmek_core::clouds::same_key).await.unwrap_err();
    assert_eq!(
        server.lines(),
        ["POST /v1/organizations/external_keys", "GET /v1/organizations/external_keys?limit=100"]
    );
    assert_eq!(err.status(), Some(500));
    assert_eq!(err.request_id(), Some("req_post"));
    let text = err.to_string();
    assert!(text.contains("not retried") && text.contains("req_list"), "{text}");
}

#[tokio::test]
async fn a_create_refused_outright_is_neither_retried_nor_looked_up() {
    let server = TestServer::start(|_, _| Reply::error(400, "invalid_request_error", "kms_arn is not a key ARN")).await;
    let err = server
        .client()
        .create_external_key(&create_key_body("arn:aws:kms:bad"), &cmek_core::clouds::same_key)
        .await
        .unwrap_err();
    assert_eq!(server.lines(), ["POST /v1/organizations/external_keys"]);
    assert_eq!(err.kind(), Some("invalid_request_error"));
}
