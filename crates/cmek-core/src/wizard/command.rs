//! The `cmek setup --non-interactive` command line equivalent to what the wizard did, for the
//! Summary screen: the same run, repeatable in a script.

use crate::plan::SetupAnswers;
use crate::run::CloudOutcome;
use crate::shell::quoted;

/// How the run was started, for the commands it suggests: `cmek` with its global flags, and
/// whether what the run made is still there for them (not with a throwaway sandbox).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub prefix: String,
    pub keeps_state: bool,
}

impl Default for Invocation {
    fn default() -> Self {
        Self { prefix: "cmek".to_string(), keeps_state: true }
    }
}

/// Builds `<invocation> setup --non-interactive --provider <cloud> [--workspace <id>] <the cloud's
/// flags> [--display-name <name>] [--confirm-attach <id>]`.
///
/// `invocation` is `cmek` with the global flags the run was started with (`--sandbox=...`,
/// `--sandbox-state FILE`, `--aws-profile ...`), so the command works when pasted. `outcome` is
/// what the run left (a key it created is named by its id, which pins the region); without it the
/// answers' own choices are repeated.
pub fn equivalent_command(
    invocation: &Invocation,
    answers: &SetupAnswers,
    workspace_id: Option<&str>,
    outcome: Option<&dyn CloudOutcome>,
    confirm_attach: bool,
) -> String {
    let workspaces: Vec<(&str, bool)> = workspace_id.map(|id| (id, confirm_attach)).into_iter().collect();
    equivalent_command_for(invocation, answers, &workspaces, outcome)
}

/// [`equivalent_command`] for several workspaces: each `(id, confirmed)` is a `--workspace`, and
/// a `--confirm-attach` too when confirmed.
pub fn equivalent_command_for(
    invocation: &Invocation,
    answers: &SetupAnswers,
    workspaces: &[(&str, bool)],
    outcome: Option<&dyn CloudOutcome>,
) -> String {
    // A key a throwaway sandbox made is gone: repeat the answers' own choices instead.
    let outcome = outcome.filter(|_| invocation.keeps_state);
    let mut parts: Vec<String> =
        vec![format!("{} setup --non-interactive", invocation.prefix), format!("--provider {}", answers.provider())];
    for (id, _) in workspaces {
        parts.push(format!("--workspace {}", quoted(id)));
    }
    parts.extend(answers.cloud.flags(outcome));
    if let Some(name) = &answers.display_name {
        parts.push(format!("--display-name {}", quoted(name)));
    }
    for (id, _) in workspaces.iter().filter(|(_, confirmed)| *confirmed) {
        parts.push(format!("--confirm-attach {}", quoted(id)));
    }
    parts.join(" ")
}
