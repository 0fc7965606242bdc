//! `cmek policy simulate`: one request against a key policy (and RCPs), evaluated by
//! `policy::eval` from the key's account's point of view; prints the decision and the statements
//! that decided it. Exit 0 when allowed, 1 when denied (either way), 2 on bad input.

use std::collections::BTreeMap;

use serde_json::json;

use super::policy::{read, read_rcps};
use super::policy_args::PolicySimulateArgs;
use crate::error::{Error, Result};
use crate::output::{Output, Tone};
use cmek_core::doctor::aws::policy::infer_key_account;
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::eval::{Outcome, PolicySource, Request, RequestPrincipal, evaluate};

pub fn run(args: &PolicySimulateArgs, out: &Output) -> Result<i32> {
    let principal = principal(&args.principal)?;
    let action = action(&args.action)?;
    let context = context(&args.context)?;
    let text = read(&args.policy, "key policy")?;
    let policy = PolicyDocument::parse(&text)
        .map_err(|e| Error::usage(format!("the key policy {} is not a valid policy: {e}", args.policy.display())))?;
    let rcps = read_rcps(&args.rcps)?;
    let rcp_docs: Vec<PolicyDocument> = rcps.iter().filter_map(|p| PolicyDocument::parse(&p.text).ok()).collect();
    let (resource, account) = resource(args.resource.as_deref(), &policy)?;

    let request = Request { principal, action, resource, resource_account: account, context };
    let decision = evaluate(&policy, &rcp_docs, &request);
    let name = |source: PolicySource| match source {
        PolicySource::KeyPolicy => "key_policy".to_string(),
        PolicySource::Rcp(n) => format!("rcp {n} ({})", rcps.get(n).map(|p| p.name.as_str()).unwrap_or("?")),
    };
    let deciding: Vec<serde_json::Value> = decision
        .deciding
        .iter()
        .map(|s| {
            json!({
                "policy": match s.policy { PolicySource::KeyPolicy => "key_policy", PolicySource::Rcp(_) => "rcp" },
                "rcp_index": match s.policy { PolicySource::Rcp(n) => Some(n), PolicySource::KeyPolicy => None },
                "file": match s.policy {
                    PolicySource::KeyPolicy => args.policy.display().to_string(),
                    PolicySource::Rcp(n) => rcps.get(n).map(|p| p.name.clone()).unwrap_or_default(),
                },
                "sid": s.sid,
                "index": s.index,
                "effect": s.effect,
            })
        })
        .collect();
    let code = if decision.is_allowed() { 0 } else { 1 };
    if out.is_json() {
        out.json(&json!({
            "schema": "cmek.policy-simulate/v1",
            "decision": decision.outcome,
            "deciding": deciding,
            "unknown_operators": decision.unknown_operators,
            "request": {
                "principal": args.principal,
                "action": request.action,
                "resource": request.resource,
                "resource_account": request.resource_account,
                "context": request.context,
            },
            "exit_code": code,
        }));
        return Ok(code);
    }
    let (word, tone) = match decision.outcome {
        Outcome::Allowed => ("allowed", Tone::Good),
        Outcome::ImplicitlyDenied => ("implicitly_denied", Tone::Bad),
        Outcome::ExplicitlyDenied => ("explicitly_denied", Tone::Bad),
    };
    let mut lines = vec![out.paint(tone, word)];
    for s in &decision.deciding {
        lines.push(format!("  {:?} by {} {}", s.effect, name(s.policy), s.label()));
    }
    if decision.outcome == Outcome::ImplicitlyDenied {
        lines.push(format!("  no statement allows {} for this principal and context", request.action));
    }
    for u in &decision.unknown_operators {
        lines.push(format!(
            "  warning: {} {} uses the unknown operator {}, which never matches",
            name(u.policy),
            u.sid.clone().unwrap_or_else(|| cmek_core::policy::aws::document::statement_path(u.index)),
            u.operator
        ));
    }
    out.text(&lines.join("\n"));
    Ok(code)
}

fn principal(value: &str) -> Result<RequestPrincipal> {
    if value.ends_with(".amazonaws.com") && !value.contains(':') {
        return Ok(RequestPrincipal::Service { name: value.to_string() });
    }
    RequestPrincipal::from_arn(value).ok_or_else(|| {
        Error::usage(format!(
            "--principal {value}: not an IAM or STS ARN, a 12-digit account id, or a service principal \
             (e.g. arn:aws:sts::915198916910:assumed-role/anthropic-cmek-client-us/cmek-validation)"
        ))
    })
}

fn action(value: &str) -> Result<String> {
    match value.split_once(':') {
        Some((service, name)) if !service.is_empty() && !name.is_empty() && !value.contains(char::is_whitespace) => {
            Ok(value.to_string())
        }
        _ => Err(Error::usage(format!("--action {value}: expected SERVICE:Action, e.g. kms:Encrypt"))),
    }
}

/// `KEY=VALUE` pairs; a repeated key collects several values (a multivalued key).
fn context(pairs: &[String]) -> Result<BTreeMap<String, Vec<String>>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for pair in pairs {
        match pair.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => out.entry(k.trim().to_string()).or_default().push(v.to_string()),
            _ => {
                return Err(Error::usage(format!(
                    "--context {pair}: expected KEY=VALUE, e.g. kms:EncryptionContext:anthropic:org_uuid=<uuid>"
                )));
            }
        }
    }
    Ok(out)
}

/// The key ARN and its account: from --resource, else a key in the account the policy keeps in control.
fn resource(value: Option<&str>, policy: &PolicyDocument) -> Result<(String, String)> {
    match value {
        Some(arn) => match cmek_core::model::aws::AwsAccountId::of_arn(arn) {
            Some(a) => Ok((arn.to_string(), a.to_string())),
            _ => Err(Error::usage(format!(
                "--resource {arn}: expected a key ARN such as \
                     arn:aws:kms:us-east-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ))),
        },
        None => {
            let account = infer_key_account(policy);
            Ok((format!("arn:aws:kms:us-east-2:{account}:key/00000000-0000-4000-8000-000000000000"), account))
        }
    }
}
