//! `cmek setup --non-interactive`: parse every input first (a malformed value makes no call),
//! gather facts, show the plan, apply it unless `--plan`, and report.

use serde_json::json;

use super::args::SetupArgs;
use super::azure_inputs;
use super::connect::Reach;
use super::setup_report::{self, ProgressPrinter};
use crate::engine::journal::Journal;
use crate::engine::{self, Cancel, CloudClient, Services};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::identities;
use cmek_core::model::{AwsKeyRef, AwsRegion, KmsAliasName, ProviderKind, WorkspaceRef};
use cmek_core::plan::{self, AwsAnswers, SetupAnswers};

pub async fn run(
    args: &SetupArgs,
    reach: &Reach<'_>,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let answers = answers_from(args)?;
    let platform = reach.platform_client()?;
    let cloud = match answers.provider {
        ProviderKind::Azure => CloudClient::Azure(Box::new(reach.azure_provider()?)),
        _ => CloudClient::Aws(Box::new(reach.aws_provider(&answers.aws.region).await?)),
    };
    let cancel = Cancel::new();
    let watcher = tokio::spawn(watch_ctrl_c(cancel.clone()));
    let services = Services { platform, cloud, cancel };
    let result = run_with(args, &answers, &services, out, env).await;
    watcher.abort();
    result
}

/// The first Ctrl-C raises the run's cancel signal (a wait stops, the run stops before its next
/// step, and the report is still printed); a second one ends the process at once.
async fn watch_ctrl_c(cancel: Cancel) {
    if tokio::signal::ctrl_c().await.is_err() {
        return;
    }
    cancel.cancel();
    if tokio::signal::ctrl_c().await.is_ok() {
        std::process::exit(ErrorKind::Interrupted.exit_code());
    }
}

async fn run_with(
    args: &SetupArgs,
    answers: &SetupAnswers,
    services: &Services,
    out: &Output,
    env: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<i32> {
    let answers = answers.clone();
    let mut progress = ProgressPrinter::new(out);
    let interrupted = || Error::new(ErrorKind::Interrupted, "interrupted while inspecting; nothing was changed");
    let facts = tokio::select! {
        facts = engine::gather(services, &answers, &mut progress) => facts?,
        _ = services.cancel.cancelled() => return Err(interrupted()),
    };
    check_purge_confirmation(&answers, &facts)?;
    let plan = plan::build(&answers, &facts).map_err(|e| Error::usage(e.to_string()))?;

    setup_report::print_plan_text(out, &facts, &plan, credential_source(services));
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
            "region": facts.aws().map(|_| answers.aws.region.to_string()),
            "key": facts.aws().and_then(|a| a.key.as_ref()).map(|k| k.description.arn.to_string()),
            "azure_tenant": facts.azure().map(|a| a.caller.tenant_id.clone()),
            "vault": facts.azure().map(|a| a.vault.id.clone()),
            "azure_key": facts.azure().map(|a| a.key.as_ref().and_then(|k| k.kid.clone())
                .unwrap_or_else(|| a.key_name.to_string())),
            "anthropic_principal": setup_report::anthropic_principal(answers.provider),
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

    let report = engine::apply(services, &facts, &plan, &mut journal, &mut progress).await;
    let code = match &report.failure {
        None => 0,
        Some(e) => e.exit_code(),
    };
    let _ = journal.record("run_finished", json!({ "exit_code": code }));
    setup_report::print_run(out, &answers, &facts, &plan, &report, journal.dir());
    Ok(code)
}

fn credential_source(services: &Services) -> Option<&'static str> {
    services.azure().ok().and_then(|a| a.credential_source())
}

/// `--confirm-purge-protection` must name the vault the run works on (checked before planning,
/// so a mismatch changes nothing).
fn check_purge_confirmation(answers: &SetupAnswers, facts: &plan::SetupFacts) -> Result<()> {
    let (Some(confirmed), Some(azure)) = (&answers.azure.confirm_purge_protection, facts.azure()) else {
        return Ok(());
    };
    if confirmed.eq_ignore_ascii_case(&azure.vault.name) {
        return Ok(());
    }
    Err(Error::usage(format!(
        "--confirm-purge-protection {confirmed} does not name the vault this run works on, {}; nothing was changed",
        azure.vault.name
    ))
    .with_hint(format!(
        "purge protection cannot be turned off again: to turn it on, pass --confirm-purge-protection {}",
        azure.vault.name
    )))
}

/// Parses and cross-checks every input before anything is called.
pub fn answers_from(args: &SetupArgs) -> Result<SetupAnswers> {
    let provider: ProviderKind = args
        .provider
        .as_deref()
        .filter(|p| !p.trim().is_empty())
        .ok_or_else(|| Error::missing_input("the cloud provider", "--provider aws|azure", Some("CMEK_PROVIDER")))?
        .parse()?;
    match provider {
        ProviderKind::Aws => azure_inputs::refuse_flags(&azure_inputs::azure_flags(args), "aws", "azure")?,
        ProviderKind::Azure => azure_inputs::refuse_flags(&azure_inputs::aws_flags(args), "azure", "aws")?,
        other => {
            return Err(Error::usage(format!(
                "provider `{other}` is not supported yet; this version sets up AWS KMS keys (--provider aws) and \
                 Azure Key Vault keys (--provider azure)"
            )));
        }
    }
    let workspace = parse_opt::<WorkspaceRef>(&args.workspace)?;
    let confirm_attach = parse_opt::<WorkspaceRef>(&args.confirm_attach)?;
    let key = parse_opt::<AwsKeyRef>(&args.key)?;
    let region = aws_region(parse_opt::<AwsRegion>(&args.region)?, key.as_ref())?;
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
        azure: azure_inputs::azure_answers(args)?,
    })
}

pub(super) fn parse_opt<T: std::str::FromStr<Err = cmek_core::model::ParseError>>(
    v: &Option<String>,
) -> Result<Option<T>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(s.parse()?)),
        None => Ok(None),
    }
}

/// The AWS region a run works in: `--region`, else the key ARN's, else the published default; a
/// `--region` that contradicts the ARN is refused.
pub(super) fn aws_region(asked: Option<AwsRegion>, key: Option<&AwsKeyRef>) -> Result<AwsRegion> {
    Ok(match (asked, key.and_then(AwsKeyRef::region)) {
        (Some(asked), Some(of_key)) if &asked != of_key => {
            return Err(Error::usage(format!(
                "--region {asked} contradicts the key ARN, which is in {of_key}; drop --region or fix --key"
            )));
        }
        (Some(asked), _) => asked,
        (None, Some(of_key)) => of_key.clone(),
        (None, None) => identities::published().aws.default_region().parse()?,
    })
}
