//! The engine calls behind the wizard's intents, in the small steps an interactive flow needs:
//! an overview for the first screens, key candidates, a new workspace, facts + plan, and attach.
//! The wizard never calls these itself; the TUI runtime does, and feeds the results back.

use chrono::{DateTime, Utc};

use crate::error::{Error, Result};
use crate::model::{AwsCallerIdentity, AwsKeyRef, AwsKeyState, KmsAliasName, KmsKeyArn, OrgUuid, ProviderKind};
use crate::plan::{self, Plan, SetupAnswers, SetupFacts};
use crate::platform::Client;
use crate::platform::types::{CreateWorkspace, Workspace};
use crate::providers::aws::AwsProvider;

use super::Services;
use super::events::Discard;

/// What the welcome screen shows and the workspace and key screens choose from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overview {
    pub org_name: String,
    pub org_uuid: OrgUuid,
    /// Active workspaces, in creation order.
    pub workspaces: Vec<WorkspaceSummary>,
    /// `Err`: why no AWS identity was found (shown, not fatal: the user may fix it and retry).
    pub aws_identity: std::result::Result<AwsCallerIdentity, String>,
    /// Providers that exist but cannot be chosen yet, with the reason.
    pub other_providers: Vec<(ProviderKind, String)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkspaceSummary {
    pub id: String,
    pub name: String,
    pub external_key_id: Option<String>,
    pub created_at: DateTime<Utc>,
}

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

/// An existing key the user may pick.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyCandidate {
    pub arn: KmsKeyArn,
    pub alias: Option<KmsAliasName>,
    pub state: AwsKeyState,
    /// One line on what was found (e.g. "named by alias/anthropic-cmek; already registered").
    pub note: String,
}

/// The organisation, its active workspaces and the AWS identity, concurrently.
pub async fn overview(platform: &Client, aws: &AwsProvider) -> Result<Overview> {
    let (org, workspaces, identity) =
        tokio::join!(platform.organization(), platform.all_workspaces(false), aws.whoami());
    let org = org.map_err(Error::from)?;
    let org_uuid: OrgUuid = org.id.parse().map_err(|e| {
        Error::remote(format!("the platform returned organisation id `{}`, which is not a bare UUID: {e}", org.id))
    })?;
    let workspaces = workspaces.map_err(Error::from)?;
    Ok(Overview {
        org_name: org.name,
        org_uuid,
        workspaces: workspaces.iter().filter(|w| w.archived_at.is_none()).map(WorkspaceSummary::from).collect(),
        aws_identity: identity.map_err(|e| e.to_string()),
        other_providers: vec![
            (ProviderKind::Gcp, "not supported by this version of cmek yet".to_string()),
            (ProviderKind::Azure, "not supported by this version of cmek yet".to_string()),
        ],
    })
}

/// The keys worth offering: the one the alias names, if any.
pub async fn key_candidates(aws: &AwsProvider, alias: &KmsAliasName) -> Result<Vec<KeyCandidate>> {
    let found = aws.find_key(&AwsKeyRef::Alias(alias.clone())).await.map_err(Error::from)?;
    Ok(found
        .into_iter()
        .map(|k| KeyCandidate {
            note: format!(
                "named by {alias}; {}, {}",
                k.description.state.as_str(),
                if k.description.multi_region { "multi-Region" } else { "single-Region" }
            ),
            arn: k.description.arn,
            alias: Some(alias.clone()),
            state: k.description.state,
        })
        .collect())
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
    let plan = plan::build(answers, &facts).map_err(|e| Error::usage(e.to_string()))?;
    Ok((facts, plan))
}
