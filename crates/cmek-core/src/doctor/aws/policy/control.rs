//! AWS-11: something keeps the customer in control of the key (the account root with `kms:*`, or
//! a principal of the account that can still change the key policy). Without it the key can
//! become unmanageable, and only AWS support can recover it.

use crate::identities;
use crate::plan::Severity;
use crate::policy::aws::PrincipalKind;
use crate::policy::aws::eval::evaluate;
use crate::policy::aws::merge::keeps_account_in_control;
use crate::policy::aws::render::account_root_admin;
use crate::policy::aws::statement::Effect;

use super::fixes::terraform;
use super::{Finding, Resolved, Status, account_of_principal, caller, finding};

pub(crate) fn check(r: &Resolved) -> Vec<Finding> {
    let title = "the account keeps control of the key";
    let root = r.account_id.root_arn();
    let expected = format!("an unconditioned Allow of kms:* to {root} (cmek's AccountRootAdmin statement)");
    if r.policy.statements().iter().any(|s| keeps_account_in_control(s, &r.account_id)) {
        return vec![finding("AWS-11", Severity::Critical, Status::Pass, title).expected(expected)];
    }
    if let Some(admin) = admin(r) {
        return vec![
            finding("AWS-11", Severity::Critical, Status::Pass, title)
                .observed(format!("the account root is not named, but {admin} can change the key policy"))
                .expected(expected),
        ];
    }
    let statement = account_root_admin(&r.account_id).to_json_value().to_string();
    let guessed = if r.account_known {
        String::new()
    } else {
        format!(" (account {} inferred from the policy; pass --key-arn to name it)", r.account)
    };
    vec![
        finding("AWS-11", Severity::Critical, Status::Fail, title)
            .observed(format!(
                "no statement allows {root} kms:*, and no principal of account {} can call kms:PutKeyPolicy{guessed}",
                r.account
            ))
            .expected(expected)
            .why(
                "without it nobody in your account can change or repair the key policy: AWS refuses such a policy \
                  unless its lockout safety check is bypassed, and only AWS support can recover the key",
            )
            .fix(format!("add {statement}; never use BypassPolicyLockoutSafetyCheck"))
            .terraform(terraform(r)),
    ]
}

/// A principal of the key's account (not Anthropic's) that the policy lets call PutKeyPolicy.
fn admin(r: &Resolved) -> Option<String> {
    let anthropic = &identities::published().aws.account_id;
    r.policy
        .statements()
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .flat_map(|s| s.principals().into_iter().flat_map(|p| p.values_of(PrincipalKind::Aws)))
        .filter(|v| account_of_principal(v).is_some_and(|a| a == r.account && a != *anthropic))
        .find(|v| {
            caller(v).is_some_and(|who| {
                let req = crate::policy::aws::eval::Request::new(who, "kms:PutKeyPolicy", &r.key_arn, &r.account);
                evaluate(r.policy, &[], &req).is_allowed()
            })
        })
        .map(str::to_string)
}
