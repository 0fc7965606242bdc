//! Taking out grants to Anthropic's account that are not cmek's, with the customer's explicit,
//! named consent (`--replace-anthropic-grants`, or the wizard's approval). The AWS console's
//! "other AWS accounts" wizard writes such a grant (the whole account, broad actions, no
//! condition): validation refuses it (AWS-08), and a plain merge keeps it, so without this the
//! only way out was editing the policy by hand.
//!
//! Only Allow statements are touched, and in them only the principals in Anthropic's account: a
//! statement that also names the customer's own principals keeps them; one left with no principal
//! is removed. Denies are the customer's guardrails and stay. cmek's own statements are the
//! merge's to replace. The merge then adds the role-scoped statements.

use super::document::PolicyDocument;
use super::merge::MergeChange;
use super::principal::{PrincipalElement, PrincipalKind, Principals};
use super::render::ANTHROPIC_SIDS;
use super::statement::{Effect, Statement};

/// `existing` without the grants to `anthropic_account` that are not cmek's, and what was taken
/// out. Unchanged (and no change listed) when there is none.
pub fn without_foreign_anthropic_grants(
    existing: &PolicyDocument,
    anthropic_account: &str,
) -> (PolicyDocument, Vec<MergeChange>) {
    let mut changes = Vec::new();
    let mut kept = Vec::new();
    for s in existing.statements() {
        match narrowed(s, anthropic_account) {
            Narrowed::Untouched => kept.push(s.clone()),
            Narrowed::Without(rest) => {
                changes.push(MergeChange::RemovedAnthropicGrant { sid: s.sid.clone(), statement_removed: false });
                kept.push(*rest);
            }
            Narrowed::Gone => {
                changes.push(MergeChange::RemovedAnthropicGrant { sid: s.sid.clone(), statement_removed: true });
            }
        }
    }
    (existing.with_statements(kept), changes)
}

/// True when `existing` holds a grant to `anthropic_account` that is not cmek's.
pub fn has_foreign_anthropic_grant(existing: &PolicyDocument, anthropic_account: &str) -> bool {
    existing.statements().iter().any(|s| !matches!(narrowed(s, anthropic_account), Narrowed::Untouched))
}

enum Narrowed {
    Untouched,
    Without(Box<Statement>),
    Gone,
}

fn narrowed(s: &Statement, account: &str) -> Narrowed {
    let is_cmeks = s.sid.as_deref().is_some_and(|sid| ANTHROPIC_SIDS.contains(&sid));
    let Some(PrincipalElement::Principal(Principals::Typed(entries))) = &s.principal else {
        return Narrowed::Untouched;
    };
    if s.effect != Effect::Allow || is_cmeks {
        return Narrowed::Untouched;
    }
    let anthropic = |v: &str| v == account || v.split(':').nth(4) == Some(account);
    if !entries.iter().any(|e| e.kind == PrincipalKind::Aws && e.values.iter().any(|v| anthropic(v))) {
        return Narrowed::Untouched;
    }
    let mut rest = Vec::new();
    for e in entries {
        let values: Vec<String> =
            e.values.iter().filter(|v| !(e.kind == PrincipalKind::Aws && anthropic(v))).cloned().collect();
        if values.is_empty() {
            continue;
        }
        let values = if values.len() == 1 && !e.values.is_list() {
            super::values::OneOrMany::one(values[0].clone())
        } else {
            super::values::OneOrMany::many(values)
        };
        rest.push(super::principal::PrincipalEntry { kind: e.kind, values });
    }
    if rest.is_empty() {
        return Narrowed::Gone;
    }
    let mut out = s.clone();
    out.principal = Some(PrincipalElement::Principal(Principals::Typed(rest)));
    Narrowed::Without(Box::new(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANTHROPIC: &str = "915198916910";

    fn doc(json: serde_json::Value) -> PolicyDocument {
        PolicyDocument::parse(&json.to_string()).unwrap()
    }

    #[test]
    fn the_console_grant_goes_and_the_customers_statements_stay_exactly() {
        let console = doc(serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Enable IAM User Permissions", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:*", "Resource": "*"},
            {"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::915198916910:root"},
             "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
             "Resource": "*"}]}));
        assert!(has_foreign_anthropic_grant(&console, ANTHROPIC));
        let (after, changes) = without_foreign_anthropic_grants(&console, ANTHROPIC);
        assert_eq!(after.statements().len(), 1);
        assert_eq!(after.statements()[0], console.statements()[0], "the customer's statement is kept exactly");
        assert_eq!(
            changes,
            [MergeChange::RemovedAnthropicGrant { sid: Some("Allow use of the key".into()), statement_removed: true }]
        );
        assert!(!has_foreign_anthropic_grant(&after, ANTHROPIC));
    }

    #[test]
    fn a_shared_statement_keeps_its_other_principals_and_denies_and_cmeks_own_stay() {
        let mixed = doc(serde_json::json!({"Version": "2012-10-17", "Statement": [
            {"Sid": "Shared", "Effect": "Allow",
             "Principal": {"AWS": ["arn:aws:iam::111122223333:role/app", "arn:aws:iam::915198916910:root"]},
             "Action": "kms:Decrypt", "Resource": "*"},
            {"Sid": "Guard", "Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::915198916910:root"},
             "Action": "kms:ScheduleKeyDeletion", "Resource": "*"},
            {"Sid": "AllowAnthropicCMEKDescribe", "Effect": "Allow",
             "Principal": {"AWS": "arn:aws:iam::915198916910:role/anthropic-cmek-client-us"},
             "Action": "kms:DescribeKey", "Resource": "*"}]}));
        let (after, changes) = without_foreign_anthropic_grants(&mixed, ANTHROPIC);
        assert_eq!(after.statements().len(), 3);
        let shared = after.statements()[0].principals().unwrap();
        assert_eq!(shared.values_of(PrincipalKind::Aws).collect::<Vec<_>>(), ["arn:aws:iam::111122223333:role/app"]);
        assert_eq!(after.statements()[1], mixed.statements()[1], "a Deny stays");
        assert_eq!(after.statements()[2], mixed.statements()[2], "cmek's own statement is the merge's to replace");
        assert_eq!(
            changes,
            [MergeChange::RemovedAnthropicGrant { sid: Some("Shared".into()), statement_removed: false }]
        );
    }
}
