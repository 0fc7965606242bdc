//! The rules about condition operators and values: risky operators (AWS-09), the organisation
//! UUID's form (ANT-03), placeholders left in (ANT-04) and workspace pinning (ANT-05).

use serde_json::Value;

use crate::plan::Severity;
use crate::policy::aws::operator::{BaseOperator, ConditionOperator, SetQualifier};
use crate::policy::aws::render::{CONTEXT_KEY_COMPARTMENT, CONTEXT_KEY_ORG};
use crate::policy::aws::statement::{Effect, Statement};

use super::fixes::{crypto_statement, crypto_statement_pinned, setup_command, terraform};
use super::{Finding, Resolved, Status, covers_anthropic, finding, label, names_anthropic};
use crate::model::CompartmentId;

/// Context keys that carry a set of values; `ForAllValues` is meant for these only.
const MULTI_VALUED_KEYS: &[&str] = &[
    "kms:encryptioncontextkeys",
    "kms:grantoperations",
    "aws:tagkeys",
    "aws:principalorgpaths",
    "aws:calledvia",
    "aws:principalservicenameslist",
];

pub(crate) fn check(r: &Resolved, text: &str) -> Vec<Finding> {
    vec![risky_operators(r), org_form(r), placeholders(r, text), pinned(r)]
}

/// Every `(statement index, statement, operator as written, key, values)` of the policy.
fn entries<'a>(r: &'a Resolved) -> impl Iterator<Item = (usize, &'a Statement, &'a str, &'a str, Vec<String>)> + 'a {
    r.policy.statements().iter().enumerate().flat_map(|(i, s)| {
        s.effective_condition().into_iter().flat_map(move |c| {
            c.entries().map(move |(op, e)| {
                (i, s, op, e.key.as_str(), e.values.iter().map(|v| v.as_policy_string()).collect::<Vec<_>>())
            })
        })
    })
}

fn has_wildcard(v: &str) -> bool {
    v.contains('*') || v.contains('?')
}

/// AWS-09.
fn risky_operators(r: &Resolved) -> Finding {
    let title = "condition operators mean what they seem to";
    let mut problems = Vec::new();
    for (i, s, op_text, key, values) in entries(r) {
        let Some(op) = ConditionOperator::parse(op_text) else { continue };
        let lower = key.to_ascii_lowercase();
        let at = format!("{} {op_text} {key}", label(s, i));
        if op.qualifier == Some(SetQualifier::ForAllValues) && !MULTI_VALUED_KEYS.contains(&lower.as_str()) {
            problems.push(format!(
                "{at}: ForAllValues on a single-valued key also matches when the key is absent (an empty set)"
            ));
        }
        let equality = matches!(
            op.base,
            BaseOperator::StringEquals
                | BaseOperator::StringNotEquals
                | BaseOperator::StringEqualsIgnoreCase
                | BaseOperator::StringNotEqualsIgnoreCase
        );
        let like = matches!(op.base, BaseOperator::StringLike | BaseOperator::StringNotLike);
        if equality && values.iter().any(|v| has_wildcard(v)) {
            problems.push(format!(
                "{at}: a wildcard in an equality operator is compared literally ({})",
                values.join(", ")
            ));
        }
        if like && values.iter().all(|v| !has_wildcard(v)) {
            problems
                .push(format!("{at}: a Like operator without a wildcard; equality was meant ({})", values.join(", ")));
        } else if like && lower.starts_with("kms:encryptioncontext:anthropic:") {
            problems.push(format!(
                "{at}: a pattern on Anthropic's encryption context matches other organisations or workspaces ({})",
                values.join(", ")
            ));
        }
    }
    let expected = "StringEquals / StringEqualsIfExists with exact values on single-valued keys";
    if problems.is_empty() {
        return finding("AWS-09", Severity::Medium, Status::Pass, title).expected(expected);
    }
    finding("AWS-09", Severity::Medium, Status::Fail, title)
        .observed(problems.join("; "))
        .expected(expected)
        .why("these operators match more (or less) than they appear to, which silently widens or breaks the grant")
        .fix(format!("use StringEquals (StringEqualsIfExists for the compartment key), as in {}", crypto_statement(r)))
        .terraform(terraform(r))
}

/// ANT-03: the org UUID in a condition must be the bare lower-case UUID.
fn org_form(r: &Resolved) -> Finding {
    let title = "the organisation UUID is written as a bare lower-case UUID";
    let bad: Vec<String> = entries(r)
        .filter(|(_, _, _, key, _)| key.eq_ignore_ascii_case(CONTEXT_KEY_ORG))
        .flat_map(|(i, s, _, _, values)| {
            values
                .into_iter()
                .filter(|v| v.starts_with("org_") || v.chars().any(|c| c.is_ascii_uppercase()))
                .map(move |v| format!("{} has \"{v}\"", label(s, i)))
        })
        .collect();
    let expected = format!("\"{}\" (from GET /v1/organizations/me, `id`)", r.ctx.org_uuid);
    if bad.is_empty() {
        return finding("ANT-03", Severity::High, Status::Pass, title).expected(expected);
    }
    finding("ANT-03", Severity::High, Status::Fail, title)
        .observed(bad.join("; "))
        .expected(expected)
        .why(
            "Anthropic sends the bare lower-case UUID in the encryption context and StringEquals compares exactly, \
              so every request is denied",
        )
        .fix(format!("replace it with {} (or run {})", r.ctx.org_uuid, setup_command(r)))
        .terraform(terraform(r))
}

/// ANT-04: a `<...>` placeholder anywhere in the policy; the JSON path names where.
fn placeholders(r: &Resolved, text: &str) -> Finding {
    let title = "no placeholder is left in the key policy";
    let mut found = Vec::new();
    if let Ok(v) = serde_json::from_str::<Value>(text) {
        walk(&v, "", &mut found);
    }
    let expected = "real values: the org UUID and the workspaces' compartment ids".to_string();
    if found.is_empty() {
        return finding("ANT-04", Severity::High, Status::Pass, title).expected(expected);
    }
    let compartments: String = r.ctx.compartments.iter().map(|c| format!(" {c}")).collect();
    finding("ANT-04", Severity::High, Status::Fail, title)
        .observed(found.join("; "))
        .expected(expected)
        .why(
            "a literal such as <compartment-uuid> never equals what Anthropic sends, so its requests are denied \
              (the platform reports an opaque AccessDenied)",
        )
        .fix(format!(
            "substitute org UUID {}{} for the placeholders, or run {} which writes the real values",
            r.ctx.org_uuid,
            if compartments.is_empty() { String::new() } else { format!(" and compartment ids{compartments}") },
            setup_command(r)
        ))
        .terraform(terraform(r))
}

fn walk(v: &Value, path: &str, found: &mut Vec<String>) {
    match v {
        Value::String(s) => {
            if let Some(start) = s.find('<')
                && s[start..].contains('>')
            {
                found.push(format!("{} = \"{s}\"", if path.is_empty() { "the policy" } else { path }));
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), found);
            }
        }
        Value::Object(map) => {
            // Names and labels may hold angle brackets harmlessly; values that are compared may not.
            for (k, item) in map.iter().filter(|(k, _)| !matches!(k.as_str(), "Sid" | "Id" | "Version")) {
                let p = if path.is_empty() { k.clone() } else { format!("{path}.{k}") };
                walk(item, &p, found);
            }
        }
        _ => {}
    }
}

/// ANT-05: when the grant pins compartments, every target workspace is among them.
fn pinned(r: &Resolved) -> Finding {
    let title = "every target workspace is in the pinned compartment list";
    let mut pins: Vec<String> = Vec::new();
    for (_, s, op, key, values) in entries(r) {
        let positive = ConditionOperator::parse(op).is_some_and(|o| {
            matches!(
                o.base,
                BaseOperator::StringEquals | BaseOperator::StringEqualsIgnoreCase | BaseOperator::StringLike
            )
        });
        let grant = s.effect == Effect::Allow && names_anthropic(s) && covers_anthropic(r, s, "kms:Encrypt");
        if positive && grant && key.eq_ignore_ascii_case(CONTEXT_KEY_COMPARTMENT) {
            pins.extend(values);
        }
    }
    if pins.is_empty() {
        return finding("ANT-05", Severity::High, Status::Pass, title).observed(
            "the grant does not pin kms:EncryptionContext:anthropic:compartment_uuid: every workspace of the \
                       organisation can use the key",
        );
    }
    let missing: Vec<String> =
        r.ctx.compartments.iter().map(ToString::to_string).filter(|c| !pins.contains(c)).collect();
    let expected = format!(
        "the compartment list holds {}",
        if r.ctx.compartments.is_empty() {
            "the compartment of each workspace to attach (--compartment)".to_string()
        } else {
            r.ctx.compartments.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
        }
    );
    if missing.is_empty() {
        return finding("ANT-05", Severity::High, Status::Pass, title)
            .observed(format!("pinned: {}", pins.join(", ")))
            .expected(expected);
    }
    finding("ANT-05", Severity::High, Status::Fail, title)
        .observed(format!("compartment(s) {} not among the pinned {}", missing.join(", "), pins.join(", ")))
        .expected(expected)
        .why(
            "Anthropic encrypts a workspace's data with its compartment id in the context; a workspace outside the \
              list is denied, and attaching it would fail",
        )
        .fix(format!("add them before attaching (run {}), or use {}", setup_command(r), {
            let mut all: Vec<CompartmentId> = pins.iter().filter_map(|p| p.parse().ok()).collect();
            all.extend(r.ctx.compartments.iter().copied());
            crypto_statement_pinned(r, all)
        }))
        .terraform(terraform(r))
}
