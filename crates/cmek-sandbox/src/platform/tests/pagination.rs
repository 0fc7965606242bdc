//! Both pagination schemes across pages, and their limits.

use serde_json::{Value, json};

use super::{AWS_ARN, Api};
use crate::platform::seed;

fn ids(page: &Value) -> Vec<String> {
    page["data"].as_array().unwrap().iter().map(|item| item["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn external_keys_page_with_an_opaque_cursor_newest_first() {
    let api = Api::start().await;
    let mut created = Vec::new();
    for _ in 0..5 {
        created.push(api.create_aws_key(AWS_ARN).await);
    }
    let mut seen = Vec::new();
    let mut path = "/v1/organizations/external_keys?limit=2".to_string();
    let mut pages = 0;
    loop {
        let page = api.get(&path).await.ok().clone();
        pages += 1;
        seen.extend(ids(&page));
        match page["next_page"].as_str() {
            Some(cursor) => path = format!("/v1/organizations/external_keys?limit=2&page={cursor}"),
            None => {
                assert_eq!(page["next_page"], Value::Null);
                break;
            }
        }
    }
    assert_eq!(pages, 3);
    created.reverse();
    assert_eq!(seen, created, "every key once, newest first");
    let all = api.get("/v1/organizations/external_keys").await;
    assert_eq!(ids(all.ok()).len(), 5, "default limit 20 holds all five");
    assert_eq!(all.json["next_page"], Value::Null);
}

#[tokio::test]
async fn a_deleted_key_does_not_break_the_cursor() {
    let api = Api::start().await;
    let keys =
        [api.create_aws_key(AWS_ARN).await, api.create_aws_key(AWS_ARN).await, api.create_aws_key(AWS_ARN).await];
    let first = api.get("/v1/organizations/external_keys?limit=1").await.ok().clone();
    assert_eq!(ids(&first), [keys[2].clone()]);
    api.delete(&format!("/v1/organizations/external_keys/{}", keys[2])).await.ok();
    let cursor = first["next_page"].as_str().unwrap();
    let next = api.get(&format!("/v1/organizations/external_keys?limit=5&page={cursor}")).await;
    assert_eq!(ids(next.ok()), [keys[1].clone(), keys[0].clone()]);
}

#[tokio::test]
async fn external_key_limits_and_cursors_are_checked() {
    let api = Api::start().await;
    for bad in ["0", "101", "-1", "ten"] {
        let reply = api.get(&format!("/v1/organizations/external_keys?limit={bad}")).await;
        let message = reply.error(400, "invalid_request_error");
        assert!(message.contains("`limit`") && message.contains("1 to 100"), "{bad}: {message}");
    }
    api.get("/v1/organizations/external_keys?limit=100").await.ok();
    let reply = api.get("/v1/organizations/external_keys?page=forged").await;
    assert!(reply.error(400, "invalid_request_error").contains("`page` `forged`"));
}

#[tokio::test]
async fn workspaces_page_forward_and_backward_by_id() {
    let api = Api::start().await;
    for name in ["w4", "w5"] {
        api.post("/v1/organizations/workspaces", json!({"name": name})).await.ok();
    }
    let first = api.get("/v1/organizations/workspaces?limit=2").await.ok().clone();
    assert_eq!(ids(&first), [seed::PRODUCTION.id, seed::STAGING.id]);
    assert_eq!((first["first_id"].as_str(), first["has_more"].as_bool()), (Some(seed::PRODUCTION.id), Some(true)));
    let last_id = first["last_id"].as_str().unwrap();
    let second = api.get(&format!("/v1/organizations/workspaces?limit=2&after_id={last_id}")).await.ok().clone();
    let names: Vec<&str> = second["data"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["development", "w4"]);
    assert_eq!(second["has_more"], true);
    let third = api
        .get(&format!("/v1/organizations/workspaces?limit=2&after_id={}", second["last_id"].as_str().unwrap()))
        .await;
    assert_eq!(third.ok()["data"].as_array().unwrap().len(), 1);
    assert_eq!(third.json["has_more"], false);

    let back = api
        .get(&format!("/v1/organizations/workspaces?limit=2&before_id={}", second["first_id"].as_str().unwrap()))
        .await;
    assert_eq!(ids(back.ok()), [seed::PRODUCTION.id, seed::STAGING.id]);
    assert_eq!(back.json["has_more"], false);
}

#[tokio::test]
async fn archived_and_default_workspaces_only_on_request() {
    let api = Api::start().await;
    api.post(&format!("/v1/organizations/workspaces/{}/archive", seed::STAGING.id), json!({})).await.ok();
    let active = api.get("/v1/organizations/workspaces").await;
    assert_eq!(ids(active.ok()), [seed::PRODUCTION.id, seed::DEVELOPMENT.id]);
    let everything = api.get("/v1/organizations/workspaces?include_archived=true&include_default=true").await;
    assert_eq!(
        ids(everything.ok()),
        [seed::DEFAULT_WORKSPACE.id, seed::PRODUCTION.id, seed::STAGING.id, seed::DEVELOPMENT.id]
    );
    // A cursor on a workspace that is now hidden still marks its place.
    let after = api.get(&format!("/v1/organizations/workspaces?after_id={}", seed::STAGING.id)).await;
    assert_eq!(ids(after.ok()), [seed::DEVELOPMENT.id]);
    let filtered = api.get(&format!("/v1/organizations/workspaces?ids[]={}", seed::DEVELOPMENT.id)).await;
    assert_eq!(ids(filtered.ok()), [seed::DEVELOPMENT.id]);
}

#[tokio::test]
async fn workspace_limits_and_parameters_are_checked() {
    let api = Api::start().await;
    for bad in ["0", "1001", "x"] {
        let reply = api.get(&format!("/v1/organizations/workspaces?limit={bad}")).await;
        assert!(reply.error(400, "invalid_request_error").contains("1 to 1000"), "{bad}");
    }
    api.get("/v1/organizations/workspaces?limit=1000").await.ok();
    let reply = api.get("/v1/organizations/workspaces?include_archived=perhaps").await;
    assert!(reply.error(400, "invalid_request_error").contains("`include_archived`"));
    let reply = api.get("/v1/organizations/workspaces?after_id=wrkspc_nope").await;
    assert!(reply.error(400, "invalid_request_error").contains("`after_id` `wrkspc_nope`"));
    let reply = api.get("/v1/organizations/workspaces?after_id=a&before_id=b").await;
    reply.error(400, "invalid_request_error");
}
