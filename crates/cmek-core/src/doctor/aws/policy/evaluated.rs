//! The rules decided by evaluating Anthropic's requests against the policy: the planner's
//! predictions (AWS-05/06/08/13, GEN-04, from `plan::policy_checks`), Resource Control Policies
//! (AWS-12), and whether data of already attached workspaces stays decryptable (AWS-14).

use chrono::{DateTime, Utc};

use crate::model::CompartmentId;
use crate::plan::aws::existing_grant::read as read_existing_grant;
use crate::plan::aws::policy_checks::policy_checks;
use crate::plan::{Severity, WorkspaceFacts};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::anthropic::{encryption_context, request};
use crate::policy::aws::eval::{Decision, Outcome, PolicySource, evaluate};
use crate::policy::aws::render::SID_DECRYPT_EXISTING;

use super::fixes::{self, setup_command, terraform};
use super::{Finding, Resolved, Status, finding};

pub(crate) fn check(r: &Resolved) -> Vec<Finding> {
    let mut out = planner_predictions(r);
    out.extend(rcps(r));
    out.push(existing_data(r));
    out
}

/// `plan::policy_checks` for validation and for attaching to each target compartment, converted.
fn planner_predictions(r: &Resolved) -> Vec<Finding> {
    let mut grant = fixes::grant(r, false);
    // GEN-04 counts the organisations the policy grants (not the one asked about, which AWS-07 checks).
    let granted = read_existing_grant(r.policy).org_uuids;
    if !granted.is_empty() {
        grant.org_uuids = granted;
    }
    // One workspace at a time, so a finding names the compartment it is about.
    let workspaces: Vec<Vec<WorkspaceFacts>> = if r.ctx.compartments.is_empty() {
        vec![Vec::new()]
    } else {
        r.ctx.compartments.iter().map(|c| vec![workspace(c)]).collect()
    };
    let mut out: Vec<Finding> = Vec::new();
    for ws in &workspaces {
        for check in policy_checks(r.policy, &r.key_arn, &r.account, &r.ctx.org_uuid, ws.as_slice(), &grant) {
            // What the evaluator predicts follows from the statements the other rules name.
            let f = enrich(Finding::from_check(&check, super::GROUP), r).as_symptom();
            if !out.iter().any(|o| o.id == f.id && o.title == f.title) {
                out.push(f);
            }
        }
    }
    out
}

/// A workspace standing for one target compartment (the planner only reads the compartment).
fn workspace(c: &CompartmentId) -> WorkspaceFacts {
    WorkspaceFacts {
        id: format!("compartment {c}"),
        name: format!("compartment {c}"),
        compartment: *c,
        external_key_id: None,
        archived: false,
        created_at: DateTime::<Utc>::UNIX_EPOCH,
        just_created: false,
    }
}

/// Adds what the planner's checks do not carry: expected, why, and the concrete fixes.
fn enrich(f: Finding, r: &Resolved) -> Finding {
    let (expected, why) = match f.id {
        "AWS-05" => (
            format!(
                "an Allow of kms:Encrypt and kms:Decrypt to {} with StringEquals \
                 kms:EncryptionContext:anthropic:org_uuid = {}",
                fixes::role_arn(),
                r.ctx.org_uuid
            ),
            "Anthropic's role lives in another account: only the key policy can let it use the key (an IAM policy \
             cannot grant cross-account use), and validation calls Encrypt and Decrypt",
        ),
        "AWS-06" => (
            format!("an Allow of kms:DescribeKey to {} without any condition", fixes::role_arn()),
            "DescribeKey carries no encryption context, so an EncryptionContext condition on it never matches and \
             validation cannot read the key",
        ),
        "AWS-08" => (
            "requests with another organisation's or another workspace's encryption context are denied".to_string(),
            "validation refuses over-permissive policies, and a grant that ignores the context lets any Anthropic \
             organisation use your key",
        ),
        "AWS-13" => (
            "no Deny matches Anthropic's requests from 160.79.104.0/21".to_string(),
            "an explicit Deny always wins: Anthropic's calls come from 160.79.104.0/21, outside your networks",
        ),
        "GEN-04" => (
            "one organisation per key, unless sharing is intended".to_string(),
            "revoking or disabling the key affects every organisation it serves",
        ),
        _ => return f,
    };
    let mut f = f.expected(expected).why(why);
    if f.status != Status::Pass && f.id != "GEN-04" {
        let statement = if f.id == "AWS-06" { fixes::describe_statement(r) } else { fixes::crypto_statement(r) };
        let planner_fix = f.fix.take().unwrap_or_default();
        f = f.fix(format!("{planner_fix}; run {} or add {statement}", setup_command(r))).terraform(terraform(r));
    }
    f
}

/// AWS-12: an RCP that denies what the key policy allows Anthropic.
fn rcps(r: &Resolved) -> Vec<Finding> {
    let title = "no Resource Control Policy denies Anthropic's requests";
    let expected =
        "each RCP that denies principals outside your organisation carves out the Anthropic role or this key";
    let why = "RCPs apply to every request to your key, including Anthropic's from another organisation; an RCP Deny \
               wins over the key policy's Allow (SCPs, by contrast, do not apply to external principals)";
    let Some(given) = &r.ctx.rcps else {
        return vec![
            super::Finding::unknown(
                "AWS-12",
                Severity::High,
                super::GROUP,
                title,
                "no Resource Control Policy was given: pass --rcp FILE for each RCP attached to the key's account \
                 and its OUs",
            )
            .expected(expected),
        ];
    };
    let mut docs = Vec::new();
    for p in given {
        match PolicyDocument::parse(&p.text) {
            Ok(d) => docs.push(d),
            Err(e) => {
                return vec![
                    Finding::unknown("AWS-12", Severity::High, super::GROUP, title, format!("RCP {}: {e}", p.name))
                        .expected(expected),
                ];
            }
        }
    }
    let mut denied = Vec::new();
    for (action, ctx) in requests(r) {
        let d = evaluate(r.policy, &docs, &request(action, &r.key_arn, &r.account, &ctx));
        if d.outcome == Outcome::ExplicitlyDenied && d.deciding.iter().any(|s| matches!(s.policy, PolicySource::Rcp(_)))
        {
            denied.push(format!("{action} ({}) denied by {}", describe(&ctx), deciding(&d, given)));
        }
    }
    if denied.is_empty() {
        let names: Vec<&str> = given.iter().map(|p| p.name.as_str()).collect();
        let f = finding("AWS-12", Severity::High, Status::Pass, title).expected(expected);
        return vec![if names.is_empty() { f } else { f.observed(format!("checked {}", names.join(", "))) }];
    }
    vec![
        finding("AWS-12", Severity::High, Status::Fail, title)
            .observed(denied.join("; "))
            .expected(expected)
            .why(why)
            .fix(format!(
                "add a carve-out to the denying statement's Condition, e.g. \"ArnNotLikeIfExists\": {{\"aws:PrincipalArn\": \
                 \"{}\"}} (or exclude this key with aws:ResourceArn), then update the RCP with `aws organizations \
                 update-policy`",
                fixes::role_arn()
            ))
            .terraform("aws_organizations_policy (type RESOURCE_CONTROL_POLICY): add the carve-out to its content"),
    ]
}

/// The requests validation and attaching make: DescribeKey, then Encrypt and Decrypt per context.
fn requests(r: &Resolved) -> Vec<(&'static str, std::collections::BTreeMap<String, String>)> {
    let org = r.ctx.org_uuid.to_string();
    let mut contexts = vec![encryption_context(&org, None)];
    contexts.extend(r.ctx.compartments.iter().map(|c| encryption_context(&org, Some(&c.to_string()))));
    let mut out = vec![("kms:DescribeKey", Default::default())];
    for ctx in contexts {
        out.push(("kms:Encrypt", ctx.clone()));
        out.push(("kms:Decrypt", ctx));
    }
    out
}

fn describe(ctx: &std::collections::BTreeMap<String, String>) -> String {
    if ctx.is_empty() {
        return "no encryption context".into();
    }
    ctx.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join(", ")
}

fn deciding(d: &Decision, rcps: &[super::NamedPolicy]) -> String {
    d.deciding
        .iter()
        .map(|s| match s.policy {
            PolicySource::KeyPolicy => format!("key policy {}", s.label()),
            PolicySource::Rcp(n) => {
                format!("RCP {} ({}) {}", n, rcps.get(n).map(|p| p.name.as_str()).unwrap_or("?"), s.label())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// AWS-14: every workspace the key already protects data for can still be decrypted.
fn existing_data(r: &Resolved) -> Finding {
    let title = "data of workspaces the key is attached to stays decryptable";
    let expected = "kms:Decrypt allowed for every attached workspace's compartment (an \
                    AllowAnthropicCMEKDecryptExistingData statement when the pinned list no longer covers one)";
    if r.ctx.attached_compartments.is_empty() {
        return finding("AWS-14", Severity::Critical, Status::Pass, title)
            .observed("no attached workspace given (--attached-compartment); nothing to keep decryptable")
            .expected(expected);
    }
    let org = r.ctx.org_uuid.to_string();
    let uncovered: Vec<String> = r
        .ctx
        .attached_compartments
        .iter()
        .map(ToString::to_string)
        .filter(|c| {
            let req = request("kms:Decrypt", &r.key_arn, &r.account, &encryption_context(&org, Some(c)));
            !evaluate(r.policy, &[], &req).is_allowed()
        })
        .collect();
    if uncovered.is_empty() {
        return finding("AWS-14", Severity::Critical, Status::Pass, title).expected(expected);
    }
    let statement = if r.policy.statement_by_sid(SID_DECRYPT_EXISTING).is_some() {
        format!("the {SID_DECRYPT_EXISTING} statement does not cover them")
    } else {
        format!("there is no {SID_DECRYPT_EXISTING} statement")
    };
    finding("AWS-14", Severity::Critical, Status::Fail, title)
        .observed(format!(
            "kms:Decrypt is not allowed for attached compartment(s) {}: {statement}",
            uncovered.join(", ")
        ))
        .expected(expected)
        .why(
            "data already encrypted under this key for those workspaces could no longer be decrypted by Anthropic: \
             it becomes unreadable",
        )
        .fix(format!("add {}", fixes::statement_json(r, SID_DECRYPT_EXISTING)))
        .terraform(terraform(r))
}
