//! `cmek status` through the real binary against the sandbox: the `status-mixed` organisation
//! (keys attached and healthy, failing, ready but unattached, orphaned; an archived workspace) as
//! a JSON snapshot with its varying ids redacted, what the next run remembers of the
//! validations, the text table's width, and `status-at-scale` (1,000 live workspaces, 50
//! archived, 200 keys) listed to the last page, the pages counted by a proxy in front of the
//! platform.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::{Arc, Mutex};

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use regex::Regex;
use serde_json::Value;

use super::doctor_support::{Run, World};
use cmek_sandbox::platform::seed::{DEVELOPMENT, PRODUCTION, STAGING};
use cmek_sandbox::scenarios::status::{AT_SCALE_ARCHIVED, AT_SCALE_ATTACHED, AT_SCALE_KEYS, AT_SCALE_LIVE};

fn status(world: &World, json: bool, args: &[&str]) -> Run {
    world.run(json, "status", args)
}

/// The health of each workspace, by name.
fn workspace_health(doc: &Value) -> BTreeMap<String, String> {
    doc["workspaces"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| (w["name"].as_str().unwrap().into(), w["health"].as_str().unwrap().into()))
        .collect()
}

/// The health of each key, by display name.
fn key_health(doc: &Value) -> BTreeMap<String, String> {
    doc["external_keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| (k["display_name"].as_str().unwrap().into(), k["health"].as_str().unwrap().into()))
        .collect()
}

/// The document with what differs from run to run replaced by stable names: key ids, the
/// archived workspace's id and AWS key ids (numbered in order of appearance), the random
/// organisation of the negative validation probe, the state file's path and times.
fn redacted(doc: &Value) -> String {
    let mut text = serde_json::to_string_pretty(doc).unwrap();
    let seeded = [PRODUCTION.id, STAGING.id, DEVELOPMENT.id];
    let mut varying: Vec<(String, String)> = Vec::new();
    for (n, key) in doc["external_keys"].as_array().unwrap().iter().enumerate() {
        varying.push((key["id"].as_str().unwrap().to_string(), format!("[ekey-{}]", n + 1)));
        if let Some(aws) = key["coordinates"]["key_id"].as_str() {
            varying.push((aws.to_string(), format!("[aws-key-{}]", n + 1)));
        }
    }
    for (n, w) in doc["workspaces"].as_array().unwrap().iter().enumerate() {
        let id = w["id"].as_str().unwrap();
        if !seeded.contains(&id) {
            varying.push((id.to_string(), format!("[wrkspc-{}]", n + 1)));
        }
    }
    for (value, name) in varying {
        text = text.replace(&value, &name);
    }
    for (pattern, with) in [
        (r"anthropic:org_uuid=[0-9a-f-]{36}, which is not", "anthropic:org_uuid=[another organisation], which is not"),
        (r"--sandbox-state \S+", "--sandbox-state [state file]"),
        (r#""at": "[0-9T:Z-]+""#, r#""at": "[time]""#),
    ] {
        text = Regex::new(pattern).unwrap().replace_all(&text, with).into_owned();
    }
    text
}

#[test]
fn status_over_an_organisation_with_keys_in_every_state() {
    let world = World::new("status-mixed");
    let run = status(&world, true, &["--all", "--validate"]);
    assert_eq!(run.code, 1, "staging's key is in use and fails validation: {run:?}");
    let doc = run.json();
    assert_eq!(doc["schema"], "cmek.status/v1");
    let expected: BTreeMap<String, String> = [
        (PRODUCTION.name, "ok"),
        (STAGING.name, "failing"),
        (DEVELOPMENT.name, "not_protected"),
        ("legacy-2025", "ok"),
    ]
    .into_iter()
    .map(|(a, b)| (a.to_string(), b.to_string()))
    .collect();
    assert_eq!(workspace_health(&doc), expected, "{doc:#}");
    let keys = key_health(&doc);
    assert_eq!(keys["GCP CMEK (ready to attach)"], "ok", "registered, unattached and valid: ready");
    assert_eq!(keys["Azure CMEK (abandoned)"], "orphan");
    let kinds: Vec<&str> = doc["callouts"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["failing", "not_protected", "orphan"], "{doc:#}");
    insta::assert_snapshot!(redacted(&doc));

    // The next run, without --validate, remembers this run's validations (the Admin API keeps none).
    let again = status(&world, true, &["--all"]);
    assert_eq!(again.code, 1, "the failing validation is remembered: {again:?}");
    let again_doc = again.json();
    assert_eq!(workspace_health(&again_doc), expected);
    assert_eq!(key_health(&again_doc), keys);
    for key in again_doc["external_keys"].as_array().unwrap() {
        assert_eq!(key["last_validation"]["source"], "status", "{key:#}");
        assert!(key["validation"].is_null(), "nothing validated this time: {key:#}");
    }

    // Without --all the archived workspace is not listed; its key still shows, used by production.
    let live = status(&world, true, &[]).json();
    assert!(!workspace_health(&live).contains_key("legacy-2025"));
    assert_eq!(live["listing"]["workspaces"]["count"], 3);
}

#[test]
fn the_text_table_fits_the_columns_asked_for_and_is_not_cut_when_piped() {
    // Piped with no COLUMNS: no cell of the table is cut, so a script can grep the whole
    // coordinates (the call-outs still shorten a long platform message: the JSON has it whole).
    let piped = status(&World::new("status-mixed"), false, &["--all", "--validate"]);
    assert_eq!(piped.code, 1, "{piped:?}");
    let table = piped.stdout.split("Called out:").next().unwrap();
    assert!(!table.contains('…') && table.contains("111122223333 us-east-2 "), "{}", piped.stdout);

    let home = crate::sandbox_home::SandboxHome::with_scenario("status-mixed").with_env("COLUMNS", "80");
    let run = home.cmek(&["status", "--all", "--validate"]);
    assert_eq!(run.code, 1, "{run:?}");
    // Everything but the suggested commands, which stay whole so they can be copied.
    let widest =
        run.stdout.lines().filter(|l| !l.starts_with("      next: ")).map(|l| l.chars().count()).max().unwrap();
    assert!(widest <= 80, "a line of {widest} characters:\n{}", run.stdout);
    for word in ["WORKSPACE", "production", "failing", "not protected", "orphan", "archived workspaces:", "Called out:"]
    {
        assert!(run.stdout.contains(word), "{word}:\n{}", run.stdout);
    }
    assert!(run.stdout.contains("next: cmek --sandbox=status-mixed"), "{}", run.stdout);
}

#[test]
fn no_admin_credential_is_exit_3() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cmek"))
        .env_clear()
        .env("HOME", home.path())
        .env("ANTHROPIC_BASE_URL", "http://127.0.0.1:9")
        .args(["status"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "no credential at all: {stderr}");
    // Says what is missing and every way to give it.
    assert!(stderr.contains("no Claude Platform credential found"), "{stderr}");
    assert!(stderr.contains("ANTHROPIC_ADMIN_KEY") && stderr.contains("ant auth login --scope org:admin"), "{stderr}");
}

/// Requests seen by the proxy, as `METHOD path?query`.
type Seen = Arc<Mutex<Vec<String>>>;

#[derive(Clone)]
struct Proxy {
    target: String,
    http: reqwest::Client,
    seen: Seen,
}

async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str()).to_string();
    proxy.seen.lock().unwrap().push(format!("{} {path}", parts.method));
    let body = to_bytes(body, usize::MAX).await.unwrap_or_default();
    let mut call = proxy.http.request(parts.method.clone(), format!("{}{path}", proxy.target.trim_end_matches('/')));
    for (name, value) in parts.headers.iter().filter(|(n, _)| *n != "host") {
        call = call.header(name, value);
    }
    let Ok(answer) = call.body(body).send().await else {
        return Response::builder().status(StatusCode::BAD_GATEWAY).body(Body::empty()).unwrap();
    };
    let mut response = Response::builder().status(answer.status().as_u16());
    for (name, value) in answer.headers() {
        response = response.header(name, value);
    }
    response.body(Body::from(answer.bytes().await.unwrap_or_default())).unwrap()
}

/// A proxy in front of `target` that records every request; its base URL.
async fn counting_proxy(target: &str, seen: Seen) -> String {
    let proxy = Proxy { target: target.to_string(), http: reqwest::Client::new(), seen };
    let app = axum::Router::new().fallback(forward).with_state(proxy);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    url
}

#[tokio::test(flavor = "multi_thread")]
async fn status_lists_a_thousand_workspaces_and_two_hundred_keys_to_the_last_page() {
    let sandbox = super::platform_azure::sandbox("status-at-scale").await;
    let endpoints = sandbox.endpoints().unwrap();
    let seen: Seen = Arc::default();
    let base = counting_proxy(endpoints.base_url.as_str(), seen.clone()).await;
    let home = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_cmek"));
        cmd.env_clear()
            .env("HOME", home.path())
            .env("ANTHROPIC_BASE_URL", &base)
            .env("ANTHROPIC_ADMIN_KEY", secrecy::ExposeSecret::expose_secret(&endpoints.admin_key))
            .args(["--output", "json", "status"])
            .args(args);
        async move {
            let out = tokio::task::spawn_blocking(move || cmd.output()).await.unwrap().unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            let doc: Value = serde_json::from_str(&stdout)
                .unwrap_or_else(|e| panic!("not JSON ({e}): {stdout}\n{}", String::from_utf8_lossy(&out.stderr)));
            (out.status.code(), doc)
        }
    };

    let (code, doc) = run(&[]).await;
    assert_eq!(code, Some(0), "nothing validated, nothing failing: {:#}", doc["summary"]);
    assert_eq!(doc["workspaces"].as_array().unwrap().len(), AT_SCALE_LIVE);
    assert_eq!(doc["external_keys"].as_array().unwrap().len(), AT_SCALE_KEYS);
    assert_eq!(doc["summary"]["in_use"], AT_SCALE_ATTACHED);
    assert_eq!(doc["summary"]["orphan"], AT_SCALE_KEYS - AT_SCALE_ATTACHED);
    assert_eq!(doc["summary"]["not_protected"], AT_SCALE_LIVE - AT_SCALE_ATTACHED);
    let names: Vec<&str> = doc["workspaces"].as_array().unwrap().iter().map(|w| w["name"].as_str().unwrap()).collect();
    assert_eq!(names.last(), Some(&"team-1000"), "the last workspace is listed");
    let requests = std::mem::take(&mut *seen.lock().unwrap());
    let workspace_pages: Vec<&String> =
        requests.iter().filter(|r| r.starts_with("GET /v1/organizations/workspaces")).collect();
    let key_pages: Vec<&String> =
        requests.iter().filter(|r| r.starts_with("GET /v1/organizations/external_keys")).collect();
    // 1,000 workspaces in one page of the largest size; 200 keys in two pages of 100.
    assert_eq!(workspace_pages.len(), 1, "{requests:#?}");
    assert!(workspace_pages[0].contains("limit=1000"), "{requests:#?}");
    assert_eq!(key_pages.len(), 2, "{requests:#?}");
    assert!(key_pages.iter().all(|r| r.contains("limit=100")) && key_pages[1].contains("page="), "{requests:#?}");
    assert_eq!(requests.len(), 4, "the organisation, one page of workspaces, two of keys: {requests:#?}");
    assert_eq!(doc["listing"]["workspaces"]["pages"], 1);
    assert_eq!(doc["listing"]["external_keys"]["pages"], 2);

    // With the archived ones: 1,050 workspaces take a second page, which starts after the first's last id.
    let (_, all) = run(&["--all"]).await;
    assert_eq!(all["workspaces"].as_array().unwrap().len(), AT_SCALE_LIVE + AT_SCALE_ARCHIVED);
    let requests = std::mem::take(&mut *seen.lock().unwrap());
    let pages: Vec<&String> = requests.iter().filter(|r| r.starts_with("GET /v1/organizations/workspaces")).collect();
    assert_eq!(pages.len(), 2, "{requests:#?}");
    let first_last = all["workspaces"][999]["id"].as_str().unwrap();
    assert!(pages[1].contains(&format!("after_id={first_last}")), "{requests:#?}");
    assert_eq!(all["listing"]["workspaces"]["pages"], 2);
    sandbox.shutdown().await.unwrap();
}

#[test]
fn the_help_defines_the_healths_and_shows_only_the_platform_connection() {
    let out = Command::new(env!("CARGO_BIN_EXE_cmek")).env_clear().args(["status", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    for said in
        ["orphan configuration", "unattached", "newest validation failed or there is none", "--base-url", "--all"]
    {
        assert!(help.contains(said), "{said}:\n{help}");
    }
    assert!(
        !help.contains("--aws-profile") && !help.contains("--azure-subscription"),
        "status never reaches a cloud:\n{help}"
    );
}
