//! The `cmek setup --non-interactive` command line equivalent to what the wizard did, for the
//! Summary screen: the same run, repeatable in a script.

use crate::model::{AwsKeyRef, KmsAliasName, KmsKeyArn};
use crate::plan::SetupAnswers;

/// Builds `cmek setup --non-interactive --provider aws [--workspace <id>] [--key <key>]
/// [--region <region>] [--alias <alias>] [--display-name <name>] [--confirm-attach <id>]`, or for
/// Azure `... --provider azure --azure-vault <name> [--azure-key <name>] ...`.
///
/// `key_arn` is the key the run used or created (it pins the region, so `--region` is left out);
/// without it the answers' key reference or region and alias are repeated.
pub fn equivalent_command(
    answers: &SetupAnswers,
    workspace_id: Option<&str>,
    key_arn: Option<&KmsKeyArn>,
    confirm_attach: bool,
) -> String {
    let mut parts: Vec<String> =
        vec!["cmek setup --non-interactive".into(), format!("--provider {}", answers.provider)];
    if let Some(id) = workspace_id {
        parts.push(format!("--workspace {}", quoted(id)));
    }
    if answers.provider == crate::model::ProviderKind::Azure {
        azure_flags(answers, &mut parts);
    } else {
        aws_flags(answers, key_arn, &mut parts);
    }
    if let Some(name) = &answers.display_name {
        parts.push(format!("--display-name {}", quoted(name)));
    }
    if let (true, Some(id)) = (confirm_attach, workspace_id) {
        parts.push(format!("--confirm-attach {}", quoted(id)));
    }
    parts.join(" ")
}

fn azure_flags(answers: &SetupAnswers, parts: &mut Vec<String>) {
    let a = &answers.azure;
    if let Some(vault) = &a.vault {
        // The name is what a person types; the resource id would be just as exact but unreadable.
        parts.push(format!("--azure-vault {}", quoted(vault.vault_name())));
    }
    if a.key_name != crate::plan::AzureAnswers::default_key_name() {
        parts.push(format!("--azure-key {}", quoted(a.key_name.as_str())));
    }
    if a.key_size != crate::plan::AZURE_KEY_SIZES[0] {
        parts.push(format!("--azure-key-size {}", a.key_size));
    }
    if a.hsm {
        parts.push("--azure-hsm".into());
    }
    if a.allow_public_access {
        parts.push("--azure-allow-public-access".into());
    }
    if a.rbac_wait != crate::plan::DEFAULT_RBAC_WAIT {
        parts.push(format!("--azure-rbac-wait {}s", a.rbac_wait.as_secs()));
    }
    if let Some(vault) = &a.confirm_purge_protection {
        parts.push(format!("--confirm-purge-protection {}", quoted(vault)));
    }
}

fn aws_flags(answers: &SetupAnswers, key_arn: Option<&KmsKeyArn>, parts: &mut Vec<String>) {
    match (key_arn, &answers.aws.key) {
        (Some(arn), _) => parts.push(format!("--key {arn}")),
        (None, Some(AwsKeyRef::Arn(arn))) => parts.push(format!("--key {arn}")),
        (None, Some(other)) => {
            parts.push(format!("--key {other}"));
            parts.push(format!("--region {}", answers.aws.region));
        }
        (None, None) => {
            parts.push(format!("--region {}", answers.aws.region));
            if answers.aws.alias.as_str() != KmsAliasName::DEFAULT {
                parts.push(format!("--alias {}", answers.aws.alias));
            }
        }
    }
}

/// Quotes a value for a POSIX shell when it holds anything beyond plain id characters.
fn quoted(value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,".contains(c));
    if plain { value.to_string() } else { format!("'{}'", value.replace('\'', r"'\''")) }
}
