//! The engine calls behind the wizard's intents, in the small steps an interactive flow needs:
//! an overview for the first screens, a cloud's answer to its Key screen, a new workspace,
//! facts + plan, and attach. The wizard never calls these itself; the TUI runtime does, and feeds
//! the results back.

use std::sync::Arc;
use std::time::Duration;

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
    overview_within(platform, clouds, OVERVIEW_DEADLINE).await
}

/// How long the first screen waits for the organisation, or for a cloud, before it says which
/// did not answer (each request's own timeout and retries would otherwise add up to minutes).
pub const OVERVIEW_DEADLINE: Duration = Duration::from_secs(30);

/// [`overview`] with its deadline given.
pub async fn overview_within(platform: &Client, clouds: &[CloudChoice], deadline: Duration) -> Result<Overview> {
    let states = cloud_states(clouds, deadline);
    let org_and_workspaces =
        tokio::time::timeout(deadline, async { tokio::join!(platform.organization(), platform.all_workspaces(false)) });
    let (platform_answer, states) = tokio::join!(org_and_workspaces, states);
    let Ok((org, workspaces)) = platform_answer else {
        return Err(Error::remote(format!(
            "the Claude Platform Admin API at {} did not answer within {} s",
            platform.base_url(),
            deadline.as_secs()
        ))
        .with_hint("check the network (a proxy, a firewall) and --base-url / ANTHROPIC_BASE_URL"));
    };
    let org = org.map_err(Error::from)?;
    let org_uuid: OrgUuid = org.uuid().map_err(Error::remote)?;
    let workspaces = workspaces.map_err(Error::from)?;
    Ok(Overview {
        org_name: org.name,
        org_uuid,
        workspaces: workspaces.iter().filter(|w| w.archived_at.is_none()).map(WorkspaceSummary::from).collect(),
        clouds: states,
    })
}

/// Every cloud's overview, concurrently, in the clouds' order; a cloud that does not answer
/// within `deadline` is unusable for now, and says so.
async fn cloud_states(clouds: &[CloudChoice], deadline: Duration) -> Vec<(ProviderKind, CloudState)> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, (kind, runtime)) in clouds.iter().enumerate() {
        let (kind, runtime) = (*kind, runtime.clone());
        tasks.spawn(async move {
            let label = cmek_core::clouds::get(kind).map_or(kind.as_str(), |c| c.label());
            let state = match runtime {
                Ok(r) => tokio::time::timeout(deadline, r.overview()).await.unwrap_or_else(|_| {
                    CloudState::Unusable(format!(
                        "{label} did not answer within {} s: check the network and the endpoint settings",
                        deadline.as_secs()
                    ))
                }),
                Err(why) => CloudState::Unusable(format!("the {label} settings are unusable: {why}")),
            };
            (i, kind, state)
        });
    }
    let mut done: Vec<(usize, ProviderKind, CloudState)> = tasks.join_all().await;
    done.sort_by_key(|(i, _, _)| *i);
    done.into_iter().map(|(_, kind, state)| (kind, state)).collect()
}

/// Creates a workspace (the recommended home for a CMEK key: nothing in it predates the key).
/// A create whose outcome was lost is looked up before it is sent again, and one the platform
/// made but did not finish (`workspace_created_incomplete`) is used by its id: the client never
/// creates a workspace twice.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::platform::ClientConfig;
    use crate::platform::test_server::{TEST_KEY, admin_key};

    /// A platform that accepts connections and never answers: the first screen must not wait on
    /// it for minutes of timeouts and retries, and must say which service did not answer.
    #[tokio::test]
    async fn a_platform_that_never_answers_fails_the_overview_at_its_deadline() {
        let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url: url::Url = format!("http://{}/", silent.local_addr().unwrap()).parse().unwrap();
        let held = tokio::spawn(async move {
            let mut open = Vec::new();
            while let Ok((socket, _)) = silent.accept().await {
                open.push(socket);
            }
        });
        let client = Client::new(ClientConfig::new(url.clone(), admin_key(TEST_KEY))).unwrap();

        let started = std::time::Instant::now();
        let err = overview_within(&client, &[], Duration::from_millis(300)).await.unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "the deadline ends the wait, not the client's timeouts");
        let text = err.to_string();
        assert!(text.contains("did not answer within") && text.contains(url.as_str()), "{text}");
        held.abort();
    }
}
