//! The `wif-*` scenarios: a CI job authenticating to the Admin API with Workload Identity
//! Federation, where the variables `cmek sandbox` prints lead to a refusal. Each changes the CI
//! variables (and for one, a rule) and withholds the admin key from the exports, so `cmek` has
//! to use the federation variables. The refusals are the platform's own: the exchange's bare 401
//! (its reason in the authentication events) or the Admin API's 403.

use crate::platform::federation::model::FederationState;
use crate::platform::federation::seed;
use crate::platform::seed::{PRODUCTION, STAGING};
use crate::world::Sandbox;

/// How long ago the printed identity token expired.
pub const EXPIRED_SECONDS_AGO: i64 = 600;
/// The subject of the printed token in `wif-rule-mismatch`: a fork, not `acme/cmek-setup`.
pub const FORK_SUBJECT: &str = "repo:mallory/cmek-setup:ref:refs/heads/main";

fn federation_only(s: &Sandbox, change: impl FnOnce(&mut FederationState)) -> Result<(), String> {
    s.platform.with_federation(|f| {
        f.ci.admin_key_exported = false;
        change(f);
    });
    Ok(())
}

pub fn expired_identity_token(s: &Sandbox) -> Result<(), String> {
    federation_only(s, |f| f.ci.expired_seconds_ago = EXPIRED_SECONDS_AGO)
}

pub fn rule_mismatch(s: &Sandbox) -> Result<(), String> {
    federation_only(s, |f| f.ci.subject = FORK_SUBJECT.to_string())
}

pub fn non_admin(s: &Sandbox) -> Result<(), String> {
    federation_only(s, |f| f.ci.federation_rule_id = seed::DEVELOPER_RULE_ID.to_string())
}

/// The admin rule is enabled for production and staging only, and the CI job names no workspace.
pub fn multi_workspace_rule(s: &Sandbox) -> Result<(), String> {
    let mut found = false;
    federation_only(s, |f| {
        if let Some(rule) = f.rule_mut(seed::ADMIN_RULE_ID) {
            rule.applies_to_all_workspaces = false;
            rule.workspace_ids = vec![PRODUCTION.id.to_string(), STAGING.id.to_string()];
            found = true;
        }
        f.ci.workspace_id = None;
    })?;
    if found { Ok(()) } else { Err(format!("the seeded rule {} is missing", seed::ADMIN_RULE_ID)) }
}
