//! AWS's flags to answers: `--key`, `--region`, `--alias` for `setup`; `--key`, `--region` for
//! `doctor`. A malformed value is a usage error naming the flag; nothing is called.

use cmek_core::doctor::aws::AwsDoctorKey;
use cmek_core::identities;
use cmek_core::model::aws::{AwsKeyRef, AwsRegion, KmsAliasName};
use cmek_core::plan::aws::AwsAnswers;

use crate::cli::args::{DoctorArgs, SetupArgs};
use crate::cli::setup::parse_opt;
use crate::error::{Error, Result};

pub fn answers(args: &SetupArgs) -> Result<AwsAnswers> {
    let a = &args.clouds.aws;
    let key = parse_opt::<AwsKeyRef>(&args.key)?;
    let region = region(parse_opt::<AwsRegion>(&a.region)?, key.as_ref())?;
    let alias: KmsAliasName = a.alias.as_deref().unwrap_or(KmsAliasName::DEFAULT).parse()?;
    Ok(AwsAnswers { key, region, alias, replace_anthropic_grants: a.replace_anthropic_grants })
}

/// The flags given, by name.
pub fn given(args: &SetupArgs) -> Vec<&'static str> {
    let a = &args.clouds.aws;
    let mut given: Vec<&'static str> = [("--region", &a.region), ("--alias", &a.alias)]
        .into_iter()
        .filter(|(_, v)| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
        .map(|(flag, _)| flag)
        .collect();
    // `--key` is shared: it is AWS's when it reads as an AWS key (an ARN, a key id, an alias).
    if args.key.as_deref().is_some_and(|k| k.trim().parse::<AwsKeyRef>().is_ok()) {
        given.insert(0, "--key");
    }
    if a.replace_anthropic_grants {
        given.push("--replace-anthropic-grants");
    }
    given
}

pub fn doctor_key(args: &DoctorArgs) -> Result<AwsDoctorKey> {
    let key: AwsKeyRef = parse_opt(&args.key)?.unwrap_or_else(|| AwsKeyRef::Alias(KmsAliasName::default_alias()));
    let region = region(parse_opt::<AwsRegion>(&args.clouds.aws.region)?, Some(&key))?;
    Ok(AwsDoctorKey { key, region })
}

/// The AWS region a run works in: `--region`, else the key ARN's, else the published default; a
/// `--region` that contradicts the ARN is refused.
fn region(asked: Option<AwsRegion>, key: Option<&AwsKeyRef>) -> Result<AwsRegion> {
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
