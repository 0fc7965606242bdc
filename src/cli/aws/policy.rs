//! `cmek policy render|check`: offline key-policy tools. No credentials, no network: files and
//! flags in, a policy or findings out. `simulate` lives in `policy_simulate.rs`.

use std::path::Path;

use serde_json::json;

use super::policy_args::{PolicyArgs, PolicyCheckArgs, PolicyCommand, PolicyRenderArgs};
use super::policy_report;
use crate::error::{Error, Result};
use crate::output::Output;
use cmek_core::doctor::aws::policy::{KeyPolicyContext, NamedPolicy, check_key_policy};
use cmek_core::model::aws::{AwsAccountId, KmsKeyArn};
use cmek_core::model::{CompartmentId, OrgUuid};
use cmek_core::policy::aws::PolicyDocument;
use cmek_core::policy::aws::render::{AnthropicGrant, key_policy};

pub fn run(args: &PolicyArgs, out: &Output) -> Result<i32> {
    match &args.command {
        PolicyCommand::Render(a) => render(a, out),
        PolicyCommand::Check(a) => check(a, out),
        PolicyCommand::Simulate(a) => super::policy_simulate::run(a, out),
    }
}

fn render(args: &PolicyRenderArgs, out: &Output) -> Result<i32> {
    if !args.provider.eq_ignore_ascii_case("aws") {
        return Err(Error::usage(format!(
            "--provider {}: only aws has a key policy to render (Azure uses a role assignment)",
            args.provider
        ))
        .with_hint("cmek policy render --provider aws --account <12-digit id> --org-uuid <uuid>"));
    }
    let account: AwsAccountId = args.account.parse()?;
    let org: OrgUuid = args.org_uuid.parse()?;
    let mut grant = AnthropicGrant::published(account, org);
    grant.compartments = compartments(&args.compartments)?;
    let policy = key_policy(&grant);
    if out.is_json() {
        out.json(&json!({"schema": "cmek.policy-render/v1", "provider": "aws", "policy": policy.to_json_value()}));
    } else {
        out.text(&policy.to_json_pretty());
    }
    Ok(0)
}

fn check(args: &PolicyCheckArgs, out: &Output) -> Result<i32> {
    let org: OrgUuid = args.org_uuid.parse()?;
    let key_arn = match &args.key_arn {
        Some(arn) => Some(arn.parse::<KmsKeyArn>()?.to_string()),
        None => None,
    };
    let text = read(&args.file, "key policy")?;
    let rcps = if args.rcps.is_empty() { None } else { Some(read_rcps(&args.rcps)?) };
    let ctx = KeyPolicyContext {
        compartments: compartments(&args.compartments)?,
        attached_compartments: compartments(&args.attached_compartments)?,
        key_arn,
        rcps,
        ..KeyPolicyContext::new(org)
    };
    let findings = check_key_policy(&text, &ctx);
    let code = if findings.iter().any(|f| f.is_serious_failure()) { 1 } else { 0 };
    let subject = format!("{} (organisation {org})", args.file.display());
    if out.is_json() {
        out.json(&policy_report::json("policy check", &args.file.display().to_string(), &findings, code));
    } else {
        out.text(&policy_report::text(&subject, &findings, out));
    }
    Ok(code)
}

pub(super) fn compartments(values: &[String]) -> Result<Vec<CompartmentId>> {
    values.iter().map(|v| v.parse::<CompartmentId>().map_err(Error::from)).collect()
}

/// A file's text; an unreadable file is a usage error naming it.
pub(super) fn read(path: &Path, what: &str) -> Result<String> {
    std::fs::read_to_string(path)
        .map_err(|e| Error::usage(format!("cannot read the {what} file {}: {e}", path.display())))
}

/// The RCP files, each parsed once so a malformed one is refused here (exit 2) with its path.
pub(super) fn read_rcps(paths: &[std::path::PathBuf]) -> Result<Vec<NamedPolicy>> {
    paths
        .iter()
        .map(|p| {
            let text = read(p, "Resource Control Policy")?;
            PolicyDocument::parse(&text).map_err(|e| {
                Error::usage(format!("the Resource Control Policy {} is not a valid policy: {e}", p.display()))
            })?;
            Ok(NamedPolicy { name: p.display().to_string(), text })
        })
        .collect()
}
