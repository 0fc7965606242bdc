//! `cmek setup --non-interactive`: parse every input first (a malformed value makes no call),
//! gather facts, show the plan, apply it unless `--plan`, and report.

use serde_json::json;

use super::args::SetupArgs;
use super::connect::Reach;
use super::setup_report::{self, ProgressPrinter};
use crate::engine::journal::Journal;
use crate::engine::{self, Cancel, CloudClient, Services};
use crate::error::{Error, Result};
use crate::identities;
use crate::model::{AwsKeyRef, AwsRegion, KmsAliasName, ProviderKind, WorkspaceRef};
use crate::output::Output;
use crate::plan::{self, AwsAnswers, AzureAnswers, SetupAnswers};

pub async fn run(
    args: &SetupArgs,
    reach: &Reach<'_>,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let answers = answers_from(args)?;
    let platform = reach.platform_client()?;
    let cloud = CloudClient::Aws(Box::new(reach.aws_provider(&answers.aws.region).await?));
    let services = Services { platform, cloud, cancel: Cancel::new() };
    let mut progress = ProgressPrinter::new(out);

    let facts = engine::gather(&services, &answers, &mut progress).await?;
    let plan = plan::build(&answers, &facts).map_err(|e| Error::usage(e.to_string()))?;

    setup_report::print_plan_text(out, &facts, &plan);
    let blocked = !plan.blocking_failures().is_empty();

    // Every run is journalled, the ones that stop at the plan too: what was found and decided.
    let root = Journal::default_root(env)
        .ok_or_else(|| Error::usage("cannot find a state directory for the run journal: set XDG_STATE_HOME or HOME"))?;
    let mut journal = Journal::create(&root, "setup").map_err(|e| Error::remote(e.to_string()))?;
    let _ = journal.record(
        "run_started",
        json!({
            "command": "setup",
            "version": env!("CARGO_PKG_VERSION"),
            "mode": if args.plan { "plan" } else { "apply" },
            "provider": answers.provider,
            "workspace": answers.workspace.as_ref().map(ToString::to_string),
            "confirm_attach": answers.confirm_attach.as_ref().map(ToString::to_string),
            "organization": facts.org.uuid.to_string(),
            "aws_account": facts.aws().map(|a| a.caller.account.to_string()),
            "region": answers.aws.region.to_string(),
            "key": facts.aws().and_then(|a| a.key.as_ref()).map(|k| k.description.arn.to_string()),
            "anthropic_principal": identities::published().aws.role_arn,
            "steps": plan.steps.iter().map(|s| s.action.kind()).collect::<Vec<_>>(),
            "failed_checks": plan.blocking_failures().iter().map(|c| c.id).collect::<Vec<_>>(),
        }),
    );
    if blocked || args.plan {
        let code = if blocked { 1 } else { 0 };
        let why = if blocked { "blocked by failed checks" } else { "--plan" };
        let _ = journal.record("run_finished", json!({ "exit_code": code, "changed": false, "why": why }));
        setup_report::print_plan_only(out, &answers, &facts, &plan, blocked);
        return Ok(code);
    }

    let report = engine::apply(&services, &facts, &plan, &mut journal, &mut progress).await;
    let code = match &report.failure {
        None => 0,
        Some(e) => e.exit_code(),
    };
    let _ = journal.record("run_finished", json!({ "exit_code": code }));
    setup_report::print_run(out, &answers, &facts, &plan, &report, journal.dir());
    Ok(code)
}

/// Parses and cross-checks every input before anything is called.
pub fn answers_from(args: &SetupArgs) -> Result<SetupAnswers> {
    let provider: ProviderKind = args
        .provider
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| Error::missing_input("the cloud provider", "--provider aws", Some("CMEK_PROVIDER")))?
        .parse()?;
    if provider != ProviderKind::Aws {
        return Err(Error::usage(format!(
            "provider `{provider}` is not supported yet; this version sets up AWS KMS keys (--provider aws)"
        )));
    }
    let workspace = parse_opt::<WorkspaceRef>(&args.workspace)?;
    let confirm_attach = parse_opt::<WorkspaceRef>(&args.confirm_attach)?;
    let key = parse_opt::<AwsKeyRef>(&args.key)?;
    let region = match (parse_opt::<AwsRegion>(&args.region)?, key.as_ref().and_then(AwsKeyRef::region)) {
        (Some(asked), Some(of_key)) if &asked != of_key => {
            return Err(Error::usage(format!(
                "--region {asked} contradicts the key ARN, which is in {of_key}; drop --region or fix --key"
            )));
        }
        (Some(asked), _) => asked,
        (None, Some(of_key)) => of_key.clone(),
        (None, None) => identities::published().aws.default_region().parse()?,
    };
    let alias: KmsAliasName = args.alias.as_deref().unwrap_or(KmsAliasName::DEFAULT).parse()?;
    if let Some(name) = &args.display_name {
        let n = name.chars().count();
        if n == 0 || n > 255 {
            return Err(Error::usage(format!("--display-name must be 1 to 255 characters, got {n}")));
        }
    }
    Ok(SetupAnswers {
        provider,
        workspace,
        confirm_attach,
        display_name: args.display_name.clone(),
        aws: AwsAnswers { key, region, alias },
        azure: AzureAnswers::default(),
    })
}

fn parse_opt<T: std::str::FromStr<Err = crate::model::ParseError>>(v: &Option<String>) -> Result<Option<T>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(s.parse()?)),
        None => Ok(None),
    }
}
