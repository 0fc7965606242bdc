//! The AWS key-policy rules doctor runs, through one entry point shaped like the shared
//! `doctor::aws_policy::check_key_policy` (written on another branch): until that lands, this
//! adapter evaluates the policy with the planner's probes (`plan::policy_checks`) and the
//! existing-grant reader, and names the catalogue ids they reveal. Pure.

use crate::doctor::{Finding, Status};
use crate::identities;
use crate::model::{AwsAccountId, CompartmentId, OrgUuid};
use crate::plan::existing_grant;
use crate::plan::policy_checks::policy_checks;
use crate::plan::{Check, CheckStatus, Severity};
use crate::policy::PolicyDocument;
use crate::policy::eval::{Outcome, RequestPrincipal, evaluate};
use crate::policy::render::AnthropicGrant;

pub const GROUP: &str = "key policy";

/// What the policy is checked against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPolicyContext {
    pub org_uuid: OrgUuid,
    /// The workspaces' compartments the key must serve (the target workspace), for ANT-05.
    pub compartments: Vec<CompartmentId>,
    /// Compartments of workspaces already attached to the key.
    pub attached_compartments: Vec<CompartmentId>,
    pub key_arn: String,
    pub key_account: AwsAccountId,
}

pub fn check_key_policy(text: &str, ctx: &KeyPolicyContext) -> Vec<Finding> {
    let policy = match PolicyDocument::parse(text) {
        Ok(p) => p,
        Err(e) => {
            return vec![
                Finding::new("AWS-10", Severity::High, Status::Fail, GROUP, "the key policy is well-formed")
                    .observed(e.to_string())
                    .fix(format!(
                        "aws kms get-key-policy --key-id {} --policy-name default --query Policy --output text > \
                         policy.json; fix the error; aws kms put-key-policy --key-id {} --policy-name default --policy \
                         file://policy.json",
                        ctx.key_arn, ctx.key_arn
                    )),
            ];
        }
    };
    let existing = existing_grant::read(&policy);
    let mut out = vec![Finding::pass("AWS-10", Severity::High, GROUP, "the key policy is well-formed")];
    out.extend(value_findings(&existing.unusable_values, &ctx.key_arn));

    let grant = AnthropicGrant {
        account: ctx.key_account.clone(),
        org_uuids: existing.org_uuids.clone(),
        compartments: existing.compartments.clone(),
        anthropic_role_arn: identities::published().aws.role_arn.clone(),
        decrypt_existing_compartments: Vec::new(),
    };
    // The target workspace is judged by ANT-05 below, so the probes run for validation only.
    let checks = policy_checks(&policy, &ctx.key_arn, ctx.key_account.as_str(), &ctx.org_uuid, None, &grant);
    let other_principal_allowed = other_anthropic_principal_allowed(&policy, ctx);
    let foreign_org_only = !existing.org_uuids.is_empty() && !existing.org_uuids.contains(&ctx.org_uuid);
    for c in &checks {
        out.push(relabel(c, other_principal_allowed, foreign_org_only));
    }
    if !out.iter().any(|f| f.id == "AWS-07") {
        out.push(Finding::pass("AWS-07", Severity::High, GROUP, "Anthropic's grant is bound to your organisation"));
    }
    out.extend(pinning(&existing.compartments, ctx));
    out.extend(existing_data(&policy, ctx));
    out.push(lockout(&policy, ctx));
    out
}

/// AWS-14: every workspace already attached must still be able to decrypt its data.
fn existing_data(policy: &PolicyDocument, ctx: &KeyPolicyContext) -> Vec<Finding> {
    ctx.attached_compartments
        .iter()
        .map(|c| {
            let context = crate::policy::anthropic::encryption_context(&ctx.org_uuid.to_string(), Some(&c.to_string()));
            let req =
                crate::policy::anthropic::request("kms:Decrypt", &ctx.key_arn, ctx.key_account.as_str(), &context);
            let title = format!("Anthropic can still decrypt the data of the attached workspace's compartment {c}");
            if evaluate(policy, &[], &req).outcome == Outcome::Allowed {
                Finding::pass("AWS-14", Severity::Critical, GROUP, title)
            } else {
                Finding::new("AWS-14", Severity::Critical, Status::Fail, GROUP, title)
                    .observed(format!("kms:Decrypt with compartment {c} is denied by the key policy"))
                    .expected(format!(
                        "{c} among the pinned compartments, or an AllowAnthropicCMEKDecryptExistingData statement"
                    ))
                    .why("the workspace's existing data becomes undecryptable: it is lost while the policy stays so")
                    .fix(
                        "add the compartment back (re-run cmek setup --workspace <that workspace>), or add the \
                          AllowAnthropicCMEKDecryptExistingData statement for it",
                    )
            }
        })
        .collect()
}

/// AWS-11: the account root keeps control of the key (else only AWS Support can recover it).
fn lockout(policy: &PolicyDocument, ctx: &KeyPolicyContext) -> Finding {
    let account = ctx.key_account.as_str();
    let root = RequestPrincipal::Aws { arn: ctx.key_account.root_arn(), account: account.to_string(), role_arn: None };
    let req = crate::policy::eval::Request::new(root, "kms:PutKeyPolicy", &ctx.key_arn, account);
    let title = "the account root keeps control of the key (kms:PutKeyPolicy)";
    if evaluate(policy, &[], &req).outcome == Outcome::Allowed {
        Finding::pass("AWS-11", Severity::Critical, GROUP, title)
    } else {
        Finding::new("AWS-11", Severity::Critical, Status::Fail, GROUP, title)
            .observed(format!("{} may not call kms:PutKeyPolicy on {}", ctx.key_account.root_arn(), ctx.key_arn))
            .expected("a statement allowing the account root kms:* (cmek's AccountRootAdmin)")
            .why("nobody in the account can change the key policy any more; only AWS Support can help")
            .fix(
                "keep the AccountRootAdmin statement (Principal arn:aws:iam::<account>:root, Action kms:*); never \
                  bypass the policy lockout safety check",
            )
    }
}

/// The planner's probe results seen through the catalogue: a foreign organisation let through is
/// over-broad (AWS-08) only when more than Anthropic's role gets in; otherwise the role's grant
/// lacks its organisation condition (AWS-07). A crypto grant bound to another org is AWS-07 too.
fn relabel(c: &Check, other_principal_allowed: bool, foreign_org_only: bool) -> Finding {
    let mut f = Finding::from_check(c, GROUP);
    if c.status == CheckStatus::Pass {
        return f;
    }
    if c.id == "AWS-08" && c.title.starts_with("another organisation") && !other_principal_allowed {
        f.id = "AWS-07";
        f.title = "Anthropic's grant is bound to your organisation".into();
        f.fix = Some(
            "add StringEquals kms:EncryptionContext:anthropic:org_uuid = your organisation UUID to Anthropic's \
             Encrypt/Decrypt statement (cmek's AllowAnthropicCMEKCrypto): re-run cmek setup"
                .into(),
        );
    } else if c.id == "AWS-05" && foreign_org_only {
        f.id = "AWS-07";
        f.title = format!("Anthropic's grant is bound to your organisation ({})", c.title);
    }
    f.expected = match f.id {
        "AWS-07" => {
            Some("a StringEquals condition on kms:EncryptionContext:anthropic:org_uuid naming your organisation")
        }
        "AWS-08" => Some("only Anthropic's role, only the needed actions, only your organisation's context"),
        "AWS-13" => Some("no Deny statement matching Anthropic's requests"),
        "AWS-05" | "AWS-06" => Some("Anthropic's role allowed kms:DescribeKey, kms:Encrypt and kms:Decrypt"),
        _ => None,
    }
    .map(str::to_string);
    f
}

/// Whether a principal of Anthropic's account other than its published role may Encrypt.
fn other_anthropic_principal_allowed(policy: &PolicyDocument, ctx: &KeyPolicyContext) -> bool {
    let role = &identities::published().aws.role_arn;
    let account = role.split(':').nth(4).unwrap_or_default();
    let other_role = format!("arn:aws:iam::{account}:role/cmek-doctor-probe");
    let Some(principal) = RequestPrincipal::assumed_role_session(&other_role, "probe") else { return false };
    let context = crate::policy::anthropic::encryption_context(&ctx.org_uuid.to_string(), None);
    let mut req = crate::policy::anthropic::request("kms:Encrypt", &ctx.key_arn, ctx.key_account.as_str(), &context);
    req.principal = principal;
    evaluate(policy, &[], &req).outcome == Outcome::Allowed
}

/// ANT-04 (placeholders) and ANT-03 (an `org_` or upper-case organisation id) in the grant's values.
fn value_findings(values: &[String], arn: &str) -> Vec<Finding> {
    let placeholders: Vec<&String> = values.iter().filter(|v| v.contains('<') && v.contains('>')).collect();
    let wrong_form: Vec<&String> = values
        .iter()
        .filter(|v| v.starts_with("org_") || (v.chars().any(|c| c.is_ascii_uppercase()) && !v.contains('<')))
        .collect();
    let edit = format!(
        "edit the condition in aws kms get-key-policy --key-id {arn} --policy-name default, or re-run cmek setup (it replaces them)"
    );
    let ant04_title = "no placeholder is left in the key policy's conditions";
    let ant03_title = "the organisation UUID is a bare lower-case UUID";
    let list = |v: &[&String]| v.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ");
    vec![
        if placeholders.is_empty() {
            Finding::pass("ANT-04", Severity::High, GROUP, ant04_title)
        } else {
            Finding::new("ANT-04", Severity::High, Status::Fail, GROUP, ant04_title)
                .observed(format!("Anthropic's statement holds {}", list(&placeholders)))
                .expected("the organisation UUID and workspace compartment ids themselves")
                .why("a placeholder matches no real request: validation or the workspace's traffic is refused")
                .fix(format!("substitute the real values: {edit}"))
        },
        if wrong_form.is_empty() {
            Finding::pass("ANT-03", Severity::High, GROUP, ant03_title)
        } else {
            Finding::new("ANT-03", Severity::High, Status::Fail, GROUP, ant03_title)
                .observed(format!("Anthropic's statement holds {}", list(&wrong_form)))
                .expected("the bare lower-case UUID of GET /v1/organizations/me")
                .why("the encryption context carries the bare lower-case UUID, so StringEquals never matches")
                .fix(edit)
        },
    ]
}

/// ANT-05: a policy that pins compartments must list the target workspace's.
fn pinning(pinned: &[CompartmentId], ctx: &KeyPolicyContext) -> Vec<Finding> {
    ctx.compartments
        .iter()
        .map(|c| {
            let title = format!("the key policy lets the workspace's compartment {c} through");
            if pinned.is_empty() || pinned.contains(c) {
                Finding::pass("ANT-05", Severity::High, GROUP, title)
            } else {
                Finding::new("ANT-05", Severity::High, Status::Fail, GROUP, title)
                    .observed(format!(
                        "the policy pins kms:EncryptionContext:anthropic:compartment_uuid to {}, without {c}",
                        pinned.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
                    ))
                    .expected(format!("{c} among the pinned compartments"))
                    .why("after attaching, every request for this workspace would be denied")
                    .fix("add it before attaching: cmek setup --workspace <that workspace> (keeps the others)")
            }
        })
        .collect()
}
