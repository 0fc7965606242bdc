//! The rules of `status` on plain values, and its text (80 and 132 columns) and JSON as snapshots.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::json;

use super::layout::width_of;
use super::rows::key_health;
use super::*;
use crate::model::ProviderConfig;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

fn config(value: serde_json::Value) -> ProviderConfig {
    serde_json::from_value(value).unwrap()
}

const ARN_A: &str = "arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ARN_B: &str = "arn:aws:kms:us-east-2:111122223333:key/9876fedc-12ab-34cd-56ef-1234567890ab";
const GCP: &str = "projects/cmek-sandbox/locations/us-central1/keyRings/anthropic-cmek/cryptoKeys/anthropic-cmek";

fn ws(id: &str, name: &str, archived: bool, key: Option<&str>) -> WorkspaceFacts {
    WorkspaceFacts { id: id.into(), name: name.into(), archived, external_key_id: key.map(str::to_owned) }
}

fn key(id: &str, name: Option<&str>, attached: bool, config: ProviderConfig) -> KeyFacts {
    KeyFacts { id: id.into(), display_name: name.map(str::to_owned), attached, config }
}

fn passed(hours_ago: i64, source: ValidationSource) -> Validation {
    Validation { at: now() - Duration::hours(hours_ago), passed: true, error: None, source }
}

fn failed(hours_ago: i64, error: &str, source: ValidationSource) -> Validation {
    Validation { at: now() - Duration::hours(hours_ago), passed: false, error: Some(error.into()), source }
}

/// The organisation of the `status-mixed` scenario, as a run with `--all` and no `--validate`
/// on a machine that ran setup before.
fn mixed() -> StatusFacts {
    let aws = |arn: &str| config(json!({"type": "aws", "kms_arn": arn}));
    let azure = config(json!({
        "type": "azure", "vault_uri": "https://cmek-sandbox.vault.azure.net", "key_name": "anthropic-cmek",
        "tenant_id": "72f988bf-86f1-41af-91ab-2d7cd011db47"
    }));
    StatusFacts {
        organization: Some(OrgFacts {
            id: "5a3c9e7d-2b14-4f6a-9c8e-1d2f3a4b5c6d".into(),
            name: "Sandbox Organisation".into(),
        }),
        workspaces: vec![
            ws("wrkspc_prod", "production", false, Some("ekey_healthy")),
            ws("wrkspc_stg", "staging", false, Some("ekey_failing")),
            ws("wrkspc_dev", "development", false, None),
            ws("wrkspc_old", "legacy-2025", true, Some("ekey_healthy")),
            ws("wrkspc_gone", "retired", true, None),
        ],
        keys: vec![
            key("ekey_orphan", Some("Azure CMEK (abandoned)"), false, azure),
            key(
                "ekey_ready",
                Some("GCP CMEK (not attached yet)"),
                false,
                config(json!({"type": "gcp", "key_name": GCP})),
            ),
            key("ekey_failing", Some("staging key"), true, aws(ARN_B)),
            key("ekey_healthy", Some("AWS CMEK (anthropic-cmek)"), true, aws(ARN_A)),
        ],
        history: BTreeMap::from([
            ("ekey_healthy".into(), passed(3, ValidationSource::Attach)),
            (
                "ekey_failing".into(),
                failed(26, "AccessDenied: kms:Encrypt on the key: no organisation condition", ValidationSource::Setup),
            ),
            ("ekey_ready".into(), passed(24 * 5, ValidationSource::Setup)),
            ("ekey_orphan".into(), failed(24 * 90, "Forbidden: ForbiddenByRbac", ValidationSource::Setup)),
        ]),
        fresh: BTreeMap::new(),
        include_archived: true,
        validate: false,
        pages: Pages { workspaces: 1, external_keys: 1 },
        now: now(),
        invocation: "cmek".into(),
    }
}

fn plain(_: Emphasis, text: &str) -> String {
    text.to_string()
}

#[test]
fn the_health_rule() {
    let ok = passed(1, ValidationSource::Now);
    let bad = failed(1, "x", ValidationSource::Now);
    assert_eq!(key_health(true, Some(&ok)), Health::Ok);
    assert_eq!(key_health(true, Some(&bad)), Health::Failing);
    assert_eq!(key_health(true, None), Health::Unchecked);
    assert_eq!(key_health(false, Some(&ok)), Health::Ok, "registered, unattached and working: ready to attach");
    assert_eq!(key_health(false, Some(&bad)), Health::Orphan);
    assert_eq!(key_health(false, None), Health::Orphan, "never validated and used by nothing");
}

#[test]
fn the_join_gives_each_workspace_its_key_and_each_key_its_users() {
    let r = build(mixed());
    let health: Vec<(&str, Health)> = r.workspaces.iter().map(|w| (w.facts.name.as_str(), w.health)).collect();
    assert_eq!(
        health,
        [
            ("production", Health::Ok),
            ("staging", Health::Failing),
            ("development", Health::NotProtected),
            ("legacy-2025", Health::Ok),
            ("retired", Health::NotProtected),
        ]
    );
    let healthy = r.keys.iter().find(|k| k.id == "ekey_healthy").unwrap();
    assert_eq!(healthy.used_by, ["wrkspc_prod", "wrkspc_old"]);
    let keys: Vec<(&str, Health)> = r.keys.iter().map(|k| (k.id.as_str(), k.health)).collect();
    assert_eq!(
        keys,
        [
            ("ekey_orphan", Health::Orphan),
            ("ekey_ready", Health::Ok),
            ("ekey_failing", Health::Failing),
            ("ekey_healthy", Health::Ok),
        ]
    );
    // Live workspaces, archived ones, then the keys no listed workspace uses.
    assert_eq!(
        r.rows,
        [
            Row::Workspace { workspace: 0, key: Some(3) },
            Row::Workspace { workspace: 1, key: Some(2) },
            Row::Workspace { workspace: 2, key: None },
            Row::Workspace { workspace: 3, key: Some(3) },
            Row::Workspace { workspace: 4, key: None },
            Row::Key { key: 0 },
            Row::Key { key: 1 },
        ]
    );
}

#[test]
fn a_fresh_validation_wins_over_the_recorded_one() {
    let mut facts = mixed();
    facts.validate = true;
    facts.fresh.insert("ekey_failing".into(), Ok(passed(0, ValidationSource::Now)));
    facts.fresh.insert("ekey_ready".into(), Ok(failed(0, "Timeout: the key did not answer", ValidationSource::Now)));
    let r = build(facts);
    let health = |id: &str| r.keys.iter().find(|k| k.id == id).unwrap().health;
    assert_eq!(health("ekey_failing"), Health::Ok, "fixed since setup recorded the failure");
    assert_eq!(health("ekey_ready"), Health::Orphan, "stopped working and attached to nothing");
    assert_eq!(r.exit_code(), 0);
}

#[test]
fn exit_1_only_for_a_failing_key_in_use_and_4_when_a_validation_could_not_run() {
    assert_eq!(build(mixed()).exit_code(), 1);

    let mut facts = mixed();
    facts.history.remove("ekey_failing");
    let r = build(facts.clone());
    assert_eq!(r.exit_code(), 0, "an orphan and an unchecked key in use are called out, not failures");
    assert!(r.keys.iter().any(|k| k.health == Health::Orphan));

    facts.fresh.insert("ekey_healthy".into(), Err("POST .../validate: 529 overloaded_error".into()));
    let r = build(facts.clone());
    assert_eq!(r.exit_code(), 4);
    let healthy = r.keys.iter().find(|k| k.id == "ekey_healthy").unwrap();
    assert_eq!(healthy.health, Health::Ok, "the recorded validation still counts");
    assert!(r.callouts.iter().any(|c| c.kind == CalloutKind::NotValidated && c.subject == "ekey_healthy"));

    facts.fresh.insert("ekey_failing".into(), Ok(failed(0, "AccessDenied", ValidationSource::Now)));
    assert_eq!(build(facts).exit_code(), 1, "a failing key outranks a validation that could not run");
}

#[test]
fn what_is_called_out() {
    let r = build(mixed());
    let called: Vec<(CalloutKind, &str)> = r.callouts.iter().map(|c| (c.kind, c.subject.as_str())).collect();
    assert_eq!(
        called,
        [
            (CalloutKind::Failing, "ekey_failing"),
            (CalloutKind::NotProtected, "wrkspc_dev"),
            (CalloutKind::Orphan, "ekey_orphan"),
        ],
        "an archived workspace without a key is shown, not called out"
    );
    let failing = &r.callouts[0];
    assert!(failing.message.contains("used by staging,") && failing.message.contains("no organisation condition"));
    assert_eq!(failing.next.as_deref(), Some("cmek doctor --external-key ekey_failing"));
    assert_eq!(r.callouts[1].next.as_deref(), Some("cmek setup --workspace wrkspc_dev"));
}

#[test]
fn a_key_in_use_only_out_of_view_and_a_key_missing_from_the_listing_are_called_out() {
    let mut facts = mixed();
    facts.include_archived = false;
    facts.workspaces.retain(|w| !w.archived);
    facts.workspaces.push(ws("wrkspc_odd", "odd", false, Some("ekey_vanished")));
    facts.keys.push(key("ekey_archived_only", None, true, config(json!({"type": "aws", "kms_arn": ARN_A}))));
    facts.invocation = "cmek --sandbox=status-mixed".into();
    let r = build(facts);
    let vanished = r.keys.iter().find(|k| k.id == "ekey_vanished").unwrap();
    assert!(!vanished.listed && vanished.in_use() && vanished.health == Health::Unchecked);
    let out_of_view = r.callouts.iter().find(|c| c.kind == CalloutKind::UsedOutOfView).unwrap();
    assert_eq!(out_of_view.subject, "ekey_archived_only");
    assert_eq!(out_of_view.next.as_deref(), Some("cmek --sandbox=status-mixed status --all"));
    let unlisted = r.callouts.iter().find(|c| c.kind == CalloutKind::UnlistedKey).unwrap();
    assert!(unlisted.message.starts_with("odd use key ekey_vanished"), "{}", unlisted.message);
    let archived_only = r.keys.iter().find(|k| k.id == "ekey_archived_only").unwrap();
    assert_eq!(archived_only.health, Health::Unchecked, "attached (to an archived workspace) is in use, not an orphan");
}

#[test]
fn each_cloud_gives_its_own_coordinates() {
    let r = build(mixed());
    let summary = |id: &str| r.keys.iter().find(|k| k.id == id).unwrap().coordinates.clone().unwrap().summary;
    assert_eq!(summary("ekey_healthy"), "111122223333 us-east-2 1234abcd-12ab-34cd-56ef-1234567890ab");
    assert_eq!(summary("ekey_ready"), "cmek-sandbox/us-central1/anthropic-cmek/anthropic-cmek");
    assert_eq!(summary("ekey_orphan"), "cmek-sandbox/anthropic-cmek");
    let unknown = config(json!({"type": "oci", "ocid": "ocid1.key"}));
    assert_eq!(crate::clouds::coordinates(&unknown), None, "a cloud this build does not know has none");
}

#[test]
fn the_table_fits_80_columns_and_uses_a_wider_terminal() {
    let r = build(mixed());
    for width in [40, 80, 132] {
        let text = render_text(&r, width, &plain);
        let widest = text.lines().map(width_of).max().unwrap();
        assert!(widest <= width.max(MIN_WIDTH), "{width}: a line of {widest}:\n{text}");
    }
    let wide = render_text(&r, 200, &plain);
    assert!(wide.contains("111122223333 us-east-2 1234abcd-12ab-34cd-56ef-1234567890ab"), "{wide}");
}

#[test]
fn long_and_hostile_names_are_cut_to_fit() {
    let mut facts = mixed();
    facts.workspaces[0].name = "a-workspace-name-that-is-exactly-forty-c".into();
    facts.keys[3].display_name = Some("本番環境の暗号鍵 with a very long display name indeed".into());
    let text = render_text(&build(facts), 80, &plain);
    assert!(text.lines().all(|l| width_of(l) <= 80), "{text}");
    assert!(text.contains('…'), "{text}");

    // A name with a newline and an escape sequence stays on its row, written out.
    let mut facts = mixed();
    facts.workspaces[0].name = "prod\n\u{1b}[2Jfake row".into();
    let text = render_text(&build(facts), 200, &plain);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("prod\\n\\u{1b}[2Jfake row"), "{text}");
    assert_eq!(text.lines().count(), render_text(&build(mixed()), 200, &plain).lines().count(), "{text}");
}

#[test]
fn the_emphasis_goes_to_the_health_cells_and_the_callout_labels() {
    let marked = |e: Emphasis, t: &str| match e {
        Emphasis::Bad => format!("<bad>{t}</bad>"),
        _ => t.to_string(),
    };
    let text = render_text(&build(mixed()), 80, &marked);
    assert!(text.contains("<bad>failing</bad>"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("  <bad>failing</bad>: key")), "{text}");
    assert!(text.contains("<bad>failing</bad>"));
}

#[test]
fn snapshot_text_80() {
    insta::assert_snapshot!(render_text(&build(mixed()), 80, &plain));
}

#[test]
fn snapshot_text_132() {
    insta::assert_snapshot!(render_text(&build(mixed()), 132, &plain));
}

#[test]
fn snapshot_text_validated_now() {
    let mut facts = mixed();
    facts.validate = true;
    facts.include_archived = false;
    facts.workspaces.retain(|w| !w.archived);
    for k in ["ekey_healthy", "ekey_ready"] {
        facts.fresh.insert(k.into(), Ok(passed(0, ValidationSource::Now)));
    }
    facts.fresh.insert("ekey_failing".into(), Ok(failed(0, "AccessDenied: kms:Encrypt", ValidationSource::Now)));
    facts
        .fresh
        .insert("ekey_orphan".into(), Err("POST /v1/organizations/external_keys/ekey_orphan/validate: 529".into()));
    insta::assert_snapshot!(render_text(&build(facts), 80, &plain));
}

#[test]
fn snapshot_json() {
    let mut facts = mixed();
    facts.validate = true;
    facts.fresh.insert("ekey_healthy".into(), Ok(passed(0, ValidationSource::Now)));
    facts.fresh.insert("ekey_failing".into(), Ok(failed(0, "AccessDenied: kms:Encrypt", ValidationSource::Now)));
    insta::assert_json_snapshot!(render_json(&build(facts)));
}

#[test]
fn an_empty_organisation() {
    let mut facts = mixed();
    facts.workspaces.clear();
    facts.keys.clear();
    facts.history.clear();
    let r = build(facts);
    assert_eq!(r.exit_code(), 0);
    let text = render_text(&r, 80, &plain);
    assert!(text.contains("(no workspaces and no external keys)"), "{text}");
}

#[test]
fn long_errors_are_cut_in_call_outs_and_kept_whole_in_the_json() {
    let mut facts = mixed();
    let long = format!("AccessDenied: {}.", "x".repeat(300));
    facts.history.insert("ekey_failing".into(), failed(1, &long, ValidationSource::Setup));
    let r = build(facts);
    let failing = r.callouts.iter().find(|c| c.kind == CalloutKind::Failing).unwrap();
    assert!(failing.message.ends_with('…') && failing.message.len() < 300, "{}", failing.message);
    let doc = render_json(&r);
    let key = doc["external_keys"].as_array().unwrap().iter().find(|k| k["id"] == "ekey_failing").unwrap().clone();
    assert_eq!(key["last_validation"]["error"], json!(long));
}

#[test]
fn the_text_shows_ten_call_outs_of_a_kind_and_counts_the_rest() {
    let mut facts = mixed();
    facts.workspaces.extend((0..25).map(|n| ws(&format!("wrkspc_{n}"), &format!("team-{n}"), false, None)));
    let r = build(facts);
    assert_eq!(r.callouts.iter().filter(|c| c.kind == CalloutKind::NotProtected).count(), 26);
    let text = render_text(&r, 80, &plain);
    assert_eq!(text.matches("not protected: workspace").count(), 10, "{text}");
    assert!(text.contains("… and 16 more not protected (--output json lists every one)"), "{text}");
}
