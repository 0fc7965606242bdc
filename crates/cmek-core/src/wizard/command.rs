//! The `cmek setup --non-interactive` command line equivalent to what the wizard did, for the
//! Summary screen: the same run, repeatable in a script.

use crate::plan::SetupAnswers;
use crate::run::CloudOutcome;
use crate::shell::quoted;

/// Builds `cmek setup --non-interactive --provider <cloud> [--workspace <id>] <the cloud's flags>
/// [--display-name <name>] [--confirm-attach <id>]`.
///
/// `outcome` is what the run left (a key it created is named by its id, which pins the region);
/// without it the answers' own choices are repeated.
pub fn equivalent_command(
    answers: &SetupAnswers,
    workspace_id: Option<&str>,
    outcome: Option<&dyn CloudOutcome>,
    confirm_attach: bool,
) -> String {
    let mut parts: Vec<String> =
        vec!["cmek setup --non-interactive".into(), format!("--provider {}", answers.provider())];
    if let Some(id) = workspace_id {
        parts.push(format!("--workspace {}", quoted(id)));
    }
    parts.extend(answers.cloud.flags(outcome));
    if let Some(name) = &answers.display_name {
        parts.push(format!("--display-name {}", quoted(name)));
    }
    if let (true, Some(id)) = (confirm_attach, workspace_id) {
        parts.push(format!("--confirm-attach {}", quoted(id)));
    }
    parts.join(" ")
}
