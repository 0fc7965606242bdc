//! The AWS key-policy rules of the doctor catalogue (AWS-05..AWS-14, ANT-03/04/05/11): a key
//! policy's text (plus optional Resource Control Policies) in, findings out. Shared by
//! `cmek policy check` and `cmek doctor`. Pure: no I/O, no clock, no environment.
//!
//! The evaluation-based rules (AWS-05/06/08/13 and the negative probes) come from
//! `plan::policy_checks` so setup's prediction and doctor's diagnosis never disagree; the rules
//! here add what only reading the statements can show (which statement, which value, why).

mod control;
mod evaluated;
mod fixes;
mod grant;
mod kms_actions;
mod malformed;
mod network;
mod values;

#[cfg(test)]
mod snapshot_tests;
#[cfg(test)]
mod tests;

use crate::identities;
use crate::model::aws::AwsAccountId;
use crate::model::{CompartmentId, OrgUuid};
use crate::plan::Severity;
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::eval::{RequestPrincipal, evaluate};
use crate::policy::aws::statement::{Effect, Statement};

use crate::doctor::{Finding, Status};

/// The group every finding of this module is shown under.
pub const GROUP: &str = "key policy";

/// A Resource Control Policy as given: where it came from (a file name) and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedPolicy {
    pub name: String,
    pub text: String,
}

/// What the rules need besides the key policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicyContext {
    /// The organisation the key is for (bare lower-case UUID).
    pub org_uuid: OrgUuid,
    /// The compartments of the workspaces the key is (to be) attached to: the targets.
    pub compartments: Vec<CompartmentId>,
    /// Those workspaces' ids, for the setup command a fix suggests (so it pins them too).
    pub workspaces: Vec<String>,
    /// Compartments of workspaces the key protects data for already (AWS-14).
    pub attached_compartments: Vec<CompartmentId>,
    /// The key ARN, when known; otherwise a placeholder ARN in `account` is evaluated.
    pub key_arn: Option<String>,
    /// The key's (customer's) account; inferred from `key_arn` or the policy when `None`.
    pub account: Option<AwsAccountId>,
    /// Resource Control Policies that apply to the key's account (AWS-12); `None` = not known.
    pub rcps: Option<Vec<NamedPolicy>>,
}

impl KeyPolicyContext {
    /// A context for one organisation and nothing else known.
    pub fn new(org_uuid: OrgUuid) -> KeyPolicyContext {
        KeyPolicyContext {
            org_uuid,
            compartments: Vec::new(),
            workspaces: Vec::new(),
            attached_compartments: Vec::new(),
            key_arn: None,
            account: None,
            rcps: None,
        }
    }
}

/// The context resolved against one parsed policy: account and key ARN always known.
pub(crate) struct Resolved<'a> {
    pub ctx: &'a KeyPolicyContext,
    pub policy: &'a PolicyDocument,
    pub account: String,
    pub account_id: AwsAccountId,
    pub key_arn: String,
    /// Whether `account` came from the caller (or the key ARN) rather than a guess from the policy.
    pub account_known: bool,
}

/// Runs every AWS key-policy rule of the catalogue on `text`. Passing rules yield `pass` findings,
/// rules that cannot run yield `unknown` with the reason. Never panics on any input.
pub fn check_key_policy(text: &str, ctx: &KeyPolicyContext) -> Vec<Finding> {
    let policy = match PolicyDocument::parse(text) {
        Ok(p) => p,
        Err(e) => return malformed::unreadable(&e),
    };
    let (account, account_known) = resolve_account(ctx, &policy);
    let key_arn = ctx
        .key_arn
        .clone()
        .unwrap_or_else(|| format!("arn:aws:kms:us-east-2:{account}:key/00000000-0000-4000-8000-000000000000"));
    let account_id = account.parse().unwrap_or_else(|_| documentation_account());
    let r = Resolved { ctx, policy: &policy, account, account_id, key_arn, account_known };

    let mut out = Vec::new();
    out.extend(malformed::check(&r, text));
    out.extend(evaluated::check(&r));
    out.extend(grant::check(&r));
    out.extend(values::check(&r, text));
    out.extend(network::check(&r));
    out.extend(control::check(&r));
    crate::doctor::rank(&mut out, crate::doctor::catalogue::cause_order);
    out
}

/// The account a key policy belongs to, as far as the policy tells (the account it keeps in
/// control, else the first non-Anthropic account it names, else AWS's documentation account).
pub fn infer_key_account(policy: &PolicyDocument) -> String {
    resolve_account(&KeyPolicyContext::new(OrgUuid::from_uuid(uuid::Uuid::nil())), policy).0
}

/// The key's account: given, else from the key ARN, else the account the policy keeps in control,
/// else the first non-Anthropic account it names, else AWS's documentation account.
fn resolve_account(ctx: &KeyPolicyContext, policy: &PolicyDocument) -> (String, bool) {
    if let Some(a) = &ctx.account {
        return (a.to_string(), true);
    }
    if let Some(a) = ctx.key_arn.as_deref().and_then(AwsAccountId::of_arn) {
        return (a.to_string(), true);
    }
    let anthropic = &identities::published().aws.account_id;
    let accounts: Vec<String> = policy
        .statements()
        .iter()
        .filter(|s| s.effect == Effect::Allow)
        .flat_map(|s| s.principals().into_iter().flat_map(|p| p.values_of(crate::policy::aws::PrincipalKind::Aws)))
        .filter_map(account_of_principal)
        .filter(|a| a != anthropic)
        .collect();
    let keeps = accounts.iter().find(|a| {
        a.parse::<AwsAccountId>().is_ok_and(|acct| {
            policy.statements().iter().any(|s| crate::policy::aws::merge::keeps_account_in_control(s, &acct))
        })
    });
    match keeps.or(accounts.first()) {
        Some(a) => (a.clone(), false),
        None => (documentation_account().to_string(), false),
    }
}

/// AWS's documentation account, evaluated when the policy names no account of its own.
fn documentation_account() -> AwsAccountId {
    "111122223333".parse().expect("a literal 12-digit account id parses")
}

pub(crate) fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The account of a principal value: a bare account id or the account field of an ARN.
pub(crate) fn account_of_principal(value: &str) -> Option<String> {
    if is_account_id(value) {
        return Some(value.to_string());
    }
    AwsAccountId::of_arn(value).map(|a| a.to_string())
}

/// `Sid "X"` or `Statement[i]`: how findings point at a statement.
pub(crate) fn label(s: &Statement, index: usize) -> String {
    match &s.sid {
        Some(sid) => format!("statement \"{sid}\""),
        None => crate::policy::aws::document::statement_path(index),
    }
}

/// A finding of this module's group.
pub(crate) fn finding(id: &'static str, severity: Severity, status: Status, title: impl Into<String>) -> Finding {
    Finding::new(id, severity, status, GROUP, title)
}

/// Whether the statement's principal, action and resource cover Anthropic's role calling `action`,
/// ignoring its conditions and its effect (so a Deny can be asked too). Uses the evaluator, so
/// `*`, NotPrincipal, NotAction and wildcards mean exactly what they mean in evaluation.
pub(crate) fn covers_anthropic(r: &Resolved, s: &Statement, action: &str) -> bool {
    let mut bare = s.clone();
    bare.effect = Effect::Allow;
    bare.condition = None;
    let req = crate::policy::aws::anthropic::request(action, &r.key_arn, &r.account, &Default::default());
    evaluate(&PolicyDocument::new(vec![bare]), &[], &req).is_allowed()
}

/// Whether the statement's `Principal` names an Anthropic identity explicitly (the published
/// account, role or service principal), as opposed to covering it through `*`.
pub(crate) fn names_anthropic(s: &Statement) -> bool {
    let ids = &identities::published().aws;
    s.principals().is_some_and(|p| {
        p.values_of(crate::policy::aws::PrincipalKind::Aws)
            .any(|v| account_of_principal(v).as_deref() == Some(&ids.account_id))
            || p.values_of(crate::policy::aws::PrincipalKind::Service)
                .any(|v| v.eq_ignore_ascii_case(&ids.claude_platform_on_aws_service_principal))
    })
}

/// A principal from an ARN or account id as a caller (for "could this principal administer the key").
pub(crate) fn caller(value: &str) -> Option<RequestPrincipal> {
    RequestPrincipal::from_arn(value)
}
