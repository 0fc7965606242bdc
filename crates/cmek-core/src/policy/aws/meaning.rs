//! Whether two statements or documents MEAN the same, ignoring how they are written.
//!
//! Shape (a string or a one-item list), order inside lists, duplicates, the case of action names
//! and condition key names, and `true` versus `"true"` do not change what AWS grants; everything
//! else does. Merging uses this to leave equivalent statements untouched, so re-runs converge.

use std::collections::{BTreeMap, BTreeSet};

use super::condition::Condition;
use super::document::PolicyDocument;
use super::principal::{PrincipalElement, PrincipalKind, Principals};
use super::statement::{Effect, Statement};

/// Principal kinds to their values; `None` stands for `"*"`.
type CanonicalPrincipals<'a> = Option<BTreeMap<PrincipalKind, BTreeSet<&'a str>>>;

#[derive(PartialEq)]
struct CanonicalStatement<'a> {
    sid: Option<&'a str>,
    effect: Effect,
    principal: Option<(bool, CanonicalPrincipals<'a>)>,
    action: (bool, BTreeSet<String>),
    resource: Option<(bool, BTreeSet<&'a str>)>,
    condition: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
    extra: &'a serde_json::Map<String, serde_json::Value>,
}

fn canonical(s: &Statement) -> CanonicalStatement<'_> {
    CanonicalStatement {
        sid: s.sid.as_deref(),
        effect: s.effect,
        principal: s.principal.as_ref().map(|p| (p.is_negated(), canonical_principals(p))),
        // Action names are case-insensitive in AWS.
        action: (s.action.is_negated(), s.action.values().iter().map(|a| a.to_ascii_lowercase()).collect()),
        resource: s.resource.as_ref().map(|r| (r.is_negated(), r.values().iter().map(String::as_str).collect())),
        condition: s.condition.as_ref().map(canonical_condition).unwrap_or_default(),
        extra: &s.extra,
    }
}

fn canonical_principals(p: &PrincipalElement) -> CanonicalPrincipals<'_> {
    match p.principals() {
        Principals::Everyone => None,
        Principals::Typed(entries) => {
            let mut map: BTreeMap<PrincipalKind, BTreeSet<&str>> = BTreeMap::new();
            for e in entries {
                map.entry(e.kind).or_default().extend(e.values.iter().map(String::as_str));
            }
            Some(map)
        }
    }
}

/// Operator and key names compared without case (AWS treats condition key names so); values as strings.
fn canonical_condition(c: &Condition) -> BTreeMap<String, BTreeMap<String, BTreeSet<String>>> {
    let mut out: BTreeMap<String, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for block in &c.blocks {
        if block.entries.is_empty() {
            continue;
        }
        let keys = out.entry(block.operator.to_ascii_lowercase()).or_default();
        for e in &block.entries {
            keys.entry(e.key.to_ascii_lowercase()).or_default().extend(e.values.iter().map(|v| v.as_policy_string()));
        }
    }
    out
}

impl Statement {
    /// True when both statements grant or deny exactly the same thing (and carry the same Sid).
    pub fn same_meaning(&self, other: &Statement) -> bool {
        canonical(self) == canonical(other)
    }
}

impl PolicyDocument {
    /// True when both documents hold statements of the same meaning, in the same order, with the same
    /// Version, Id and other top-level fields.
    pub fn same_meaning(&self, other: &PolicyDocument) -> bool {
        self.version == other.version
            && self.id == other.id
            && self.extra == other.extra
            && self.statements().len() == other.statements().len()
            && self.statements().iter().zip(other.statements()).all(|(a, b)| a.same_meaning(b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn st(v: serde_json::Value) -> Statement {
        Statement::from_json_value(&v, "S").unwrap()
    }

    #[test]
    fn shape_order_and_case_do_not_change_meaning() {
        let a = st(json!({"Sid": "X", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::1:role/r"},
            "Action": ["kms:Encrypt", "kms:Decrypt"], "Resource": "*",
            "Condition": {"StringEquals": {"kms:EncryptionContext:anthropic:org_uuid": "o"}, "Bool": {"k": true}}}));
        let b = st(json!({"Effect": "Allow", "Sid": "X", "Resource": ["*"], "Action": ["kms:decrypt", "KMS:Encrypt"],
            "Principal": {"AWS": ["arn:aws:iam::1:role/r"]},
            "Condition": {"Bool": {"K": "true"}, "StringEquals": {"KMS:EncryptionContext:anthropic:org_uuid": ["o"]}}}));
        assert!(a.same_meaning(&b));
    }

    #[test]
    fn values_and_elements_do_change_meaning() {
        let base = json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*",
            "Condition": {"StringEquals": {"k": "v"}}});
        let a = st(base.clone());
        for changed in [
            json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"k": "V"}}}),
            json!({"Effect": "Allow", "Principal": "*", "NotAction": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"k": "v"}}}),
            json!({"Effect": "Deny", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"k": "v"}}}),
            json!({"Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*"}),
            json!({"Sid": "S", "Effect": "Allow", "Principal": "*", "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"k": "v"}}}),
            json!({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "kms:Decrypt", "Resource": "*", "Condition": {"StringEquals": {"k": "v"}}}),
        ] {
            assert!(!a.same_meaning(&st(changed.clone())), "{changed}");
        }
        assert!(a.same_meaning(&st(base)));
    }

    #[test]
    fn empty_condition_means_no_condition() {
        let a = st(json!({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*", "Condition": {}}));
        let b = st(json!({"Effect": "Allow", "Principal": "*", "Action": "kms:*", "Resource": "*"}));
        assert!(a.same_meaning(&b));
    }
}
