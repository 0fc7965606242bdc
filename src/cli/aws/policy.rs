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

/// KMS's limit on a key policy document (32 KB); an RCP file is held to the same bound.
pub(super) const POLICY_LIMIT: u64 = 32 * 1024;

/// A policy file's text, refused with exit 2 naming the file (and the position) unless it is a
/// JSON object within KMS's size limit: read no further than the limit, so a huge file is refused
/// at once, and parse it once as JSON so an empty file, a byte-order mark, another JSON value or a
/// document nested too deep is an input error, not a finding.
pub(super) fn read(path: &Path, what: &str) -> Result<String> {
    use std::io::Read;
    let cannot = |e: std::io::Error| Error::usage(format!("cannot read the {what} file {}: {e}", path.display()));
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(POLICY_LIMIT + 1).read_to_end(&mut bytes).map_err(cannot)?;
    let bad = |why: String| Error::usage(format!("the {what} file {} {why}", path.display()));
    if bytes.len() as u64 > POLICY_LIMIT {
        return Err(bad(format!("is larger than {POLICY_LIMIT} bytes, KMS's limit for a key policy"))
            .with_hint("check the path; a key policy this large is refused by AWS too"));
    }
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(bad("starts with a byte-order mark (BOM), which AWS refuses".into())
            .with_hint("save it as UTF-8 without a BOM"));
    }
    let text = String::from_utf8(bytes).map_err(|e| bad(format!("is not UTF-8 text: {e}")))?;
    if text.trim().is_empty() {
        return Err(
            bad("is empty".into()).with_hint("a key policy is a JSON object: {\"Version\": ..., \"Statement\": [...]}")
        );
    }
    match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(_)) => Ok(text),
        Ok(other) => Err(bad(format!("holds a JSON {}, not an object", json_kind(&other)))
            .with_hint("a key policy is a JSON object: {\"Version\": ..., \"Statement\": [...]}")),
        Err(e) => {
            let full = e.to_string();
            let what_went_wrong = full.split(" at line ").next().unwrap_or(&full).to_string();
            Err(bad(format!("is not valid JSON at line {}, column {}: {what_went_wrong}", e.line(), e.column()))
                .with_hint("fix the JSON there (e.g. `python3 -m json.tool FILE` shows the same position)"))
        }
    }
}

fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Array(_) => "array",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::Bool(_) => "boolean",
        serde_json::Value::Null => "null",
        serde_json::Value::Object(_) => "object",
    }
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
