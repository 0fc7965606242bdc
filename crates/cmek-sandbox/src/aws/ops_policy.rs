//! The key policy operations: GetKeyPolicy (verbatim text), PutKeyPolicy (validated, lockout
//! check unless bypassed) and ListKeyPolicies. All work only on keys of the caller's account.

use serde_json::{Map, Value, json};

use super::authorize::{ExtraContext, Reach};
use super::errors::KmsError;
use super::keys::Forms;
use super::kms::{KmsCall, Output, key_at, key_at_mut};
use super::pagination;
use super::policy_check;
use super::protocol_json::check_length;
use super::state::AwsState;

/// The only key policy name KMS has.
const POLICY_NAME: &str = "default";

fn check_policy_name(call: &KmsCall<'_>) -> Result<(), KmsError> {
    let Some(name) = call.input.string("PolicyName")? else { return Ok(()) };
    check_length(name, "PolicyName", 1, 128)?;
    if !name.chars().all(|c| c.is_alphanumeric() || c == '_') {
        return Err(KmsError::constraint(name, "policyName", "Member must satisfy regular expression pattern: [\\w]+"));
    }
    if name != POLICY_NAME {
        return Err(KmsError::not_found(format!(
            "Policy '{name}' does not exist; the only key policy name is 'default'."
        )));
    }
    Ok(())
}

pub(super) fn get_key_policy(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index =
        call.authorized_key(state, "KeyId", Forms::Keys, "kms:GetKeyPolicy", Reach::SameAccount, ExtraContext::new())?;
    check_policy_name(call)?;
    let key = key_at(state, index)?;
    Ok(Some(json!({ "Policy": key.policy, "PolicyName": POLICY_NAME })))
}

pub(super) fn put_key_policy(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    let index =
        call.authorized_key(state, "KeyId", Forms::Keys, "kms:PutKeyPolicy", Reach::SameAccount, ExtraContext::new())?;
    check_policy_name(call)?;
    let text = call.input.required_string("Policy")?;
    let doc = policy_check::validate(state, text)?;
    if !call.input.bool("BypassPolicyLockoutSafetyCheck")?.unwrap_or(false) {
        policy_check::check_lockout(state, &call.who, key_at(state, index)?, &doc)?;
    }
    key_at_mut(state, index)?.policy = text.to_string();
    Ok(None)
}

pub(super) fn list_key_policies(state: &mut AwsState, call: &KmsCall<'_>) -> Output {
    call.authorized_key(state, "KeyId", Forms::Keys, "kms:ListKeyPolicies", Reach::SameAccount, ExtraContext::new())?;
    let page = pagination::page(vec![Value::String(POLICY_NAME.into())], call.input, 100, 1000)?;
    let mut out = Map::new();
    out.insert("PolicyNames".into(), Value::Array(page.items.clone()));
    Ok(Some(page.finish(out)))
}
