//! The fixes findings point at: the setup command that merges the right statements, the exact
//! statement JSON, and the Terraform resource that holds a key policy.

use crate::identities;
use crate::model::CompartmentId;
use crate::policy::aws::render::{
    AnthropicGrant, SID_CRYPTO, SID_DECRYPT_EXISTING, SID_DESCRIBE, anthropic_statements,
};

use super::Resolved;
use crate::policy::aws::replace_grants::has_foreign_anthropic_grant;

/// `cmek setup` merging the Anthropic statements into this key's policy (keeping the customer's).
/// When the policy grants Anthropic's account outside cmek's statements (the console's grant), a
/// plain merge would keep that grant and stop on it: the command carries the named consent that
/// takes it out, so following the fix never loops.
pub(crate) fn setup_command(r: &Resolved) -> String {
    // The workspaces named: the merged policy pins their compartments (without them it would
    // keep only the usable pins, or none).
    let target: String = std::iter::once(r.ctx.key_arn.clone().unwrap_or_else(|| "<key-arn>".to_string()))
        .chain(r.ctx.workspaces.iter().map(|w| format!("--workspace {w}")))
        .collect::<Vec<_>>()
        .join(" ");
    if has_foreign_anthropic_grant(r.policy, &identities::published().aws.account_id) {
        return format!(
            "cmek setup --non-interactive --provider aws --key {target} --replace-anthropic-grants (takes out the grants \
             to Anthropic's account that are not cmek's, merges cmek's role-scoped statements, keeps every other \
             statement of yours and backs up the old policy; add --plan first to see the diff)"
        );
    }
    format!(
        "cmek setup --non-interactive --provider aws --key {target} (merges cmek's Anthropic statements and keeps every \
         statement of yours; --plan shows the diff first)"
    )
}

/// The Anthropic grant this context asks for.
pub(crate) fn grant(r: &Resolved, decrypt_existing: bool) -> AnthropicGrant {
    let mut g = AnthropicGrant::published(r.account_id.clone(), r.ctx.org_uuid);
    g.compartments = r.ctx.compartments.clone();
    if decrypt_existing {
        g.decrypt_existing_compartments = r.ctx.attached_compartments.clone();
    }
    g
}

/// The compact JSON of the rendered statement with this Sid.
pub(crate) fn statement_json(r: &Resolved, sid: &str) -> String {
    let decrypt_existing = sid == SID_DECRYPT_EXISTING;
    anthropic_statements(&grant(r, decrypt_existing))
        .into_iter()
        .find(|s| s.sid.as_deref() == Some(sid))
        .map(|s| s.to_json_value().to_string())
        .unwrap_or_default()
}

pub(crate) fn crypto_statement(r: &Resolved) -> String {
    statement_json(r, SID_CRYPTO)
}

/// The crypto statement pinned to these compartments (e.g. the ones already pinned plus the targets).
pub(crate) fn crypto_statement_pinned(r: &Resolved, compartments: Vec<CompartmentId>) -> String {
    let mut g = grant(r, false);
    g.compartments = compartments;
    anthropic_statements(&g)
        .into_iter()
        .find(|s| s.sid.as_deref() == Some(SID_CRYPTO))
        .map(|s| s.to_json_value().to_string())
        .unwrap_or_default()
}

pub(crate) fn describe_statement(r: &Resolved) -> String {
    statement_json(r, SID_DESCRIBE)
}

/// The Terraform hint for anything fixed in the key policy.
pub(crate) fn terraform(r: &Resolved) -> String {
    let compartments: String = r.ctx.compartments.iter().map(|c| format!(" --compartment {c}")).collect();
    format!(
        "resource \"aws_kms_key_policy\" \"cmek\" {{ key_id = aws_kms_key.cmek.id, policy = jsonencode(...) }} with \
         the statements `cmek policy render --provider aws --account {} --org-uuid {}{compartments}` prints, plus your \
         own",
        r.account, r.ctx.org_uuid
    )
}

/// The published role ARN.
pub(crate) fn role_arn() -> &'static str {
    &identities::published().aws.role_arn
}
