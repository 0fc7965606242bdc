//! The Claude Platform's part of the export: registering the key and attaching it to a workspace
//! have no Terraform provider, so they are written as a commented block with the `cmek` command
//! to run after `terraform apply` (it finds the key by the same flags, changes nothing in the
//! cloud that Terraform already set, and asks before the permanent attach).

use crate::plan::{Action, StepState};
use crate::shell::quoted;

use super::ExportRequest;
use super::hcl::Item;

/// The commented block.
pub(super) fn comment(req: &ExportRequest<'_>) -> Vec<Item> {
    let provider = req.facts.provider();
    let mut flags = vec![format!("--provider {provider}")];
    flags.extend(req.answers.cloud.flags(None));
    for ws in &req.facts.workspaces {
        flags.push(format!("--workspace {}", quoted(&ws.name)));
    }
    let command = format!("cmek setup --non-interactive {}", flags.join(" "));
    let mut lines = vec![
        "Claude Platform: no Terraform provider registers or attaches a key. After terraform apply, run:".to_string(),
        String::new(),
        format!("  {command}"),
        String::new(),
    ];
    for step in &req.plan.steps {
        match (&step.action, &step.state) {
            (Action::RegisterKey { existing_id: Some(id), .. }, StepState::AlreadyDone(_)) => {
                lines.push(format!("The key is registered already as {id}; the command validates it again."));
            }
            (Action::RegisterKey { display_name, .. }, _) => {
                lines.push(format!("It registers the key as \"{display_name}\" and validates it."));
            }
            (Action::Attach { workspace_name, workspace_id, .. }, StepState::AlreadyDone(_)) => {
                lines.push(format!("The key is attached to workspace {workspace_name} ({workspace_id}) already."));
            }
            (Action::Attach { workspace_name, .. }, _) => lines.push(format!(
                "Attaching to workspace {workspace_name} is PERMANENT: add --confirm-attach {} to the command when \
                 you mean it.",
                quoted(workspace_name)
            )),
            _ => {}
        }
    }
    if req.facts.workspaces.is_empty() {
        lines.push("Add --workspace NAME (and --confirm-attach NAME, permanent) to attach it to a workspace.".into());
    }
    lines.into_iter().map(Item::Comment).collect()
}
