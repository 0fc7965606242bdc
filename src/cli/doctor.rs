//! `cmek doctor`: parse the selectors (a malformed value makes no call), gather the facts through
//! the engine (read-only), evaluate them, print the report. Exit 1 when a high or critical check
//! fails, 3 when the admin credential is refused, else 0.

use super::args::DoctorArgs;
use super::connect::Reach;
use super::doctor_report;
use super::setup::parse_opt;
use super::setup_report::ProgressPrinter;
use crate::engine::doctor::{CloudConnection, CloudKey, DoctorRequest, finish, platform_phase};
use crate::error::{Error, ErrorKind, Result};
use crate::output::Output;
use cmek_core::doctor;
use cmek_core::model::{AwsKeyRef, AwsRegion, AzureKeyName, AzureVaultRef, KmsAliasName, ProviderKind, WorkspaceRef};

pub async fn run(request: &DoctorRequest, reach: &Reach<'_>, out: &Output) -> Result<i32> {
    let client = match reach.platform_client() {
        Ok(c) => Ok(c),
        // A bad base URL is a usage error; a missing or unusable admin credential is a finding (ANT-01).
        Err(e) if e.kind == ErrorKind::Usage && e.message.starts_with("--base-url") => return Err(e),
        Err(e) => Err(e),
    };
    let reason = |e: &Error| match e.hints.first() {
        Some(h) => format!("{} ({h})", e.message),
        None => e.message.clone(),
    };
    let phase = platform_phase(client.as_ref().map_err(reason), request).await?;
    let connection = match &phase.cloud {
        Some(CloudKey::Aws { region, .. }) => Some(match reach.aws_provider(region).await {
            Ok(p) => CloudConnection::Aws(Box::new(p)),
            Err(e) => CloudConnection::Failed(reason(&e)),
        }),
        Some(CloudKey::Azure { .. }) => Some(match reach.azure_provider() {
            Ok(p) => CloudConnection::Azure(Box::new(p)),
            Err(e) => CloudConnection::Failed(reason(&e)),
        }),
        None => None,
    };
    let mut progress = ProgressPrinter::new(out);
    let facts = finish(phase, client.as_ref().ok(), connection, &mut progress).await;
    let report = doctor::evaluate(&facts);
    doctor_report::print(out, &report);
    Ok(report.exit_code())
}

/// Parses and cross-checks the selectors before anything is called.
pub fn request_from(args: &DoctorArgs) -> Result<DoctorRequest> {
    let workspace = parse_opt::<WorkspaceRef>(&args.workspace)?;
    let external_key = args.external_key.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
    if let Some(id) = &external_key
        && (id.contains('/') || id.chars().any(char::is_whitespace))
    {
        return Err(Error::usage(format!("--external-key `{id}` is not an external key id (ekey_...)"))
            .with_hint("list them: cmek doctor (with no selector) names every registered key"));
    }
    let aws_given = args.key.is_some() || args.region.is_some();
    let azure_given = args.azure_vault.is_some() || args.azure_key.is_some();
    let provider = match args.provider.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => Some(p.parse::<ProviderKind>()?),
        None if aws_given && azure_given => {
            return Err(Error::usage("--key/--region (AWS) and --azure-vault/--azure-key (Azure) cannot be combined"));
        }
        None if aws_given => Some(ProviderKind::Aws),
        None if azure_given => Some(ProviderKind::Azure),
        None => None,
    };
    let cloud = match provider {
        None => None,
        Some(ProviderKind::Aws) => {
            if azure_given {
                return Err(Error::usage("--azure-vault/--azure-key are for --provider azure, not aws"));
            }
            let key: AwsKeyRef =
                parse_opt(&args.key)?.unwrap_or_else(|| AwsKeyRef::Alias(KmsAliasName::default_alias()));
            let region = super::setup::aws_region(parse_opt::<AwsRegion>(&args.region)?, Some(&key))?;
            Some(CloudKey::Aws { key, region })
        }
        Some(ProviderKind::Azure) => {
            if aws_given {
                return Err(Error::usage("--key/--region are for --provider aws, not azure"));
            }
            let vault = parse_opt::<AzureVaultRef>(&args.azure_vault)?;
            let key = match args.azure_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
                Some(k) => AzureKeyName::parse(k)?,
                None => AzureKeyName::default_name(),
            };
            Some(CloudKey::Azure { vault, key })
        }
        Some(other) => {
            return Err(Error::usage(format!(
                "provider `{other}` is not supported yet; doctor inspects AWS KMS (--provider aws) and Azure Key \
                 Vault (--provider azure) keys"
            )));
        }
    };
    Ok(DoctorRequest { external_key, workspace, cloud, validate: !args.no_validate })
}
