//! The Azure inputs of `setup` and `doctor` (flags, environment, answers file): parsed and
//! cross-checked before any call.

use cmek_core::doctor::azure::AzureDoctorKey;
use cmek_core::model::azure::{AzureKeyName, AzureVaultRef};
use cmek_core::plan::azure::{AZURE_KEY_SIZES, AzureAnswers, DEFAULT_RBAC_WAIT};

use crate::cli::args::{DoctorArgs, SetupArgs};
use crate::cli::setup::parse_opt;
use crate::error::{Error, Result};

/// The Azure inputs, parsed (defaults when absent).
pub(super) fn azure_answers(setup: &SetupArgs) -> Result<AzureAnswers> {
    let args = &setup.clouds.azure;
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
    // Typed exactly, as the wizard takes it: no trimming, no case folding.
    let confirm_purge_protection =
        crate::cli::setup::exact("--confirm-purge-protection", &args.confirm_purge_protection)?;
    if let (Some(confirmed), Some(vault)) = (&confirm_purge_protection, &vault)
        && vault.vault_name() != confirmed.as_str()
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
        Some(text) => crate::cli::durations::parse_wait(text).map_err(|why| {
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

/// The Azure-only flags that were given.
pub(super) fn azure_flags(setup: &SetupArgs) -> Vec<&'static str> {
    let args = &setup.clouds.azure;
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

/// The key doctor's `--azure-vault` and `--azure-key` name.
pub(super) fn doctor_key(args: &DoctorArgs) -> Result<AzureDoctorKey> {
    let a = &args.clouds.azure;
    let vault = parse_opt::<AzureVaultRef>(&a.azure_vault)?;
    let key = match a.azure_key.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        Some(k) => AzureKeyName::parse(k)?,
        None => AzureKeyName::default_name(),
    };
    Ok(AzureDoctorKey { vault, key })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::durations::parse_wait;
    use crate::cli::setup::answers_from;
    use crate::error::ErrorKind;
    use cmek_core::model::ProviderKind;
    use cmek_core::plan::SetupAnswers;
    use std::time::Duration;

    fn azure(extra: impl FnOnce(&mut SetupArgs)) -> Result<SetupAnswers> {
        let mut args = SetupArgs { provider: Some("azure".into()), ..Default::default() };
        extra(&mut args);
        answers_from(&args)
    }

    fn of(a: &SetupAnswers) -> &AzureAnswers {
        a.cloud.downcast_ref::<AzureAnswers>().expect("Azure answers")
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
        assert_eq!(a.provider(), ProviderKind::Azure);
        assert_eq!(of(&a), &AzureAnswers::default());
        let a = azure(|a| {
            let a = &mut a.clouds.azure;
            a.azure_vault = Some("https://cmek-vault.vault.azure.net/".into());
            a.azure_key = Some("team-key".into());
            a.azure_key_size = Some("4096".into());
            a.azure_rbac_wait = Some("90s".into());
            a.confirm_purge_protection = Some("cmek-vault".into());
            a.azure_hsm = true;
        })
        .unwrap();
        let z = of(&a);
        assert_eq!(z.vault.as_ref().map(|v| v.vault_name().to_string()).as_deref(), Some("cmek-vault"));
        assert_eq!((z.key_name.as_str(), z.key_size, z.hsm), ("team-key", 4096, true));
        assert_eq!(z.rbac_wait, Duration::from_secs(90));
    }

    #[test]
    fn the_purge_confirmation_is_the_vaults_name_exactly() {
        for near in ["CMEK-Vault", " cmek-vault", "cmek-vault "] {
            let e = azure(|a| {
                a.clouds.azure.azure_vault = Some("cmek-vault".into());
                a.clouds.azure.confirm_purge_protection = Some(near.into());
            })
            .unwrap_err();
            assert!(e.message.contains("--confirm-purge-protection"), "{near:?}: {}", e.message);
        }
    }

    #[test]
    fn bad_azure_inputs_and_mixed_providers_are_usage_errors_naming_the_flag() {
        type Set = Box<dyn FnOnce(&mut SetupArgs)>;
        let cases: [(&str, Set); 6] = [
            ("--azure-vault", Box::new(|a| a.clouds.azure.azure_vault = Some("no_such vault!".into()))),
            ("--azure-key-size", Box::new(|a| a.clouds.azure.azure_key_size = Some("2048".into()))),
            ("--azure-rbac-wait", Box::new(|a| a.clouds.azure.azure_rbac_wait = Some("soon".into()))),
            ("--azure-key", Box::new(|a| a.clouds.azure.azure_key = Some("bad name".into()))),
            ("--region", Box::new(|a| a.clouds.aws.region = Some("us-east-2".into()))),
            (
                "--confirm-purge-protection",
                Box::new(|a| {
                    a.clouds.azure.azure_vault = Some("cmek-vault".into());
                    a.clouds.azure.confirm_purge_protection = Some("other-vault".into());
                }),
            ),
        ];
        for (flag, set) in cases {
            let e = azure(set).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Usage, "{flag}: {e}");
            assert!(e.message.contains(flag), "{flag}: {e}");
        }
        let mut args = SetupArgs { provider: Some("aws".into()), ..Default::default() };
        args.clouds.azure.azure_hsm = true;
        let e = answers_from(&args).unwrap_err();
        assert!(e.message.contains("--azure-hsm") && e.message.contains("--provider azure"), "{e}");
    }
}
