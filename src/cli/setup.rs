//! `cmek setup --non-interactive`: parse every input first (a malformed value makes no call),
//! gather facts, show the plan, apply it unless `--plan`, and report.

use std::time::Duration;

use serde_json::json;

use super::args::SetupArgs;
use super::connect::Reach;
use super::setup_report::{self, ProgressPrinter};
use crate::engine::journal::Journal;
use crate::engine::{self, Cancel, CloudClient, Services};
use crate::error::{Error, ErrorKind, Result};
use crate::identities;
use crate::model::{AwsKeyRef, AwsRegion, AzureKeyName, AzureVaultRef, KmsAliasName, ProviderKind, WorkspaceRef};
use crate::output::Output;
use crate::plan::{self, AZURE_KEY_SIZES, AwsAnswers, AzureAnswers, DEFAULT_RBAC_WAIT, SetupAnswers};

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

    let (report, cloud) = engine::apply_with_cloud(services, &facts, &plan, &mut journal, &mut progress).await;
    let code = match &report.failure {
        None => 0,
        Some(e) => e.exit_code(),
    };
    let _ = journal.record("run_finished", json!({ "exit_code": code }));
    setup_report::print_run(out, &answers, &facts, &plan, (&report, &cloud), journal.dir());
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
        ProviderKind::Aws => refuse_flags(args, &azure_flags(args), "aws", "azure")?,
        ProviderKind::Azure => refuse_flags(args, &aws_flags(args), "azure", "aws")?,
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
        azure: azure_answers(args)?,
    })
}

/// The Azure inputs, parsed (defaults when absent).
fn azure_answers(args: &SetupArgs) -> Result<AzureAnswers> {
    let vault = parse_opt::<AzureVaultRef>(&args.azure_vault).map_err(|e| e.context("--azure-vault"))?;
    let key_name = match args.azure_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => AzureKeyName::parse(k).map_err(|e| Error::from(e).context("--azure-key"))?,
        None => AzureAnswers::default_key_name(),
    };
    let key_size = match args.azure_key_size.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => AZURE_KEY_SIZES[0],
        Some(text) => text.parse::<u32>().ok().filter(|n| AZURE_KEY_SIZES.contains(n)).ok_or_else(|| {
            Error::usage(format!(
                "--azure-key-size `{text}` is not accepted: use 3072 or 4096 (Anthropic needs RSA of at least 3072 bits)"
            ))
        })?,
    };
    let confirm_purge_protection =
        args.confirm_purge_protection.as_deref().map(str::trim).filter(|c| !c.is_empty()).map(str::to_string);
    if let (Some(confirmed), Some(vault)) = (&confirm_purge_protection, &vault)
        && !vault.matches_name(confirmed)
    {
        return Err(Error::usage(format!(
            "--confirm-purge-protection {confirmed} does not name the vault given with --azure-vault ({}); nothing \
             was changed",
            vault.vault_name()
        ))
        .with_hint(format!(
            "to turn purge protection on (irreversible), pass --confirm-purge-protection {}",
            vault.vault_name()
        )));
    }
    let rbac_wait = match args.azure_rbac_wait.as_deref() {
        Some(text) => parse_wait(text).map_err(|why| {
            Error::usage(format!("--azure-rbac-wait `{text}`: {why}"))
                .with_hint("examples: 10m, 90s, 1h, 0 (0 = do not wait)")
        })?,
        None => DEFAULT_RBAC_WAIT,
    };
    Ok(AzureAnswers {
        vault,
        key_name,
        key_size,
        hsm: args.azure_hsm,
        allow_public_access: args.azure_allow_public_access,
        confirm_purge_protection,
        rbac_wait,
    })
}

/// The longest wait accepted: validation retries beyond a day would hide a real problem.
const MAX_WAIT: Duration = Duration::from_secs(24 * 3600);

/// `10m`, `90s`, `1h30m`, `0`, or bare seconds (`600`).
fn parse_wait(text: &str) -> std::result::Result<Duration, String> {
    let text = text.trim().to_ascii_lowercase();
    if text.is_empty() {
        return Err("empty duration".into());
    }
    if let Ok(seconds) = text.parse::<u64>() {
        return checked_wait(seconds);
    }
    let mut total = 0u64;
    let mut number = String::new();
    for c in text.chars() {
        match c {
            '0'..='9' => number.push(c),
            'h' | 'm' | 's' if !number.is_empty() => {
                let n: u64 = number.parse().map_err(|_| "the number is too large".to_string())?;
                let unit = match c {
                    'h' => 3600,
                    'm' => 60,
                    _ => 1,
                };
                total = total.saturating_add(n.saturating_mul(unit));
                number.clear();
            }
            _ => return Err("expected a duration such as 10m, 90s or 0".into()),
        }
    }
    if !number.is_empty() {
        return Err("a number needs a unit after another one (h, m or s)".into());
    }
    checked_wait(total)
}

fn checked_wait(seconds: u64) -> std::result::Result<Duration, String> {
    let d = Duration::from_secs(seconds);
    if d > MAX_WAIT { Err("at most 24h".into()) } else { Ok(d) }
}

/// The AWS-only flags that were given.
fn aws_flags(args: &SetupArgs) -> Vec<&'static str> {
    let mut given = Vec::new();
    for (flag, set) in [("--key", &args.key), ("--region", &args.region), ("--alias", &args.alias)] {
        if set.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            given.push(flag);
        }
    }
    given
}

/// The Azure-only flags that were given.
fn azure_flags(args: &SetupArgs) -> Vec<&'static str> {
    let mut given = Vec::new();
    for (flag, set) in [
        ("--azure-vault", &args.azure_vault),
        ("--azure-key", &args.azure_key),
        ("--azure-key-size", &args.azure_key_size),
        ("--confirm-purge-protection", &args.confirm_purge_protection),
        ("--azure-rbac-wait", &args.azure_rbac_wait),
    ] {
        if set.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            given.push(flag);
        }
    }
    if args.azure_hsm {
        given.push("--azure-hsm");
    }
    if args.azure_allow_public_access {
        given.push("--azure-allow-public-access");
    }
    given
}

fn refuse_flags(_args: &SetupArgs, given: &[&str], provider: &str, other: &str) -> Result<()> {
    match given {
        [] => Ok(()),
        flags => Err(Error::usage(format!(
            "{} only appl{} to --provider {other}, not to --provider {provider}",
            flags.join(", "),
            if flags.len() == 1 { "ies" } else { "y" }
        ))
        .with_hint(format!("drop {} (or its environment variable or answers-file key)", flags.join(", ")))),
    }
}

fn parse_opt<T: std::str::FromStr<Err = crate::model::ParseError>>(v: &Option<String>) -> Result<Option<T>> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(s.parse()?)),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn azure(extra: impl FnOnce(&mut SetupArgs)) -> Result<SetupAnswers> {
        let mut args = SetupArgs { provider: Some("azure".into()), ..Default::default() };
        extra(&mut args);
        answers_from(&args)
    }

    #[test]
    fn waits_parse_in_the_documented_forms() {
        let s = Duration::from_secs;
        assert_eq!(parse_wait("10m"), Ok(s(600)));
        assert_eq!(parse_wait("90s"), Ok(s(90)));
        assert_eq!(parse_wait("0"), Ok(s(0)));
        assert_eq!(parse_wait("1h30m"), Ok(s(5400)));
        assert_eq!(parse_wait("600"), Ok(s(600)));
        for bad in ["", "ten minutes", "10x", "5m3", "25h", "-1"] {
            assert!(parse_wait(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn azure_answers_default_and_parse() {
        let a = azure(|_| {}).unwrap();
        assert_eq!(a.provider, ProviderKind::Azure);
        assert_eq!(a.azure, AzureAnswers::default());
        let a = azure(|a| {
            a.azure_vault = Some("https://cmek-vault.vault.azure.net/".into());
            a.azure_key = Some("team-key".into());
            a.azure_key_size = Some("4096".into());
            a.azure_rbac_wait = Some("90s".into());
            a.confirm_purge_protection = Some("CMEK-Vault".into());
            a.azure_hsm = true;
        })
        .unwrap();
        assert_eq!(a.azure.vault.as_ref().map(|v| v.vault_name().to_string()).as_deref(), Some("cmek-vault"));
        assert_eq!((a.azure.key_name.as_str(), a.azure.key_size, a.azure.hsm), ("team-key", 4096, true));
        assert_eq!(a.azure.rbac_wait, Duration::from_secs(90));
    }

    #[test]
    fn bad_azure_inputs_and_mixed_providers_are_usage_errors_naming_the_flag() {
        type Set = Box<dyn FnOnce(&mut SetupArgs)>;
        let cases: [(&str, Set); 6] = [
            ("--azure-vault", Box::new(|a| a.azure_vault = Some("no_such vault!".into()))),
            ("--azure-key-size", Box::new(|a| a.azure_key_size = Some("2048".into()))),
            ("--azure-rbac-wait", Box::new(|a| a.azure_rbac_wait = Some("soon".into()))),
            ("--azure-key", Box::new(|a| a.azure_key = Some("bad name".into()))),
            ("--region", Box::new(|a| a.region = Some("us-east-2".into()))),
            (
                "--confirm-purge-protection",
                Box::new(|a| {
                    a.azure_vault = Some("cmek-vault".into());
                    a.confirm_purge_protection = Some("other-vault".into());
                }),
            ),
        ];
        for (flag, set) in cases {
            let e = azure(set).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage, "{flag}: {e}");
            assert!(e.message.contains(flag), "{flag}: {e}");
        }
        let args = SetupArgs { provider: Some("aws".into()), azure_hsm: true, ..Default::default() };
        let e = answers_from(&args).unwrap_err();
        assert!(e.message.contains("--azure-hsm") && e.message.contains("--provider azure"), "{e}");
    }
}
