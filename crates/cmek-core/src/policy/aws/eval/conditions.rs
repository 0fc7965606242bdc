//! Evaluates a statement's `Condition` against the request context, as AWS documents it.
//!
//! - Blocks (operators) and keys are AND'ed; the values listed for one key are OR'ed.
//! - A key absent from the request: false, except for negated operators and `...IfExists` (true),
//!   `Null` (which tests exactly that), `ForAllValues:` (true) and `ForAnyValue:` (false, even
//!   with `IfExists`, as AWS documents the set operators).
//! - A key with several values needs `ForAnyValue:` / `ForAllValues:`; a plain operator on it is
//!   false (AWS: "multivalued context keys require a condition set operator").
//! - An operator AWS does not define never matches.

use super::context::Context;
use super::operators::positive_match;
use crate::policy::aws::condition::{Condition, ConditionEntry};
use crate::policy::aws::operator::{BaseOperator, ConditionOperator, SetQualifier};

/// True when every block of the condition holds (no condition holds trivially).
pub(super) fn conditions_match(condition: Option<&Condition>, ctx: &Context) -> bool {
    let Some(condition) = condition else { return true };
    condition.blocks.iter().all(|block| match ConditionOperator::parse(&block.operator) {
        Some(op) => block.entries.iter().all(|entry| entry_matches(op, entry, ctx)),
        None => false,
    })
}

fn entry_matches(op: ConditionOperator, entry: &ConditionEntry, ctx: &Context) -> bool {
    let policy_values: Vec<String> = entry.values.iter().map(|v| v.as_policy_string()).collect();
    let request_values = ctx.get(&entry.key);

    if op.base == BaseOperator::Null {
        let absent = request_values.is_none();
        return policy_values.iter().any(|v| {
            if v.eq_ignore_ascii_case("true") {
                absent
            } else if v.eq_ignore_ascii_case("false") {
                !absent
            } else {
                false
            }
        });
    }

    match (op.qualifier, request_values) {
        (None, None) => op.if_exists || op.base.is_negated(),
        (None, Some([single])) => value_matches(op.base, single, &policy_values),
        (None, Some(_)) => false,
        (Some(SetQualifier::ForAnyValue), None) => false,
        (Some(SetQualifier::ForAnyValue), Some(values)) => {
            values.iter().any(|v| value_matches(op.base, v, &policy_values))
        }
        (Some(SetQualifier::ForAllValues), None) => true,
        (Some(SetQualifier::ForAllValues), Some(values)) => {
            values.iter().all(|v| value_matches(op.base, v, &policy_values))
        }
    }
}

/// One request value against the listed policy values: a positive operator holds when ANY value
/// matches, a negated one when NONE does.
fn value_matches(base: BaseOperator, request: &str, policy_values: &[String]) -> bool {
    let any = policy_values.iter().any(|p| positive_match(base, request, p));
    any != base.is_negated()
}
