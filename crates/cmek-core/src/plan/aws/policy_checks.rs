//! Predicts validation: evaluates the key policy the run would leave, for the requests Anthropic's
//! validator makes (and the negative probes it expects to be denied), before anything changes.

use crate::model::{CompartmentId, OrgUuid};
use crate::policy::aws::PolicyDocument;
use crate::policy::aws::eval::{Decision, Outcome, PolicySource, evaluate};
use crate::policy::aws::render::AnthropicGrant;

use super::probes::{anthropic_request, context_for, encryption_context, wrong_uuid};
use crate::plan::WorkspaceFacts;
use crate::plan::{Check, Severity};

pub fn policy_checks(
    policy: &PolicyDocument,
    key_arn: &str,
    key_account: &str,
    org: &OrgUuid,
    targets: &[WorkspaceFacts],
    grant: &AnthropicGrant,
) -> Vec<Check> {
    let eval = |action: &str, ctx| evaluate(policy, &[], &anthropic_request(action, key_arn, key_account, &ctx));
    let mut out = Vec::new();

    let describe = eval("kms:DescribeKey", Default::default());
    out.push(expect_allowed(
        &describe,
        "AWS-06",
        "Anthropic can call kms:DescribeKey (no encryption context)",
        "split kms:DescribeKey into its own statement without an EncryptionContext condition",
    ));

    let mut crypto_contexts = vec![("validation", context_for(org, None))];
    for ws in targets {
        crypto_contexts.push(("attach", context_for(org, Some(&ws.compartment))));
    }
    for (when, ctx) in crypto_contexts {
        for action in ["kms:Encrypt", "kms:Decrypt"] {
            let d = eval(action, ctx.clone());
            let id = if d.outcome == Outcome::ExplicitlyDenied { "AWS-13" } else { "AWS-05" };
            out.push(expect_allowed(
                &d,
                id,
                &format!("Anthropic can call {action} during {when} ({})", describe_context(&ctx)),
                "grant it in the key policy (an IAM policy cannot grant cross-account use), and make sure no Deny \
                 matches Anthropic's requests",
            ));
        }
    }

    let wrong_org = encryption_context(&wrong_uuid(&org.to_string()), None);
    let d = eval("kms:Encrypt", wrong_org.clone());
    out.push(expect_denied(
        &d,
        "another organisation's encryption context is denied (validation refuses over-permissive policies)",
        &describe_context(&wrong_org),
        "remove or narrow those statements: Anthropic's grant must carry the StringEquals condition on \
         kms:EncryptionContext:anthropic:org_uuid (cmek's AllowAnthropicCMEKCrypto statement does)",
    ));

    if !grant.compartments.is_empty() {
        let other = wrong_uuid(&grant.compartments.first().map(CompartmentId::to_string).unwrap_or_default());
        let ctx = encryption_context(&org.to_string(), Some(&other));
        let d = eval("kms:Encrypt", ctx.clone());
        out.push(expect_denied(
            &d,
            "a workspace outside the pinned compartments is denied",
            &describe_context(&ctx),
            "remove or narrow those statements: a grant to Anthropic that ignores \
             kms:EncryptionContext:anthropic:compartment_uuid undoes the workspace pinning",
        ));
    }
    if grant.org_uuids.len() > 1 {
        out.push(Check::warn(
            "GEN-04",
            Severity::Medium,
            "the key serves one organisation",
            format!(
                "the key policy grants {} organisations: {}; revoking the key affects all of them",
                grant.org_uuids.len(),
                grant.org_uuids.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
            ),
        ));
    }
    out
}

/// The existing policy pins Anthropic to workspaces, but with nothing usable (placeholders only)
/// and no `--workspace` to take their place: the merge would let every workspace of the
/// organisation use the key. Blocks until the workspaces are named.
pub fn pins_lost_check(values: &[String]) -> Check {
    Check::fail(
        "ANT-04",
        Severity::High,
        "the merged policy keeps the key pinned to its workspaces",
        format!(
            "the existing Anthropic statement pins workspaces with {} and no --workspace names the real ones: the \
             merged policy would let every workspace of the organisation use the key",
            if values.is_empty() { "no usable compartment id".to_string() } else { values.join(", ") }
        ),
    )
    .with_fix("re-run with --workspace for each workspace the key is for (its compartment id replaces the placeholder)")
}

/// Placeholders such as `<compartment-uuid>` found in the existing Anthropic statement.
pub fn placeholder_check(values: &[String]) -> Check {
    Check::warn(
        "ANT-04",
        Severity::High,
        "no placeholder left in the key policy",
        format!("the existing Anthropic statement holds {}: the merge replaces it with real values", values.join(", ")),
    )
}

fn expect_allowed(d: &Decision, id: &'static str, title: &str, fix: &str) -> Check {
    match d.outcome {
        Outcome::Allowed => Check::pass(id, Severity::High, title),
        Outcome::ImplicitlyDenied => {
            Check::fail(id, Severity::High, title, "no statement of the key policy allows it").with_fix(fix)
        }
        Outcome::ExplicitlyDenied => {
            Check::fail(id, Severity::High, title, format!("denied by {}", deciding(d))).with_fix(fix)
        }
    }
}

/// A negative probe: allowed means over-permissive (AWS-08).
fn expect_denied(d: &Decision, title: &str, context: &str, fix: &str) -> Check {
    match d.outcome {
        Outcome::Allowed => Check::fail(
            "AWS-08",
            Severity::High,
            title,
            format!("kms:Encrypt with {context} is allowed by {}", deciding(d)),
        )
        .with_fix(fix),
        _ => Check::pass("AWS-08", Severity::High, title),
    }
}

fn describe_context(ctx: &std::collections::BTreeMap<String, String>) -> String {
    if ctx.is_empty() {
        return "no encryption context".into();
    }
    let pairs: Vec<String> = ctx.iter().map(|(k, v)| format!("{k}={v}")).collect();
    format!("encryption context {}", pairs.join(", "))
}

fn deciding(d: &Decision) -> String {
    let names: Vec<String> = d
        .deciding
        .iter()
        .map(|s| {
            let name = s.sid.clone().map(|sid| format!("statement {sid}")).unwrap_or(format!("statement #{}", s.index));
            match s.policy {
                PolicySource::KeyPolicy => name,
                PolicySource::Rcp(i) => format!("{name} of resource control policy #{i}"),
            }
        })
        .collect();
    if names.is_empty() { "the key policy".into() } else { names.join(", ") }
}
