//! The engine calls behind the wizard's intents, in the small steps an interactive flow needs:
//! an overview for the first screens, a cloud's answer to its Key screen, a new workspace,
//! facts + plan, and attach. The wizard never calls these itself; the TUI runtime does, and feeds
//! the results back.

use std::sync::Arc;

use cmek_core::model::{OrgUuid, ProviderKind};
use cmek_core::plan::{self, Plan, SetupAnswers, SetupFacts};
use cmek_core::run::events::Discard;
use cmek_core::wizard::CloudState;
use cmek_core::wizard::overview::{Overview, WorkspaceSummary};

use super::Services;
use super::cloud::CloudRuntime;
use crate::error::{Error, Result};
use crate::platform::Client;
use crate::platform::types::{CreateWorkspace, Workspace};

impl From<&Workspace> for WorkspaceSummary {
    fn from(w: &Workspace) -> Self {
        Self {
            id: w.id.clone(),
            name: w.name.clone(),
            external_key_id: w.external_key_id.clone(),
            created_at: w.created_at,
        }
    }
}

/// A cloud for the wizard: its runtime, or why it cannot be set up (its settings are unusable).
pub type CloudChoice = (ProviderKind, std::result::Result<Arc<dyn CloudRuntime>, String>);

/// The organisation, its active workspaces and what each cloud's credentials reach, concurrently.
/// Cloud problems are reported in the overview, not as errors.
pub async fn overview(platform: &Client, clouds: &[CloudChoice]) -> Result<Overview> {
    let states = cloud_states(clouds);
    let (org, workspaces, states) = tokio::join!(platform.organization(), platform.all_workspaces(false), states);
    let org = org.map_err(Error::from)?;
    let org_uuid: OrgUuid = org.id.parse().map_err(|e| {
        Error::remote(format!("the platform returned organisation id `{}`, which is not a bare UUID: {e}", org.id))
    })?;
    let workspaces = workspaces.map_err(Error::from)?;
    Ok(Overview {
        org_name: org.name,
        org_uuid,
        workspaces: workspaces.iter().filter(|w| w.archived_at.is_none()).map(WorkspaceSummary::from).collect(),
        clouds: states,
    })
}

/// Every cloud's overview, concurrently, in the clouds' order.
async fn cloud_states(clouds: &[CloudChoice]) -> Vec<(ProviderKind, CloudState)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (kind, runtime)) in clouds.iter().enumerate() {
        let (kind, runtime) = (*kind, runtime.clone());
        tasks.spawn(async move {
            let state = match runtime {
                Ok(r) => r.overview().await,
                Err(why) => CloudState::Unusable(format!(
                    "the {} settings are unusable: {why}",
                    cmek_core::clouds::get(kind).map_or(kind.as_str(), |c| c.label())
                )),
            };
            (i, kind, state)
        });
    }
    let mut done: Vec<(usize, ProviderKind, CloudState)> = tasks.join_all().await;
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter().map(|(_, kind, state)| (kind, state)).collect()
}

/// Creates a workspace (the recommended home for a CMEK key: nothing in it predates the key).
pub async fn create_workspace(platform: &Client, name: &str) -> Result<WorkspaceSummary> {
    let created = platform
        .create_workspace(&CreateWorkspace { name: name.to_string(), ..Default::default() })
        .await
        .map_err(|e| Error::from(e).context(format!("creating workspace `{name}`")))?;
    Ok(WorkspaceSummary::from(&created))
}

/// Gathers the facts for `answers` and builds the plan (its checks included).
pub async fn prepare(services: &Services, answers: &SetupAnswers) -> Result<(SetupFacts, Plan)> {
    let facts = super::gather(services, answers, &mut Discard).await?;
    let plan = plan::build(answers, &facts)?;
    Ok((facts, plan))
}
