//! Merges the Anthropic statements into an existing key policy without disturbing anything else.
//!
//! Rules (design.md, providers.md): every customer statement is kept exactly, in place; only
//! statements whose Sid is one of the Anthropic Sids are replaced, in place; missing ones are
//! appended; an Anthropic-Sid statement this grant does not render (e.g. DecryptExistingData) is
//! kept, because dropping it could strand data encrypted for old workspaces; `AccountRootAdmin`
//! is added only when no statement already keeps the account in control.

use super::document::PolicyDocument;
use super::principal::{PrincipalKind, is_account_root_arn};
use super::render::{AnthropicGrant, SID_ROOT, account_root_admin, anthropic_statements};
use super::statement::{ActionElement, Effect, ResourceElement, Statement};
use crate::model::aws::AwsAccountId;

/// The merged policy and what changed.
#[derive(Debug, Clone, PartialEq)]
pub struct Merged {
    pub policy: PolicyDocument,
    pub changes: Vec<MergeChange>,
}

impl Merged {
    /// True when the merged policy means exactly what the existing one meant (nothing to put).
    ///
    /// A statement is only ever replaced when its meaning differs, so no change means same meaning.
    pub fn is_unchanged(&self) -> bool {
        self.changes.is_empty()
    }
}

/// One change the merge made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum MergeChange {
    Added {
        sid: String,
    },
    Replaced {
        sid: String,
    },
    /// A second statement carrying the same Anthropic Sid as one that was replaced.
    Removed {
        sid: String,
    },
    AddedAccountRootAdmin,
    /// A grant to Anthropic's account that was not cmek's, taken out with the customer's consent
    /// (`replace_grants`): the whole statement, or only Anthropic's principals in it.
    RemovedAnthropicGrant {
        sid: Option<String>,
        statement_removed: bool,
    },
}

/// The Sid used for `AccountRootAdmin` when a customer statement already carries that Sid.
const SID_ROOT_FALLBACK: &str = "AccountRootAdminCmek";

/// Merges `g`'s statements into `existing`.
pub fn merge(existing: &PolicyDocument, g: &AnthropicGrant) -> Merged {
    let mut statements: Vec<Statement> = existing.statements().to_vec();
    let mut changes = Vec::new();

    for rendered in anthropic_statements(g) {
        let Some(sid) = rendered.sid.clone() else { continue };
        let positions: Vec<usize> =
            statements.iter().enumerate().filter(|(_, s)| s.sid.as_deref() == Some(&sid)).map(|(i, _)| i).collect();
        match positions.split_first() {
            None => {
                statements.push(rendered);
                changes.push(MergeChange::Added { sid });
            }
            Some((&first, duplicates)) => {
                // Later statements with the same Sid would keep granting what the grant no longer says.
                for &dup in duplicates.iter().rev() {
                    statements.remove(dup);
                    changes.push(MergeChange::Removed { sid: sid.clone() });
                }
                if let Some(slot) = statements.get_mut(first)
                    && !slot.same_meaning(&rendered)
                {
                    *slot = rendered;
                    changes.push(MergeChange::Replaced { sid });
                }
            }
        }
    }

    if !statements.iter().any(|s| keeps_account_in_control(s, &g.account)) {
        let mut root = account_root_admin(&g.account);
        if statements.iter().any(|s| s.sid.as_deref() == Some(SID_ROOT)) {
            root.sid = Some(SID_ROOT_FALLBACK.to_string());
        }
        statements.push(root);
        changes.push(MergeChange::AddedAccountRootAdmin);
    }

    Merged { policy: existing.with_statements(statements), changes }
}

/// True for a statement that lets the account's own IAM policies administer the key: an Allow with
/// no condition, principal the account root ARN or bare account id, action `kms:*` or `*`, resource
/// `*`. AWS's default "Enable IAM User Permissions" statement is one.
pub fn keeps_account_in_control(s: &Statement, account: &AwsAccountId) -> bool {
    let names_account = s.principals().is_some_and(|p| {
        p.values_of(PrincipalKind::Aws).any(|v| v == account.as_str() || is_account_root_arn(v, account.as_str()))
    });
    let all_kms = matches!(&s.action, ActionElement::Action(a)
        if a.iter().any(|x| x == "*" || x.eq_ignore_ascii_case("kms:*")));
    let all_resources = matches!(&s.resource, Some(ResourceElement::Resource(r)) if r.iter().any(|x| x == "*"));
    s.effect == Effect::Allow && s.effective_condition().is_none() && names_account && all_kms && all_resources
}
