//! Registering the key with the organisation: `{"type":"gcp","key_name":"projects/..."}`, nothing
//! else. A configuration naming the key exactly is used as it is. A GCP `key_name` can never be
//! changed, attached or not, so a configuration that names the same key wrongly (a version
//! suffix, a `//cloudkms.googleapis.com/` prefix) is never updated: the key is registered anew,
//! and the wrong one is reported (ANT-13) with how to delete it while it is unattached.

use crate::model::gcp::{GcpKeyConfig, GcpKeyName};
use crate::plan::{Action, Check, KeyTarget, RegisteredKey, SetupAnswers, Severity, Step, StepState};

pub(crate) struct RegisterPlan<'a> {
    pub checks: Vec<Check>,
    pub step: Step,
    /// The configuration that already registers this key exactly.
    pub registered: Option<&'a RegisteredKey>,
}

/// The registered configuration whose `key_name` is exactly this key's name.
pub fn find<'a>(registered: &'a [RegisteredKey], key: &GcpKeyName) -> Option<&'a RegisteredKey> {
    let wanted = GcpKeyConfig::for_key(key);
    registered.iter().find(|r| GcpKeyConfig::read(&r.config).is_some_and(|c| c.same_key(&wanted)))
}

/// Configurations that mean this key but do not name it exactly (what Anthropic would then look
/// up is not the key).
pub fn misnamed<'a>(registered: &'a [RegisteredKey], key: &GcpKeyName) -> Vec<&'a RegisteredKey> {
    let wanted = key.to_string();
    registered
        .iter()
        .filter(|r| {
            GcpKeyConfig::read(&r.config)
                .is_some_and(|c| c.key_name != wanted && loosely(&c.key_name).is_some_and(|k| k == wanted))
        })
        .collect()
}

/// The key a `key_name` means, read leniently: spaces, the full-resource-name prefix, a version
/// suffix and a final slash dropped. Ids stay case-sensitive, as Cloud KMS has them.
fn loosely(text: &str) -> Option<String> {
    let t = text.trim().trim_start_matches("//cloudkms.googleapis.com/").trim_end_matches('/');
    let t = match t.find("/cryptoKeyVersions") {
        Some(at) => &t[..at],
        None => t,
    };
    GcpKeyName::parse(t).ok().map(|k| k.to_string())
}

pub(crate) fn register_plan<'a>(
    answers: &SetupAnswers,
    registered: &'a [RegisteredKey],
    key: &GcpKeyName,
) -> RegisterPlan<'a> {
    let existing = find(registered, key);
    let action = Action::RegisterKey {
        target: KeyTarget { name: Some(key.to_string()), config: Some(GcpKeyConfig::for_key(key).to_config()) },
        display_name: answers
            .display_name
            .clone()
            .unwrap_or_else(|| format!("{} in key ring {} (Cloud KMS, {})", key.key, key.key_ring, key.location)),
        existing_id: existing.map(|r| r.id.clone()),
    };
    let mut checks = Vec::new();
    let state = match existing {
        Some(r) => {
            checks.push(Check::pass(
                "ANT-13",
                Severity::High,
                format!("registered configuration {} names key {} exactly", r.id, key.key),
            ));
            StepState::AlreadyDone(format!("the key is already registered as {}", r.id))
        }
        None => StepState::Planned,
    };
    for r in misnamed(registered, key) {
        checks.push(misnamed_check(r, key, existing));
    }
    RegisterPlan { checks, step: Step { action, state }, registered: existing }
}

fn misnamed_check(r: &RegisteredKey, key: &GcpKeyName, exact: Option<&RegisteredKey>) -> Check {
    let named = r.config.text("key_name").unwrap_or_default();
    let instead = match exact {
        Some(e) => format!("{} registers it exactly and is the one used", e.id),
        None => "the plan registers the exact name anew".to_string(),
    };
    let fix = if r.attached {
        format!(
            "configuration {} is attached to a workspace and can never change: that workspace keeps using what it \
             names; use the correct registration for other workspaces",
            r.id
        )
    } else {
        format!(
            "delete the unattached configuration: curl -X DELETE https://api.anthropic.com/v1/organizations/external_keys/{} \
             -H \"x-api-key: $ANTHROPIC_ADMIN_KEY\" -H \"anthropic-version: 2023-06-01\" (or Console > Settings > \
             Encryption keys)",
            r.id
        )
    };
    Check::warn(
        "ANT-13",
        Severity::High,
        format!("registered configuration {} names key {} exactly", r.id, key.key),
        format!(
            "configuration {} registers key_name `{}`, not {key}; a key_name can never be changed, so {instead}",
            r.id,
            crate::text::escape_controls(named)
        ),
    )
    .with_fix(fix)
}
