//! The `cmek.status/v1` document: the organisation, what was listed (and in how many pages),
//! every workspace and every key with its health, the call-outs, a summary, the exit code.
//! Values are exact (no truncation, no escaping: JSON carries them as they are).

use serde_json::{Map, Value, json};

use super::{Fresh, Health, KeyStatus, SCHEMA, StatusReport, Validation};

pub fn render_json(report: &StatusReport) -> Value {
    let count = |h: Health| report.keys.iter().filter(|k| k.health == h).count();
    let unprotected = report.workspaces.iter().filter(|w| w.health == Health::NotProtected).count();
    json!({
        "schema": SCHEMA,
        "command": "status",
        "organization": report.organization.as_ref().map(|o| json!({ "id": o.id, "name": o.name })),
        "include_archived": report.include_archived,
        "validated": report.validated,
        "listing": {
            "workspaces": { "count": report.workspaces.len(), "pages": report.pages.workspaces },
            "external_keys": {
                "count": report.keys.iter().filter(|k| k.listed).count(),
                "pages": report.pages.external_keys,
            },
        },
        "workspaces": report.workspaces.iter().map(|w| json!({
            "id": w.facts.id,
            "name": w.facts.name,
            "archived": w.facts.archived,
            "external_key_id": w.facts.external_key_id,
            "health": w.health.as_str(),
        })).collect::<Vec<_>>(),
        "external_keys": report.keys.iter().map(key).collect::<Vec<_>>(),
        "callouts": report.callouts.iter().map(|c| json!({
            "kind": c.kind.as_str(),
            "subject": c.subject,
            "message": c.message,
            "next": c.next,
        })).collect::<Vec<_>>(),
        "summary": {
            "workspaces": report.workspaces.len(),
            "archived": report.workspaces.iter().filter(|w| w.facts.archived).count(),
            "protected": report.workspaces.len() - unprotected,
            "not_protected": unprotected,
            "external_keys": report.keys.iter().filter(|k| k.listed).count(),
            "in_use": report.keys.iter().filter(|k| k.in_use()).count(),
            "ok": count(Health::Ok),
            "failing": count(Health::Failing),
            "unchecked": count(Health::Unchecked),
            "orphan": count(Health::Orphan),
        },
        "healthy": report.exit_code() == 0,
        "exit_code": report.exit_code(),
    })
}

fn key(k: &KeyStatus) -> Value {
    let coordinates = k.coordinates.as_ref().map(|c| {
        let mut o = Map::new();
        o.insert("summary".into(), json!(c.summary));
        for (name, value) in &c.fields {
            o.insert((*name).into(), json!(value));
        }
        Value::Object(o)
    });
    json!({
        "id": k.id,
        "display_name": k.display_name,
        "listed": k.listed,
        "provider": k.provider,
        "coordinates": coordinates,
        "attached": k.attached,
        "used_by": k.used_by,
        "in_use": k.in_use(),
        "last_validation": k.last.as_ref().map(validation),
        "validation": k.fresh.as_ref().map(fresh),
        "health": k.health.as_str(),
    })
}

fn validation(v: &Validation) -> Value {
    json!({
        "at": v.at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        "status": if v.passed { "success" } else { "failure" },
        "error": v.error,
        "source": v.source.as_str(),
    })
}

fn fresh(f: &Fresh) -> Value {
    match f {
        Ok(v) => json!({ "status": if v.passed { "success" } else { "failure" }, "error": v.error }),
        Err(why) => json!({ "status": "error", "error": why }),
    }
}
