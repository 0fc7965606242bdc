//! The `cmek setup --non-interactive` command line equivalent to what the wizard did, for the
//! Summary screen: the same run, repeatable in a script.

use crate::model::{AwsKeyRef, KmsAliasName, KmsKeyArn};
use crate::plan::SetupAnswers;

/// Builds `cmek setup --non-interactive --provider aws [--workspace <id>] [--key <key>]
/// [--region <region>] [--alias <alias>] [--display-name <name>] [--confirm-attach <id>]`.
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
    if let Some(name) = &answers.display_name {
        parts.push(format!("--display-name {}", quoted(name)));
    }
    if let (true, Some(id)) = (confirm_attach, workspace_id) {
        parts.push(format!("--confirm-attach {}", quoted(id)));
    }
    parts.join(" ")
}

/// Quotes a value for a POSIX shell when it holds anything beyond plain id characters.
fn quoted(value: &str) -> String {
    let plain = !value.is_empty() && value.chars().all(|c| c.is_ascii_alphanumeric() || "-_./:@=+,".contains(c));
    if plain { value.to_string() } else { format!("'{}'", value.replace('\'', r"'\''")) }
}
